"""Command-line glue: ``cleanrooms-conformance run | serve | cleanup | compare | expectations | openapi | ...``.

Each subcommand parses its options, calls one function of a layer below, and turns errors into a message on
stderr and an exit code: 0 clean, 1 regressions (failed scenarios or stale expectations), 2 usage or target
errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance import __version__

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if rest and args.command not in {"run", "bench"}:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    handler = _HANDLERS[args.command]
    try:
        return handler(args, rest)
    except KeyboardInterrupt:
        print("cleanrooms-conformance: interrupted", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleanrooms-conformance",
        description="Conformance suite for AWS Clean Rooms implementations.",
    )
    parser.add_argument("--version", action="version", version=f"cleanrooms-conformance {__version__}")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser(
        "run",
        help="run the scenario library against a target and write reports/<target>/",
        add_help=False,  # `run --help` lists the suite's options too (see _run_help)
    )
    run.add_argument("-h", "--help", action="store_true", default=False, help="show this help and exit")
    run.add_argument("--target", default="reference", help="reference (default), moto, aws, URL or a configured name")
    run.add_argument("--report-dir", default="reports", help="folder for reports/<target>/ (default: reports)")

    serve = sub.add_parser("serve", help="run the reference emulator until stopped (Ctrl-C)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=int, default=0, help="port to listen on (default: a free port)")
    serve.add_argument("--region", default="us-east-1")
    serve.add_argument("--defect", action="append", default=[], help="break the emulator on purpose (see `defects`)")
    serve.add_argument(
        "--reading",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="answer a point AWS leaves open another defensible way (repeatable; docs/emulator-readings.md): "
        "patterns=anchored|smithy, unknown_ids=not-found|access-denied, bad_json=split|validation|serialization, "
        "api_version=YYYY-MM-DD|latest",
    )
    serve.add_argument(
        "--max-workers",
        type=int,
        default=None,
        help="requests answered at the same time, one thread each (default 32); idle connections hold no thread",
    )
    serve.add_argument(
        "--max-connections",
        type=int,
        default=None,
        help="open connections (default 512); one more closes the quietest idle one, or gets a 503 if all are busy",
    )

    bench = sub.add_parser(
        "bench",
        help="run the benchmarks of a source checkout (benchmarks/); never part of the tests",
        description="Runs benchmarks/<name>.py from the source checkout this package was installed from. "
        "Options after the name go to the benchmark (--help lists them).",
    )
    bench.add_argument("name", nargs="?", default=None, help="one benchmark (default: all, one after another)")
    openapi = sub.add_parser("openapi", help="print the OpenAPI 3.1 document derived from the botocore service model")
    openapi.add_argument(
        "--api-version",
        default=None,
        help="the model as it was at this SDK release (YYYY-MM-DD, e.g. 2025-09-03; default: the installed model)",
    )
    sub.add_parser("defects", help="list the named defects the reference emulator can simulate")
    sub.add_parser("scenarios", help="list the built-in scenarios (id, since, title)")

    cleanup = sub.add_parser(
        "cleanup",
        help="delete AWS resources left behind by a run",
        description="Deletes what the run's ledger (<report-dir>/.ledger/<run-id>.jsonl) records as not yet deleted, "
        "then whatever carries the run's run-id tag. Only the run's own resources: the run id must be the one the "
        "run printed (cr-conf-<8 hex digits> or cr-conf-<label>-<8 hex digits>), and it is matched exactly.",
    )
    cleanup.add_argument("--run-id", required=True, help="the run id printed by the run (cr-conf-1a2b3c4d)")
    cleanup.add_argument(
        "--report-dir", type=Path, default=Path("reports"), help="the run's --report-dir; its .ledger is read"
    )
    cleanup.add_argument("--ledger", type=Path, default=None, help="the ledger folder itself (overrides --report-dir)")
    cleanup.add_argument("--target", default="aws", help="aws or a configured aws target name")
    cleanup.add_argument("--target-config", type=Path, default=None)
    cleanup.add_argument("--region", default=None)
    cleanup.add_argument("--allow-account", action="append", default=[])

    compare = sub.add_parser("compare", help="one matrix of scenarios x targets from several report folders")
    compare.add_argument("runs", nargs="+", type=Path, help="report folders (reports/<target>) or results.json files")
    compare.add_argument("-o", "--output", type=Path, default=Path("reports/compare"), help="output folder")

    expectations = sub.add_parser("expectations", help="write an expectations file from a run's failures")
    expectations.add_argument("--from", dest="source", required=True, type=Path, help="report folder of a run")
    expectations.add_argument("-o", "--output", type=Path, default=None, help="file to write (default: stdout)")
    return parser


class _OptionGroup:
    """Stands in for pytest's parser and option group: the plugins' options become argparse arguments.

    pytest hands ``addoption``'s keywords to argparse as they are, so the same declarations give ``run --help``
    every option of the suite and check their values with this command's own name in the message.
    """

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser
        self.group: Any = None

    def getgroup(self, name: str, description: str = "") -> _OptionGroup:
        if self.group is None:
            self.group = self.parser.add_argument_group(description or name)
        return self

    def addoption(self, *names: str, **attrs: Any) -> None:
        if any(name in self.parser._option_string_actions for name in names):
            return  # --target and --report-dir: the run command's own
        self.group.add_argument(*names, **attrs)


def _run_parser() -> argparse.ArgumentParser:
    """``run``'s options and the suite's pytest options, for ``run --help`` and for checking values up front."""
    from conformance.glue.options import add_options

    parser = argparse.ArgumentParser(
        prog="cleanrooms-conformance run",
        usage="%(prog)s [options] [pytest options]",
        add_help=False,
        allow_abbrev=False,
        description="Runs the scenario library (and the fuzz checks) through pytest and writes "
        "<report-dir>/<target>/ (results.json, index.html). A partial run (-k, -m, a named file) writes "
        "<report-dir>/<target>-partial/ instead, leaving the full run's report as it was.",
        epilog="Any other option goes to pytest, e.g. -n 2 (xdist), -k NAME, -m 'not fuzz', -x, -v, "
        "--junitxml=junit.xml, --alluredir=DIR; `pytest --help` lists them. The run reads no pytest "
        "configuration file (pytest.ini, pyproject.toml, tox.ini): give pytest options on this command line.",
    )
    parser.add_argument("-h", "--help", action="store_true", default=False, help="show this help and exit")
    parser.add_argument(
        "--target", default="reference", help="reference (default), moto, aws, URL or a configured name"
    )
    parser.add_argument("--report-dir", default="reports", help="folder for reports/<target>/ (default: reports)")
    shim = _OptionGroup(parser)
    add_options(shim)  # type: ignore[arg-type]  # duck-typed: getgroup and addoption only
    return parser


def _run(args: argparse.Namespace, rest: list[str]) -> int:
    import pytest

    from conformance.scenario.library import builtin_dir

    suite = _run_parser()
    if args.help:
        suite.print_help()
        return EXIT_OK
    # A bad value of a suite option (--evidence=maybe) is reported here, under this command's name, rather than by
    # pytest as "usage: pytest.main()"; everything this parser does not know is pytest's.
    suite.parse_known_args(rest)
    argv = [str(builtin_dir()), f"--target={args.target}", f"--report-dir={args.report_dir}", "-p", "no:cacheprovider"]
    # The run must not depend on where the package happens to live: installed in editable mode, the checkout's
    # own pytest configuration (its addopts, --strict-config, `timeout = 300`) would otherwise apply, because
    # pytest looks for it above the scenario folder. No configuration file, and the current folder as rootdir.
    argv += ["-c", str(Path(__file__).resolve().parent / "run.ini"), "--rootdir", str(Path.cwd())]
    # This process imported the package before pytest started, so pytest cannot rewrite its asserts (it has none
    # that matter for a run); say nothing about it.
    argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    argv += RUN_OPTIONS
    code = int(pytest.main([*argv, *rest]))
    if code in (EXIT_OK, EXIT_REGRESSION):
        return code
    # pytest: 2 interrupted, 3 internal error, 4 usage error, 5 nothing collected — all "usage or target" here.
    return EXIT_USAGE


#: Options for pytest that make a run start faster, none of which changes what it checks.
#:
#: * schemathesis' and Hypothesis' own pytest plugins serve ``@given`` and ``schema.parametrize`` tests, of which a
#:   run has none (the fuzz checks call both libraries directly); loading them imports both libraries in every
#:   process at start-up, and pytest rewrites their modules' asserts: 0.3 s a process with a warm bytecode cache,
#:   1.5 s without one (``PYTHONDONTWRITEBYTECODE``). The fuzz checks import them when they run.
#: * The library's items judge with their own failure text, never with ``assert``; ``--assert=plain`` saves pytest
#:   rewriting the suite's modules in every process (0.25 s each without a bytecode cache).
#:
#: (Under ``-n`` the fuzz plugin hands items out one at a time, longest first: for plain ``pytest`` too.)
RUN_OPTIONS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest", "--assert=plain")


def _serve(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.reference import EmulatorConfig, serve_forever
    from conformance.reference.config import parse_readings
    from conformance.reference.server import ServerLimits

    try:
        config = EmulatorConfig(region=args.region, defects=frozenset(args.defect), **parse_readings(args.reading))
        limits = ServerLimits(
            **{
                name: value
                for name, value in (("max_workers", args.max_workers), ("max_connections", args.max_connections))
                if value is not None
            }
        )
    except ValueError as exc:
        print(f"cleanrooms-conformance serve: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def ready(url: str) -> None:
        print(f"reference emulator listening on {url}  (Ctrl-C to stop)", flush=True)
        print("actors: access key id = 12-digit account id, e.g. 111111111111; any secret; region " + args.region)
        print(f"limits: {limits.max_workers} workers, {limits.max_connections} connections", flush=True)

    try:
        serve_forever(args.host, args.port, config, ready=ready, limits=limits)
    except OSError as exc:
        print(f"cleanrooms-conformance serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _bench(args: argparse.Namespace, rest: list[str]) -> int:
    import subprocess

    # The benchmarks are development tools kept in the repository, not shipped in the wheel: they run from the
    # checkout next to the package, each in its own process so that one's imports and caches cannot flatter another.
    root = Path(__file__).resolve().parent.parent
    if not (root / "benchmarks" / "__init__.py").exists():
        print(
            "cleanrooms-conformance bench: the benchmarks ship with the source checkout, not the wheel; "
            "clone the repository and run it there (python3 dev.py shell)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    listing = subprocess.run(
        [sys.executable, "-c", "from benchmarks import BENCHMARKS; print(' '.join(BENCHMARKS))"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    names = listing.stdout.split()
    if args.name is not None and args.name not in names:
        print(
            f"cleanrooms-conformance bench: unknown benchmark {args.name!r}; choose from {', '.join(names)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    code = EXIT_OK
    for name in [args.name] if args.name else names:
        module = "benchmarks." + name.replace("-", "_")
        print(f"== {name} ({module})", flush=True)
        code = max(code, subprocess.call([sys.executable, "-m", module, *rest], cwd=root))
    return code


def _openapi(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.model.openapi import dumps
    from conformance.model.releases import ModelAt
    from conformance.scenario.versions import parse_api_version

    try:
        at = ModelAt(parse_api_version(args.api_version) if args.api_version else None)
    except ValueError as exc:
        print(f"cleanrooms-conformance openapi: --api-version: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(dumps(at=at) + "\n")
    return EXIT_OK


def _defects(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.reference import DEFECTS

    width = max(map(len, DEFECTS))
    for name, description in sorted(DEFECTS.items()):
        print(f"{name:<{width}}  {description}")
    return EXIT_OK


def _scenarios(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.scenario.library import builtin_dir
    from conformance.scenario.loader import load_scenarios

    scenarios, errors = load_scenarios(sorted(builtin_dir().glob("*.yaml")))
    for scenario in sorted(scenarios, key=lambda s: s.id):
        print(f"{scenario.id:<60} {scenario.since.isoformat()}  {scenario.title}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return EXIT_USAGE if errors else EXIT_OK


def _cleanup(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.report.redact import redact_text
    from conformance.targets.cleanup import cleanup
    from conformance.targets.errors import TargetError
    from conformance.targets.ledger import LEDGER_FOLDER
    from conformance.targets.spec import parse_target

    ledger_dir = args.ledger if args.ledger is not None else args.report_dir / LEDGER_FOLDER
    if args.ledger is not None and not args.ledger.is_dir():
        print(
            f"cleanrooms-conformance cleanup: --ledger {args.ledger}: not a folder; give the folder that "
            "holds <run-id>.jsonl (the run's <report-dir>/.ledger)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        spec = parse_target(
            args.target, config_file=args.target_config, region=args.region, allow_accounts=args.allow_account
        )
        report = cleanup(spec, args.run_id, ledger_dir=ledger_dir)
    except TargetError as exc:
        print(f"cleanrooms-conformance cleanup: {redact_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    # A failed delete's detail is the service's message, which a misbehaving endpoint may fill with the request.
    print(redact_text(str(report)))
    return EXIT_OK if not getattr(report, "failed", ()) else EXIT_REGRESSION


def _compare(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.report.compare import compare, render_compare_html, render_compare_text
    from conformance.report.results import ReportError, read_results

    try:
        runs = [read_results(path) for path in args.runs]
    except ReportError as exc:
        print(f"cleanrooms-conformance compare: {exc}", file=sys.stderr)
        return EXIT_USAGE
    comparison = compare(runs)
    args.output.mkdir(parents=True, exist_ok=True)
    page = args.output / "compare.html"
    page.write_text(render_compare_html(comparison), encoding="utf-8")
    print(render_compare_text(comparison))
    print(f"comparison: {page}")
    return EXIT_OK


def _expectations(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.report.expectations_writer import expectations_from_results
    from conformance.report.results import ReportError, read_results

    try:
        results = read_results(args.source)
    except ReportError as exc:
        print(f"cleanrooms-conformance expectations: {exc}", file=sys.stderr)
        return EXIT_USAGE
    text = expectations_from_results(results)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"expectations written to {args.output}")
    return EXIT_OK


_HANDLERS = {
    "run": _run,
    "serve": _serve,
    "openapi": _openapi,
    "bench": _bench,
    "defects": _defects,
    "scenarios": _scenarios,
    "cleanup": _cleanup,
    "compare": _compare,
    "expectations": _expectations,
}


if __name__ == "__main__":
    sys.exit(main())
