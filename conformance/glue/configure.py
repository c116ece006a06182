"""How the command line makes a conformance run: whether it is one, its session, and what is collected.

Reads pytest's options and positional arguments into a :class:`~conformance.glue.session.Session` (the target,
the evidence threshold, the expectations, the report folder, why a run is partial) and points collection at the
scenario roots. Every bad value is a ``pytest.UsageError`` naming the option.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from conformance.glue.session import RECORD_KEY, Session, is_secret_value
from conformance.model.service import operation_names
from conformance.report.expectations import ExpectationsError, load_expectations
from conformance.report.redact import remember_secrets
from conformance.scenario.library import builtin_dir
from conformance.targets.errors import TargetError
from conformance.targets.spec import LimitOverrides, parse_target


def build_session(config: pytest.Config) -> Session:
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
        if is_secret_value(value)
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
    return builtin.resolve(), Path(__file__).resolve().parent.parent


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


def route_arguments(config: pytest.Config, session: Session) -> None:
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
