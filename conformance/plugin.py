"""pytest plugin glue: options, scenario collection, one target per worker, outcomes, records and reports.

Registered through the ``pytest11`` entry point, so it is loaded in every pytest run of an environment that
has the package installed. It stays inert (collects nothing, starts nothing) until scenario files are
collected: either the built-in library (``pytest --pyargs conformance``, or its path) or a ``--scenarios DIR``.
All the work happens in the layers below; this module only translates between them and pytest.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.util
import json
import re
import shlex
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
from _pytest._code.code import TerminalRepr

from conformance import __version__, verdict
from conformance.model.service import botocore_version, operation_names
from conformance.model.vocabulary import EVIDENCE_LEVELS
from conformance.report import records as rec
from conformance.report.allure import allure_labels
from conformance.report.errors import ReportError
from conformance.report.expectations import Expectations, ExpectationsError, load_expectations
from conformance.report.families import OTHER, operation_family
from conformance.report.recording import differences, read_recording, recording_of, write_recording
from conformance.report.redact import redact_record, redact_text, remember_secrets
from conformance.scenario.library import builtin_dir
from conformance.scenario.loader import ScenarioError, load_scenario
from conformance.scenario.runner import ScenarioResult, run_scenario
from conformance.scenario.templating import referenced_actors
from conformance.targets.actors import DUMMY_SECRET
from conformance.targets.config import parse_size
from conformance.targets.errors import TargetError
from conformance.targets.ledger import LEDGER_FOLDER
from conformance.targets.running import RunningTarget, probe, start_target
from conformance.targets.spec import (
    DEFAULT_CALL_DEADLINE,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    LimitOverrides,
    TargetSpec,
    parse_target,
)

# The fuzz checks' pytest side lives in its own glue module; loading it from here keeps one entry point.
pytest_plugins = ["conformance.fuzz_plugin"]

DEFAULT_ACTORS = ("creator", "member", "member2", "outsider")


@dataclass(slots=True)
class Session:
    """Per-process state of a conformance run (kept in ``config.stash``)."""

    active: bool
    spec: TargetSpec | None = None
    target_arg: str = "reference"
    roots: tuple[Path, ...] = ()
    extra_roots: tuple[Path, ...] = ()
    api_version: dt.date | None = None
    evidence: str = "inferred"
    report_dir: Path | None = None
    run_id: str = ""
    defects: frozenset[str] = frozenset()
    readings: tuple[str, ...] = ()
    expectations: Expectations | None = None
    expectations_path: Path | None = None
    seen_ids: dict[str, str] = field(default_factory=dict)
    selection: list[str] = field(default_factory=list)
    """Why the run is partial (``-k``, ``-m``, named files ...); empty for a run of the whole library."""
    record_dir: Path | None = None
    against_dir: Path | None = None
    running: RunningTarget | None = None
    start_error: str | None = None
    started: float = field(default_factory=time.time)
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ledger_dir(self) -> Path | None:
        """Where a real-AWS run keeps its ledger: the report folder's ``.ledger``, where ``cleanup`` looks for it."""
        return self.report_dir.parent / LEDGER_FOLDER if self.report_dir is not None else None

    def target(self) -> RunningTarget:
        """The running target of this process, started on first use."""
        if self.start_error is not None:
            raise TargetError(self.start_error)
        if self.running is None:
            assert self.spec is not None
            try:
                self.running = start_target(
                    self.spec, run_id=self.run_id, emulator_config=_emulator_config(self), ledger_dir=self.ledger_dir
                )
                _remember_credentials(self.running)
            except TargetError as exc:
                self.start_error = str(exc)
                raise
        return self.running


