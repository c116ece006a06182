"""The hooks of an active conformance run: starting the target, collection errors, records, the report, the summary.

Registered by ``conformance.plugin`` only when scenarios are collected. Every item's records reach this plugin
in the process that reports (:mod:`conformance.glue.transport`); at the end it writes
``<report-dir>/<target>/`` (or ``<target>-partial/``) and prints a summary of the outcomes.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Generator, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from conformance import __version__
from conformance.glue import transport
from conformance.glue.configure import partial_dir
from conformance.glue.fuzz_items import FuzzItem
from conformance.glue.quiet import QuietFailures
from conformance.glue.scenario_items import ScenarioItem
from conformance.glue.session import RECORD_KEY, RECORDS, Session, is_worker
from conformance.model.service import botocore_version, operation_names
from conformance.model.vocabulary import Outcome
from conformance.report import records as rec
from conformance.report.families import OTHER, operation_family
from conformance.report.redact import redact_text
from conformance.report.results import Results
from conformance.targets.errors import TargetError
from conformance.targets.running import probe


class RunPlugin:
    """The hooks of an active conformance run (registered only when scenarios are being collected)."""

    def __init__(self, config: pytest.Config, state: Session) -> None:
        self.config = config
        self.state = state
        self.report_paths: list[Path] = []
        self.start_failed = False
        self.collection_errors: dict[str, rec.ScenarioRecord] = {}
        """Scenario files that could not be loaded, by node id: rows of the report that count against the score."""
        self.deselected = 0
        self.selection = ""
        self.quiet = QuietFailures(lambda: self.report_paths)
        if config.option.verbose <= 0 and not is_worker(config):
            config.pluginmanager.register(self.quiet, "cleanrooms-conformance-quiet")

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Xdist controller: every worker uses the controller's run id (one run, one id, one ledger)."""
        node.workerinput[RECORD_KEY + "-run-id"] = self.state.run_id

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        state = self.state
        if is_worker(session.config) or state.spec is None or session.config.option.collectonly:
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
        if is_worker(self.config) or not report.failed:
            return
        path = Path(report.nodeid.split("::", 1)[0])
        if path.suffix not in {".yaml", ".yml"} or report.nodeid in self.collection_errors:
            return
        self.collection_errors[report.nodeid] = rec.ScenarioRecord(
            scenario_id=path.stem,
            title=f"{path.name} could not be loaded",
            target=self.state.target_name,
            outcome=str(Outcome.ERROR),
            file=str(path),
            evidence_level=rec.COLLECTION_ERROR,
            message=redact_text(f"[ERROR] collection error: {_capped(report.longreprtext)}"),
        )

    # trylast: the innermost wrapper, so the captured output is redacted before Allure's wrapper attaches it.
    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if call.when == "call":
            transport.send(item, report)
        if RECORDS in item.stash or isinstance(item, ScenarioItem | FuzzItem):
            # Captured output and logs (shown on failure, copied by JUnit and Allure) may quote a response too.
            report.sections = [(title, redact_text(content)) for title, content in report.sections]
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Runs in the controller for xdist runs (worker reports are replayed there) and in the only process
        # otherwise, so the records of every worker end up in one place (see conformance.glue.transport).
        if is_worker(self.config):
            return
        records = transport.receive(report)
        if records is not None:
            self.state.scenarios.append(records.scenario)
            self.state.checks.extend(records.checks)
            self.quiet.scenario_ids[report.nodeid] = records.scenario.scenario_id

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        state = self.state
        state.close()
        if is_worker(session.config) or state.report_dir is None or state.spec is None:
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
        self.report_paths = _write_reports(
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
        if is_worker(self.config) or self.config.option.collectonly or self.start_failed:
            return
        scenarios: dict[str, int] = {}
        fuzz: dict[str, int] = {}
        for record in self.state.scenarios:
            counts = fuzz if record.scenario_id.startswith("fuzz:") else scenarios
            counts[record.outcome] = counts.get(record.outcome, 0) + 1
        name = self.state.target_name
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
        self.state.close()


def _capped(text: str, limit: int = 4000) -> str:
    # A collection error names file:line and the problem; a hostile file must not make the report huge.
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


def _write_reports(
    directory: Path,
    run: rec.RunInfo,
    scenarios: Sequence[rec.ScenarioRecord],
    checks: Sequence[rec.CheckRecord],
    operations: Iterable[str],
    *,
    mask_accounts: bool = False,
) -> list[Path]:
    """Redact and write ``results.json`` and ``index.html`` for one run; returns the paths written."""
    # Imported here: the HTML layer (jinja2) is needed once, by the process that writes the report, not by every
    # xdist worker.
    from conformance.report.folder import write_report

    results = Results(run=run, scenarios=tuple(scenarios), checks=tuple(checks))
    return list(write_report(directory, results, operations=operations, mask_accounts=mask_accounts))
