"""Whole run: wall time of the default run (scenario library + quick fuzz) against the reference emulator.

Runs the README's main command, ``python -m conformance run`` (``cleanrooms-conformance run``), as a
subprocess, serially and with ``-n 2``, alternating, and prints the medians and the speed-up. ``--via pytest``
runs ``python -m pytest <scenarios dir> --target=reference`` instead: the plugin as a ``pytest`` user meets
it, with every installed pytest plugin loaded. ``--what scenarios`` leaves the fuzz checks out
(``-m "not fuzz"``), ``--what fuzz`` runs only them. Reports go to a temporary folder.

Targets: ``-n 2`` at least 1.6x faster than serial; the default run well under a minute serially.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks import common

NAME = "whole-run"
TARGET_SPEEDUP = 1.6
TARGET_SERIAL_S = 60.0


def command(what: str, workers: int, report_dir: str, extra: Sequence[str], via: str = "cli") -> list[str]:
    if via == "cli":
        args = [sys.executable, "-m", "conformance", "run", f"--report-dir={report_dir}", "-q"]
    else:
        args = [sys.executable, "-m", "pytest", str(common.ROOT / "scenarios"), "--target=reference", "-q"]
        args += ["-p", "no:cacheprovider", f"--report-dir={report_dir}"]
    if what != "all":
        args += ["-m", "fuzz" if what == "fuzz" else "not fuzz"]
    if workers > 1:
        args += ["-n", str(workers)]
    return [*args, *extra]


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    summary: str
    """pytest's last line (``116 passed in 14.2s``)."""


def run(args: list[str]) -> Run:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=common.ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    summary = next((line.strip("= ") for line in reversed(lines) if re.search(r"\d+ (passed|failed)", line)), "")
    if done.returncode not in (0, 1):
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise SystemExit(f"{NAME}: the run failed (exit {done.returncode}):\n{' '.join(args)}\n{tail}")
    return Run(seconds, summary)


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.parser(NAME, "wall time of the default run, serial and with -n 2")
    parser.add_argument(
        "--what", choices=("all", "scenarios", "fuzz"), default="all", help="what the run holds (default: all)"
    )
    parser.add_argument("--workers", type=int, default=2, help="xdist workers of the parallel run (default 2)")
    parser.add_argument(
        "--via",
        choices=("cli", "pytest"),
        default="cli",
        help="cli: cleanrooms-conformance run (default, the README's command); pytest: python -m pytest",
    )
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments for both runs (after --)")
    options = parser.parse_args(argv)
    title = f"whole run ({options.what}, via {options.via}) against the reference emulator"
    report = common.start(NAME, options, title)
    with tempfile.TemporaryDirectory() as folder:
        serial_cmd = command(options.what, 1, folder, options.pytest_args, options.via)
        parallel_cmd = command(options.what, options.workers, folder, options.pytest_args, options.via)
        print(f"  serial:   {' '.join(serial_cmd[1:])}")
        print(f"  parallel: {' '.join(parallel_cmd[1:])}")
        serial: list[Run] = []
        parallel: list[Run] = []
        loads: list[float] = []
        for _ in range(options.repeats):
            serial.append(run(serial_cmd))
            parallel.append(run(parallel_cmd))
            loads.append(common.load_average()[0])
    load = statistics.median(loads)
    serial_s = statistics.median(r.seconds for r in serial)
    parallel_s = statistics.median(r.seconds for r in parallel)
    report.row(
        "serial", seconds=serial_s, runs=common.ratio_text([r.seconds for r in serial]), pytest=serial[-1].summary
    )
    report.row(
        f"-n {options.workers}",
        seconds=parallel_s,
        runs=common.ratio_text([r.seconds for r in parallel]),
        pytest=parallel[-1].summary,
    )
    speedups = [s.seconds / p.seconds for s, p in zip(serial, parallel, strict=True)]
    report.row("speed-up", ratio=serial_s / parallel_s, pairs=common.ratio_text(speedups))
    report.check(common.Check(f"-n {options.workers} speed-up", serial_s / parallel_s, TARGET_SPEEDUP, True, "x", load))
    report.check(common.Check("serial wall time", serial_s, TARGET_SERIAL_S, False, " s", load))
    return report.finish(options)


if __name__ == "__main__":
    raise SystemExit(main())
