"""Start-up: what a pytest process pays before its first scenario runs, and what xdist multiplies by the workers.

Every process of a run (the serial one, or the xdist controller and each worker) starts Python, imports boto3,
pytest and every installed pytest plugin (hypothesis, schemathesis, allure, xdist ...), imports the suite, and
(workers, serial runs) loads the whole scenario library. Measured here, each as the median of repeated cold
subprocesses:

* the interpreter alone, ``import boto3``, ``import conformance.plugin``;
* ``pytest --collect-only`` of the library (everything but the run), with and without the schemathesis and
  hypothesis pytest plugins (``-p no:schemathesis -p no:hypothesispytest``), which the suite does not use:
  the first imports schemathesis and hypothesis into every process, the second imports hypothesis for its
  terminal summary;
* the fixed cost of a run and of xdist: a run that deselects every item, serial and with ``-n 2``, both as
  ``pytest`` and as ``cleanrooms-conformance run`` (which leaves those two plugins out, and rewrites no asserts);
* loading the library in this process, with libyaml's events and with ruamel's pure parser;
* ``python -X importtime`` of the collect-only run: the heaviest top-level imports.

With ``PYTHONDONTWRITEBYTECODE`` set (as on the machine these figures were first taken on) no process keeps the
bytecode it compiles, nor pytest's rewritten modules: every process compiles the suite and rewrites every
plugin's package again. The benchmark prints whether it is set.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from benchmarks import common

NAME = "startup"


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=common.ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    # Everything deselected: pytest says 5 (no tests ran), the CLI turns that into 2 (usage).
    nothing_ran = 2 if args[1:4] == ["-m", "conformance", "run"] else 5
    if done.returncode not in (0, nothing_ran):
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-10:])
        raise SystemExit(f"{NAME}: {' '.join(args)} failed (exit {done.returncode}):\n{tail}")
    return seconds


def pytest_args(*extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        str(common.ROOT / "scenarios"),
        "--target=reference",
        "-q",
        "-p",
        "no:cacheprovider",
        *extra,
    ]


def import_profile(limit: int) -> list[tuple[str, float]]:
    """The heaviest top-level imports of a collect-only run (``-X importtime``), in ms, cumulative."""
    args = [sys.executable, "-X", "importtime", *pytest_args("--collect-only")[1:]]
    done = subprocess.run(args, cwd=common.ROOT, capture_output=True, text=True, check=False)
    rows: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if found and not found.group(2):  # top level: nothing imported it before
            rows.append((found.group(3), int(found.group(1)) / 1000))
    return sorted(rows, key=lambda row: -row[1])[:limit]


def load_library(fast: bool) -> float:
    from conformance.scenario import yaml_events
    from conformance.scenario.library import builtin_dir
    from conformance.scenario.loader import load_scenarios

    # Without libyaml's parser the loader falls back to ruamel's pure one, as on a machine without libyaml.
    original = yaml_events._CParser
    if not fast:
        yaml_events._CParser = None
    try:
        started = time.perf_counter()
        scenarios, errors = load_scenarios([builtin_dir()])
        seconds = time.perf_counter() - started
    finally:
        yaml_events._CParser = original
    if errors or not scenarios:
        raise SystemExit(f"{NAME}: the library does not load: {errors[:1]}")
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.parser(NAME, "what a pytest process pays before the first scenario runs", repeats=5)
    parser.add_argument("--top", type=int, default=15, help="how many top-level imports to list (default 15)")
    options = parser.parse_args(argv)
    report = common.start(NAME, options, "start-up: interpreter, imports, plugins, collection, xdist")
    python = [sys.executable]
    cli = [*python, "-m", "conformance", "run", "-q", f"--report-dir={tempfile.mkdtemp(prefix='startup-')}"]
    print(f"   PYTHONDONTWRITEBYTECODE={'set' if sys.flags.dont_write_bytecode else 'not set'}")
    commands = {
        "python -c pass": [*python, "-c", "pass"],
        "import boto3": [*python, "-c", "import boto3"],
        "import conformance.plugin": [*python, "-c", "import conformance.plugin"],
        "pytest --collect-only": pytest_args("--collect-only"),
        "pytest --collect-only -p no:schemathesis": pytest_args("--collect-only", "-p", "no:schemathesis"),
        "pytest --collect-only -p no:schemathesis -p no:hypothesispytest": pytest_args(
            "--collect-only", "-p", "no:schemathesis", "-p", "no:hypothesispytest"
        ),
        "run, every item deselected (serial)": pytest_args("-k", "no_such_item_anywhere"),
        "run, every item deselected (-n 2)": pytest_args("-k", "no_such_item_anywhere", "-n", "2"),
        "cli run, every item deselected (serial)": [*cli, "-k", "no_such_item_anywhere"],
        "cli run, every item deselected (-n 2)": [*cli, "-k", "no_such_item_anywhere", "-n", "2"],
    }
    found: dict[str, list[float]] = {label: [] for label in commands}
    library = {"library load, libyaml events (in-process)": True, "library load, ruamel only (in-process)": False}
    loaded: dict[str, list[float]] = {label: [] for label in library}
    loads: list[float] = []
    load_library(True)  # warm: imports and the model
    for _ in range(options.repeats):
        for label, args in commands.items():
            found[label].append(timed(args))
        for label, fast in library.items():
            loaded[label].append(load_library(fast))
        loads.append(common.load_average()[0])
    for label, values in {**found, **loaded}.items():
        report.row(label, ms=statistics.median(values) * 1000, runs=common.ratio_text([v * 1000 for v in values]))
    xdist = statistics.median(found["run, every item deselected (-n 2)"])
    serial = statistics.median(found["run, every item deselected (serial)"])
    report.row("xdist fixed cost (-n 2 minus serial)", ms=(xdist - serial) * 1000)
    cli_xdist = statistics.median(found["cli run, every item deselected (-n 2)"])
    cli_serial = statistics.median(found["cli run, every item deselected (serial)"])
    report.row("xdist fixed cost, cli run", ms=(cli_xdist - cli_serial) * 1000)
    print(f"  load median {statistics.median(loads):.2f}")
    print("  heaviest top-level imports of `pytest --collect-only` (cumulative ms, one run, -X importtime):")
    for module, ms in import_profile(options.top):
        report.row(f"import {module}", ms=ms)
    return report.finish(options)


if __name__ == "__main__":
    raise SystemExit(main())