SESSION = pytest.StashKey[Session]()
RECORD_KEY = "cleanrooms-conformance"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cleanrooms-conformance", "AWS Clean Rooms conformance")
    group.addoption(
        "--target",
        default=None,
        help="implementation to test: reference (default), moto, aws, http(s)://HOST:PORT, "
        "or a name from --target-config",
    )
    group.addoption("--target-config", default=None, type=Path, help="TOML file with named targets")
    group.addoption(
        "--target-name",
        default=None,
        help="the target's name in reports and the report folder (default: reference, moto, aws, the name in "
        "--target-config, or HOST-PORT of a URL); e.g. my-emulator for a `serve --port 0` URL",
    )
    group.addoption("--region", default=None, help="region for aws/URL targets (default us-east-1)")
    group.addoption(
        "--allow-account",
        action="append",
        default=[],
        help="AWS account id the aws target may use (repeat; every actor's account must be listed)",
    )
    group.addoption(
        "--api-version",
        default=None,
        help="run only scenarios whose behaviour existed in this SDK release (YYYY-MM-DD, e.g. 2025-09-03)",
    )
    group.addoption(
        "--evidence",
        default="inferred",
        choices=EVIDENCE_LEVELS,
        help="lowest evidence level whose failures fail the run (inferred < documented < model)",
    )
    group.addoption("--expectations", default=None, type=Path, help="expectations file (known failures of the target)")
    group.addoption(
        "--scenarios",
        action="append",
        default=[],
        type=Path,
        help="another directory of scenario files to run (repeatable)",
    )
    group.addoption("--report-dir", default=Path("reports"), type=Path, help="where reports/<target>/ is written")
    group.addoption(
        "--mask-accounts",
        action="store_true",
        default=False,
        help="replace 12-digit account ids in the report folder with placeholders (<account:creator>)",
    )
    group.addoption("--run-id", default=None, help="run id used in resource names and tags (default: random)")
    group.addoption(
        "--connect-timeout",
        default=None,
        type=float,
        help=f"seconds to wait for a connection (default {DEFAULT_CONNECT_TIMEOUT:g}, or the target config's)",
    )
    group.addoption(
        "--read-timeout",
        default=None,
        type=float,
        help=f"seconds to wait for each read of a response (default {DEFAULT_READ_TIMEOUT:g}, or the target config's)",
    )
    group.addoption(
        "--call-deadline",
        default=None,
        type=float,
        help=f"seconds a whole call may take, however slowly the answer comes (default {DEFAULT_CALL_DEADLINE:g})",
    )
    group.addoption(
        "--max-response-bytes",
        default=None,
        type=_size_option,
        help="the largest response body read, in bytes or like 8MiB (default 8MiB); a larger one is ERROR",
    )
    group.addoption(
        "--record",
        action="store_true",
        default=False,
        help="save every scenario's normalised responses under --recordings/<target>/ (golden recordings)",
    )
    group.addoption("--recordings", default=Path("recordings"), type=Path, help="folder of golden recordings")
    group.addoption(
        "--against-recording",
        default=None,
        type=Path,
        help="compare every scenario with the recording in this folder (e.g. recordings/aws) and fail on differences",
    )
    group.addoption(
        "--emulator-defect",
        action="append",
        default=[],
        help="break the reference emulator on purpose (see `cleanrooms-conformance defects`); for self-tests",
    )
    group.addoption(
        "--emulator-reading",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="make the reference emulator answer a point AWS leaves open another defensible way, e.g. "
        "patterns=smithy, unknown_ids=access-denied, bad_json=serialization, api_version=2025-09-03 "
        "(repeatable; see docs/emulator-readings.md)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "scenario: a conformance scenario from a YAML file")
    config.addinivalue_line("markers", "fuzz: a generated (fuzz) conformance check")
    session = _build_session(config)
    config.stash[SESSION] = session
    if not session.active:
        return
    # A malformed scenario file must not stop the other files from running (design: collection error, rest runs).
    config.option.continue_on_collection_errors = True
    _route_arguments(config, session)
    config.pluginmanager.register(RunPlugin(config, session), "cleanrooms-conformance-run")


def _build_session(config: pytest.Config) -> Session:
    opt = config.option
    extra_roots = tuple(Path(p).resolve() for p in opt.scenarios)
    for root in extra_roots:
        if not root.is_dir():
            raise pytest.UsageError(
                f"--scenarios {root}: not a directory; give a folder that holds *.yaml scenario files"
            )
    builtin = builtin_dir()
    # Any of the suite's own options, or naming the library (`pytest --pyargs conformance`, a path in it), makes
    # this a conformance run; the target then defaults to the reference emulator, as it does for the CLI.
    explicit = (
        opt.target is not None
        or bool(extra_roots)
        or opt.expectations is not None
        or opt.api_version is not None
        or _args_touch(config, builtin)
    )
    if not explicit:
        return Session(active=False)
    # Scenario files are collected from the built-in library, every --scenarios folder, and whatever paths the
    # user named on the command line of a conformance run (`pytest my/dir --target=...`).
    named = (
        tuple(path for path, _ in _arg_paths(config) if path.exists())
        if config.args_source == pytest.Config.ArgsSource.ARGS
        else ()
    )
    session = Session(active=True, roots=(builtin.resolve(), *extra_roots, *named), extra_roots=extra_roots)
    session.selection = _selection(config, builtin)
    session.target_arg = opt.target or "reference"
    session.evidence = opt.evidence
    session.defects = frozenset(opt.emulator_defect)
    if opt.api_version:
        try:
            session.api_version = dt.date.fromisoformat(opt.api_version)
        except ValueError:
            raise pytest.UsageError(
                f"--api-version {opt.api_version!r}: expected a date YYYY-MM-DD (an SDK release date, e.g. 2025-12-18)"
            ) from None
    try:
        session.spec = parse_target(
            session.target_arg,
            config_file=opt.target_config,
            region=opt.region,
            timeouts=limit_overrides(opt),
            allow_accounts=opt.allow_account,
        )
    except TargetError as exc:
        raise pytest.UsageError(str(exc)) from None
    if opt.target_name is not None:
        if not opt.target_name.strip() or _safe_name(opt.target_name) != opt.target_name:
            raise pytest.UsageError(
                f"--target-name {opt.target_name!r}: use letters, digits, '-', '_' and '.' only (it names a folder)"
            )
        session.spec = dataclasses.replace(session.spec, name=opt.target_name)
    if session.defects and session.spec.kind != "reference":
        raise pytest.UsageError("--emulator-defect applies only to --target=reference")
    session.readings = tuple(opt.emulator_reading)
    if session.readings:
        if session.spec.kind != "reference":
            raise pytest.UsageError("--emulator-reading applies only to --target=reference")
        from conformance.reference.config import parse_readings

        try:
            parse_readings(session.readings)
        except ValueError as exc:
            raise pytest.UsageError(f"--emulator-reading: {exc}") from None
    remember_secrets(
        value
        for actor in session.spec.actors.values()
        for value in (actor.access_key_id, actor.secret_access_key, actor.session_token)
        if _is_secret_value(value)
    )
    session.report_dir = (Path(opt.report_dir) / _safe_name(session.spec.name)).resolve()
    session.run_id = _run_id(config)
    if opt.record:
        session.record_dir = (Path(opt.recordings) / _safe_name(session.spec.name)).resolve()
    if opt.against_recording is not None:
        against = Path(opt.against_recording).resolve()
        if not against.is_dir():
            raise pytest.UsageError(
                f"--against-recording {against}: not a folder of recordings; make one with --record first"
            )
        session.against_dir = against
    if opt.expectations is not None:
        session.expectations_path = Path(opt.expectations).resolve()
        try:
            session.expectations = load_expectations(session.expectations_path)
        except (ExpectationsError, OSError) as exc:
            raise pytest.UsageError(f"--expectations: {exc}") from None
        # Checked once, by the process that reports (xdist workers got the same file and the same answer).
        unknown = [] if hasattr(config, "workerinput") else session.expectations.unknown(known_ids(session.roots))
        if unknown:
            raise pytest.UsageError("--expectations: " + session.expectations.describe_unknown(unknown))
    return session


_TOP_LEVEL_ID = re.compile(r"^id:[ \t]*['\"]?([^'\"\s#]+)", re.MULTILINE)


def known_ids(roots: Iterable[Path]) -> set[str]:
    """Every id an expectations entry may name: the scenarios under ``roots`` and the fuzz items and checks.

    Scenario ids are read without loading the files (a file's ``id:``, else its name), so that a file that
    does not load still has its id known and the check costs milliseconds.
    """
    from conformance.fuzz.catalogue import CHECK_ORDER, PROPERTIES, STRATEGIES

    ids: set[str] = set()
    for root in roots:
        files = [root] if root.is_file() else [*root.rglob("*.yaml"), *root.rglob("*.yml")] if root.is_dir() else []
        for file in files:
            ids.add(file.stem)
            try:
                ids.update(_TOP_LEVEL_ID.findall(file.read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    names = {*CHECK_ORDER, *STRATEGIES, *PROPERTIES, "differential"}
    ids.update(f"fuzz:{name}" for name in names)
    ids.update(f"fuzz:{name}:{operation}" for name in names for operation in operation_names())
    return ids


def limit_overrides(option: Any) -> LimitOverrides:
    """The call limits given on the command line (each replaces the target config's; absent ones keep it)."""
    return LimitOverrides(option.connect_timeout, option.read_timeout, option.call_deadline, option.max_response_bytes)


def _size_option(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _arg_paths(config: pytest.Config) -> list[tuple[Path, bool]]:
    """The positional arguments as resolved paths, each with whether it names a node (``path::name``).

    Under ``--pyargs`` an argument that is not a path is a module name (``conformance``); it stands for the
    module's folder, as it does for pytest.
    """
    found: list[tuple[Path, bool]] = []
    for arg in config.args:
        name, _, node = arg.partition("::")
        path = Path(name)
        if config.option.pyargs and not path.exists():
            path = _module_path(name) or path
        try:
            found.append((path.resolve(), bool(node)))
        except OSError:
            continue
    return found


def _module_path(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin) if spec.origin else None


def _library_paths(builtin: Path) -> tuple[Path, Path]:
    """The library folder and the package folder it ships in (``pytest --pyargs conformance`` names the latter)."""
    return builtin.resolve(), Path(__file__).resolve().parent


def _args_touch(config: pytest.Config, builtin: Path) -> bool:
    """True when the positional arguments name the built-in library (a path in it, or ``--pyargs conformance``)."""
    library, package = _library_paths(builtin)
    for candidate, _ in _arg_paths(config):
        if candidate == library or library in candidate.parents or candidate in library.parents:
            return True
        if candidate == package or package in candidate.parents:
            return True
    return False


def _selection(config: pytest.Config, builtin: Path) -> list[str]:
    """Why this run is not the whole library (empty for a full run): ``-k``, ``-m``, named files, ``-x`` ...

    A partial run's report says so at its top and goes to ``<report-dir>/<target>-partial/``, so that re-running
    one scenario never replaces the report of a full run.
    """
    opt = config.option
    why: list[str] = []
    if opt.keyword:
        why.append(f"-k {opt.keyword}")
    if opt.markexpr:
        why.append(f"-m {opt.markexpr}")
    if getattr(opt, "deselect", None):
        why.append("--deselect " + " ".join(opt.deselect))
    if getattr(opt, "lf", False):
        why.append("--last-failed")
    if opt.maxfail:
        why.append(f"--maxfail={opt.maxfail}")
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        library, package = _library_paths(builtin)
        narrower = [
            str(path) + ("::..." if node else "")
            for path, node in _arg_paths(config)
            if node or not (path in (library, package) or path in library.parents)
        ]
        if narrower:
            why.append("only " + ", ".join(narrower))
    return why


def _route_arguments(config: pytest.Config, session: Session) -> None:
    """Point collection at the scenario roots when the user gave no paths of their own."""
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        unique: list[Path] = []
        for root in session.roots:
            if not any(root == kept or kept in root.parents for kept in unique):
                unique.append(root)
        config.args[:] = [str(root) for root in unique]
        config.args_source = pytest.Config.ArgsSource.ARGS
        return
    given = {Path(arg.split("::", 1)[0]).resolve() for arg in config.args}
    for extra in session.extra_roots:
        # Compare resolved paths: the built-in library is reachable through a symlink
        # (conformance/_scenarios), and the same folder given twice would be collected twice.
        if not any(extra == path or extra in path.parents or path in extra.parents for path in given):
            config.args.append(str(extra))


def _capped(text: str, limit: int = 4000) -> str:
    # A collection error names file:line and the problem; a hostile file must not make the report huge.
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


def partial_dir(report_dir: Path) -> Path:
    """Where a partial run writes its report: beside the full run's folder, never over it."""
    return report_dir.with_name(report_dir.name + "-partial")


def _run_id(config: pytest.Config) -> str:
    workerinput = getattr(config, "workerinput", None)
    if workerinput and workerinput.get(RECORD_KEY + "-run-id"):
        return str(workerinput[RECORD_KEY + "-run-id"])
    return str(config.option.run_id or f"cr-conf-{uuid.uuid4().hex[:8]}")


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("_") or "target"


def _is_secret_value(value: str | None) -> bool:
    # An emulator actor's access key id is its 12-digit account id and its secret the documented dummy: neither is
    # a secret, and redacting them would blank every account id (and the word "conformance") out of the reports.
    return bool(value) and value != DUMMY_SECRET and not (value or "").isdigit()


def _remember_credentials(target: RunningTarget) -> None:
    """Redact by value the credentials the target's clients sign with (for aws: what the profiles resolved to)."""
    if target.spec.kind != "aws":
        return  # an emulator's clients sign with the spec's static values, remembered when the session was built
    values: list[str | None] = []
    for actor in target.actors():
        # botocore keeps a client's credentials private; this is its accessor (as in fuzz_plugin's schemathesis).
        credentials = target.client(actor)._get_credentials()
        if credentials is not None:
            frozen = credentials.get_frozen_credentials()
            values += [frozen.access_key, frozen.secret_key, frozen.token]
    remember_secrets(v for v in values if _is_secret_value(v))


def _emulator_config(session: Session) -> Any:
    if session.spec is None or session.spec.kind != "reference":
        return None
    from conformance.reference import EmulatorConfig
    from conformance.reference.config import parse_readings

    try:
        return EmulatorConfig(defects=session.defects, **parse_readings(session.readings))
    except ValueError as exc:
        raise TargetError(f"--emulator-defect/--emulator-reading: {exc}") from None


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    state = parent.config.stash[SESSION]
    if not state.active or file_path.suffix not in {".yaml", ".yml"}:
        return None
    resolved = file_path.resolve()
    if not any(root in (resolved, resolved.parent) or root in resolved.parents for root in state.roots):
        return None
    collector: ScenarioFile = ScenarioFile.from_parent(parent, path=file_path)
    return collector


class ScenarioFile(pytest.File):
    """One scenario YAML file; yields one item, or a collection error naming ``file:line``."""

    def collect(self) -> Iterator[pytest.Item]:
        state = self.config.stash[SESSION]
        try:
            scenario = load_scenario(self.path, actors=_actor_names(state))
        except ScenarioError as exc:
            raise self.CollectError(str(exc)) from None
        first = state.seen_ids.setdefault(scenario.id, str(self.path))
        if first != str(self.path):
            raise self.CollectError(
                f"{self.path}:{scenario.line}: scenario id {scenario.id!r} is already used by {first}; "
                "give one of them another `id:`"
            )
        item: ScenarioItem = ScenarioItem.from_parent(self, name=scenario.id, scenario=scenario)
        for tag in scenario.tags:
            item.add_marker(pytest.mark.scenario(tag))
        yield item


def _actor_names(state: Session) -> tuple[str, ...]:
    if state.spec is None:
        return DEFAULT_ACTORS
    return tuple(sorted(set(state.spec.actors) | set(DEFAULT_ACTORS)))


def _needed_actors(scenario: Any) -> frozenset[str]:
    """Who calls in ``scenario`` and whose account its templates read."""
    values = [
        [step.params, step.raw_body, *((a.expect, a.expect_error) for a in step.alternatives)]
        for step in scenario.steps
    ]
    return frozenset(scenario.actors) | referenced_actors(values)


class ItemFailure(Exception):
    """Raised by a conformance item that failed; its text is redacted as it is made (see ``report/redact.py``).

    The text reaches the terminal, JUnit (through ``repr_failure``) and Allure (which reads the exception itself),
    so the exception is the one place all three take it from.
    """

    def __init__(self, message: str) -> None:
        super().__init__(redact_text(message))


def xfail(message: str) -> NoReturn:
    """End an item as an expected failure, with its text redacted (as :class:`ItemFailure` does)."""
    pytest.xfail(redact_text(message))


class ScenarioFailure(ItemFailure):
    """Raised by a scenario item that failed; carries the formatted failure text."""


class ScenarioItem(pytest.Item):
    """One scenario run against the session's target."""

    def __init__(self, *, scenario: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.add_marker(pytest.mark.scenario)

    def runtest(self) -> None:
        state = self.config.stash[SESSION]
        started = time.perf_counter()
        if state.spec is not None:
            try:
                # An actor the target does not configure is the configuration's problem, not the target's FAIL;
                # checked before the first step, so nothing is created half-way.
                state.spec.require_actors(_needed_actors(self.scenario))
            except TargetError as exc:
                self._finish(state, None, started, error=str(exc))
                raise ScenarioFailure(f"[ERROR] {exc}") from None
        try:
            target = state.target()
        except TargetError as exc:
            self._finish(state, None, started, error=f"target could not be started: {exc}")
            raise ScenarioFailure(f"[ERROR] target could not be started: {exc}") from None
        result = run_scenario(
            self.scenario,
            target,
            run_id=state.run_id,
            accounts={actor: target.account_id(actor) for actor in target.actors()},
        )
        judged = self._finish(state, result, started)
        if judged.xfail:
            xfail(judged.message)
        if judged.failed:
            raise ScenarioFailure(judged.message)

    def _finish(
        self, state: Session, result: ScenarioResult | None, started: float, *, error: str | None = None
    ) -> verdict.Verdict:
        judged = verdict.judge(
            self.scenario, result, evidence=state.evidence, expectations=state.expectations, error=error
        )
        scenario_record, checks = verdict.build_records(
            self.scenario,
            result,
            verdict=judged,
            target=state.spec.name if state.spec else "",
            rerun=self._rerun_command(),
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        # Redacted where they are made: the recording, Allure, the records sent on to results.json and the failure
        # text below all start from these copies, so none of them can carry what the target echoed back.
        judged = dataclasses.replace(judged, message=redact_text(judged.message))
        scenario_record, checks = redact_record(scenario_record), [redact_record(c) for c in checks]
        if result is not None and (state.record_dir or state.against_dir):
            judged, scenario_record, checks = self._compare_with_recording(state, judged, scenario_record, checks)
        self.stash[RECORDS] = (scenario_record, checks)
        # Small, useful facts for JUnit's <properties>; the full records travel separately (see RECORD_KEY).
        self.user_properties.extend(
            [
                ("outcome", judged.outcome),
                ("evidence", scenario_record["evidence_level"]),
                ("since", str(self.scenario.since)),
            ]
        )
        if self.config.getoption("allure_report_dir", None):
            _annotate_allure(scenario_record, checks, state)
        return judged

    def _compare_with_recording(
        self, state: Session, judged: verdict.Verdict, scenario_record: dict[str, Any], checks: list[dict[str, Any]]
    ) -> tuple[verdict.Verdict, dict[str, Any], list[dict[str, Any]]]:
        target = state.target()
        current = recording_of(
            self.scenario.id, target.spec.name, checks, accounts=dict(target.accounts), run_id=state.run_id
        )
        if state.record_dir is not None:
            write_recording(state.record_dir, current)
        if state.against_dir is None:
            return judged, scenario_record, checks
        try:
            recorded = read_recording(state.against_dir, self.scenario.id)
        except ReportError as exc:
            raise ScenarioFailure(f"[ERROR] {exc}") from None
        if recorded is None:
            self.user_properties.append(("recording", "none"))
            return judged, scenario_record, checks
        found = differences(recorded, current)
        path = state.against_dir / f"{self.scenario.id}.json"
        return verdict.with_recording_differences(judged, scenario_record, checks, found, recording=path)

    def _rerun_command(self) -> str:
        opts = self.config.option
        parts = ["pytest", str(self.path), f"--target={opts.target or 'reference'}"]
        if opts.target_config:
            parts.append(f"--target-config={opts.target_config}")
        if opts.target_name:
            parts.append(f"--target-name={opts.target_name}")
        for defect in opts.emulator_defect:
            parts.append(f"--emulator-defect={defect}")
        for reading in opts.emulator_reading:
            parts.append(f"--emulator-reading={reading}")
        if opts.expectations:
            parts.append(f"--expectations={opts.expectations}")
        return shlex.join(parts)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        # The scenario's own account is the whole story; a Python traceback of the glue would only hide it
        # (and formatting one costs ~0.2 s per item, which made large XFAIL runs slow).
        if isinstance(excinfo.value, ItemFailure | pytest.xfail.Exception):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, max(self.scenario.line - 1, 0), f"scenario: {self.scenario.title}"


#: An item's report records (the scenario record and its check records), for any item of a run: scenario items
#: and the fuzz items store them here, and one ``pytest_runtest_makereport`` sends them on.
RECORDS = pytest.StashKey[tuple[dict[str, Any], list[dict[str, Any]]]]()


def _annotate_allure(scenario_record: dict[str, Any], checks: list[dict[str, Any]], state: Session) -> None:
    """Allure labels and request/response attachments, when allure-pytest is installed and --alluredir given."""
    try:
        import allure
    except ImportError:  # the [allure] extra is optional; --alluredir alone then only gets pytest's basics
        return
    record = rec.from_dict(rec.ScenarioRecord, scenario_record)
    for name, value in allure_labels(record, [str(c["operation"]) for c in checks]):
        allure.dynamic.label(name, value)  # type: ignore[no-untyped-call]  # allure-python has no annotations here
    allure.dynamic.parameter("target", state.spec.name if state.spec else "")
    for check in checks:
        body = json.dumps({"request": check["request"], "response": check["response"]}, indent=2, default=str)
        name = f"step {check['step']} {check['operation']} as {check['actor']}: {check['outcome']}"
        allure.attach(body, name=name, attachment_type=allure.attachment_type.JSON)


class QuietFailure(TerminalRepr):
    """A failure shown in the terminal by its first lines and where the report has the rest.

    ``str()`` (what JUnit, Allure and xdist copy) stays the full text; only the terminal gets the short form.
    """

    def __init__(self, full: str, short: list[str], link: Callable[[], str]) -> None:
        self.full = full
        self.short = short
        self.link = link

    def __str__(self) -> str:
        return self.full

    def toterminal(self, tw: Any) -> None:
        for line in self.short:
            tw.line(line)
        tw.line(f"  details: {self.link()}")


def first_lines(message: str, width: int = 200) -> list[str]:
    """The headline of a failure and its first cause.

    The cause is the first ``[kind, level] ...`` line (a scenario's ``- [expectation, model: MODEL] ...``, a fuzz
    finding's ``[accepted-invalid, model] ...``), else the line after the headline; a second headline-like line
    (a fuzz item's ``fuzz:negative:CreateCollaboration: FAIL (...)``) is kept as well.
    """
    lines = [line for line in message.splitlines() if line.strip()]
    if not lines:
        return []
    picked = [lines[0]]
    if len(lines) > 1 and not lines[1][:1].isspace():
        picked.append(lines[1])
    causes = [line for line in lines[1:] if line.lstrip().removeprefix("- ").startswith("[")]
    cause = causes[0] if causes else next((line for line in lines[1:] if line not in picked), None)
    if cause is not None:
        picked.append(cause)
    return [line if len(line) <= width else line[: width - 3] + "..." for line in picked]


class QuietFailures:
    """Without ``-v``, each failing item of the suite takes a few lines in the terminal, not its whole account.

    Registered in the process that prints (the xdist controller, or the only one); runs last, after JUnit and
    Allure have taken the full text and the captured output from the report.
    """

    def __init__(self, run: RunPlugin) -> None:
        self.run = run
        self.scenario_ids: dict[str, str] = {}
        self.shortened = 0

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        scenario_id = self.scenario_ids.get(report.nodeid)
        if scenario_id is None or not report.failed or report.when != "call":
            return
        full = str(report.longrepr)
        report.longrepr = QuietFailure(full, first_lines(full), lambda: self.link(scenario_id))
        # Captured output (schemathesis' progress, a server's tracebacks) is in the report and under -v.
        report.sections = []
        self.shortened += 1

    def link(self, scenario_id: str) -> str:
        from conformance.report.render import anchor

        pages = [path for path in self.run.report_paths if path.name == "index.html"]
        return f"{pages[0]}#{anchor('f-', scenario_id)}" if pages else "the report (not written)"


class RunPlugin:
    """The hooks of an active conformance run (registered only when scenarios are being collected)."""

    def __init__(self, config: pytest.Config, state: Session) -> None:
        self.config = config
        self.state = state
        self.report_paths: list[Path] = []
        self.start_failed = False
        self.collection_errors: dict[str, dict[str, Any]] = {}
        """Scenario files that could not be loaded, by node id: rows of the report that count against the score."""
        self.deselected = 0
        self.selection = ""
        self.quiet = QuietFailures(self)
        if config.option.verbose <= 0 and not _is_worker(config):
            config.pluginmanager.register(self.quiet, "cleanrooms-conformance-quiet")

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Xdist controller: every worker uses the controller's run id (one run, one id, one ledger)."""
        node.workerinput[RECORD_KEY + "-run-id"] = self.state.run_id

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        state = self.state
        if _is_worker(session.config) or state.spec is None or session.config.option.collectonly:
            return
        # Every target is started (or, when remote, probed) once, up front, so a target that cannot be started is
        # one clear message and exit 2 rather than an ERROR per scenario (moto without its extra, a closed port).
        # Without xdist this process runs the items and keeps the target; the xdist controller runs none.
        try:
            target = state.target()
            if state.spec.kind in {"url", "aws"}:
                probe(target)
        except TargetError as exc:
            self.start_failed = True
            pytest.exit(f"cleanrooms-conformance: target {state.spec.name!r} cannot be started: {exc}", returncode=2)
        if session.config.pluginmanager.has_plugin("dsession") and state.running is not None:
            state.running.close()
            state.running = None

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if self.state.api_version is None:
            return
        keep: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            scenario = getattr(item, "scenario", None)
            since = getattr(scenario, "since", None)
            (dropped if since is not None and since > self.state.api_version else keep).append(item)
        if dropped:
            # Not counted as a selection: a run --api-version is a whole run of the library as of that release.
            self.deselected -= len(dropped)
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # A scenario file that cannot be loaded is a row of the report (ERROR), so the score never shows 100% of
        # what happened to load. Under xdist the controller gets each worker's failed collection reports.
        if _is_worker(self.config) or not report.failed:
            return
        path = Path(report.nodeid.split("::", 1)[0])
        if path.suffix not in {".yaml", ".yml"} or report.nodeid in self.collection_errors:
            return
        self.collection_errors[report.nodeid] = rec.to_dict(
            rec.ScenarioRecord(
                scenario_id=path.stem,
                title=f"{path.name} could not be loaded",
                target=self.state.spec.name if self.state.spec else "",
                outcome="ERROR",
                file=str(path),
                evidence_level=rec.COLLECTION_ERROR,
                message=redact_text(f"[ERROR] collection error: {_capped(report.longreprtext)}"),
            )
        )

    # trylast: the innermost wrapper, so the captured output is redacted before Allure's wrapper attaches it.
    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if call.when == "call" and RECORDS in item.stash:
            scenario_record, checks = item.stash[RECORDS]
            if not isinstance(item, ScenarioItem):  # a scenario's records were redacted as they were made
                scenario_record, checks = redact_record(scenario_record), [redact_record(c) for c in checks]
            report.user_properties.append((RECORD_KEY, json.dumps({"scenario": scenario_record, "checks": checks})))
        if RECORDS in item.stash or isinstance(item, ScenarioItem):
            # Captured output and logs (shown on failure, copied by JUnit and Allure) may quote a response too.
            report.sections = [(title, redact_text(content)) for title, content in report.sections]
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Runs in the controller for xdist runs (worker reports are replayed there) and in the only process
        # otherwise, so the records of every worker end up in one place. The records ride on user_properties
        # because that is what xdist carries to the controller; they are taken off again here, first, so that
        # junitxml and other plugins never copy whole requests and responses into their files.
        if _is_worker(self.config):
            return
        kept = []
        for key, value in report.user_properties:
            if key == RECORD_KEY:
                payload = json.loads(str(value))
                self.state.scenarios.append(payload["scenario"])
                self.state.checks.extend(payload["checks"])
                self.quiet.scenario_ids[report.nodeid] = str(payload["scenario"]["scenario_id"])
            else:
                kept.append((key, value))
        report.user_properties = kept

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        state = self.state
        if state.running is not None:
            state.running.close()
            state.running = None
        if _is_worker(session.config) or state.report_dir is None or state.spec is None:
            return
        if session.config.option.collectonly or self.start_failed:
            return  # nothing ran: the last run's report stays as it was
        selection = [*state.selection]
        if self.deselected > 0 and not any(s.startswith(("-k", "-m", "--deselect")) for s in selection):
            selection.append(f"{self.deselected} deselected")
        if exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop or session.shouldfail:
            selection.append("interrupted")
        run = rec.RunInfo(
            target=state.spec.name,
            endpoint=state.spec.endpoint or "",
            run_id=state.run_id,
            started=state.started,
            finished=time.time(),
            botocore_version=botocore_version(),
            suite_version=__version__,
            api_version=state.api_version.isoformat() if state.api_version else None,
            evidence_threshold=state.evidence,
            expectations_file=str(state.expectations_path) if state.expectations_path else None,
            command=shlex.join(["pytest", *session.config.invocation_params.args]),
            extra={"accounts": {a.name: a.account_id for a in state.spec.actors.values() if a.account_id}},
            selection="; ".join(selection),
        )
        self.report_paths = verdict.write_reports(
            partial_dir(state.report_dir) if selection else state.report_dir,
            run,
            [*state.scenarios, *self.collection_errors.values()],
            state.checks,
            # Coverage is measured over the four operation families the suite is about, not all 103 operations.
            [op for op in operation_names() if operation_family(op) != OTHER],
            mask_accounts=bool(self.config.option.mask_accounts),
        )
        self.selection = run.selection

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if _is_worker(self.config) or self.config.option.collectonly or self.start_failed:
            return
        scenarios: dict[str, int] = {}
        fuzz: dict[str, int] = {}
        for record in self.state.scenarios:
            counts = fuzz if str(record["scenario_id"]).startswith("fuzz:") else scenarios
            counts[record["outcome"]] = counts.get(record["outcome"], 0) + 1
        name = self.state.spec.name if self.state.spec else ""
        terminalreporter.write_sep("-", f"cleanrooms-conformance: {name}")
        summary = ", ".join(f"{n} {k}" for k, n in sorted(scenarios.items())) or "none ran"
        terminalreporter.write_line(f"scenarios: {summary}")
        if fuzz:
            terminalreporter.write_line("fuzz checks: " + ", ".join(f"{n} {k}" for k, n in sorted(fuzz.items())))
        if self.collection_errors:
            terminalreporter.write_line(
                f"scenario files that could not be loaded: {len(self.collection_errors)} (ERROR rows in the report)"
            )
        if self.selection:
            terminalreporter.write_line(
                f"partial run ({self.selection}): its report is kept apart from the full run's, which is unchanged"
            )
        if self.quiet.shortened:
            terminalreporter.write_line(
                f"{self.quiet.shortened} failure(s) shown by their first cause; -v shows each in full, "
                "and the report has every request and response"
            )
        for path in self.report_paths:
            terminalreporter.write_line(f"report: {path}")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.state.running is not None:
            self.state.running.close()
            self.state.running = None
