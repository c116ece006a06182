"""The state a conformance run keeps in each pytest process, and the stash keys both kinds of item share.

Scenario items, fuzz items, the run hooks and the fuzz hooks all import their keys from here, so no glue
module needs another to find the session (the old ``plugin`` <-> ``fuzz_plugin`` loop).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conformance.item_records import ItemRecords
from conformance.report.expectations import Expectations
from conformance.report.records import CheckRecord, ScenarioRecord
from conformance.report.redact import remember_secrets
from conformance.targets.actors import DUMMY_SECRET
from conformance.targets.errors import TargetError
from conformance.targets.ledger import LEDGER_FOLDER
from conformance.targets.running import RunningTarget, start_target
from conformance.targets.spec import TargetSpec

if TYPE_CHECKING:
    from conformance.fuzz.campaign import Campaign

RECORD_KEY = "cleanrooms-conformance"
"""The ``user_properties`` key an item's records travel under, and the prefix of the xdist worker inputs."""


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
    scenarios: list[ScenarioRecord] = field(default_factory=list)
    """The records received from the items of the run (in the process that reports)."""
    checks: list[CheckRecord] = field(default_factory=list)

    @property
    def ledger_dir(self) -> Path | None:
        """Where a real-AWS run keeps its ledger: the report folder's ``.ledger``, where ``cleanup`` looks for it."""
        return self.report_dir.parent / LEDGER_FOLDER if self.report_dir is not None else None

    @property
    def target_name(self) -> str:
        return self.spec.name if self.spec is not None else ""

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
                remember_credentials(self.running)
            except TargetError as exc:
                self.start_error = str(exc)
                raise
        return self.running

    def close(self) -> None:
        if self.running is not None:
            self.running.close()
            self.running = None


@dataclass(slots=True)
class FuzzState:
    """Per-process fuzz state: one campaign per target, the compare target when asked, the time spent."""

    campaigns: dict[int, Campaign] = field(default_factory=dict)
    """By ``id()`` of the running target (two targets may share a name: reference against reference)."""
    compare: RunningTarget | None = None
    compare_error: str | None = None
    spent: float = 0.0
    """Seconds the fuzz checks of this process have taken (against the run budget)."""
    hypothesis_home: Path | None = None
    """Where Hypothesis keeps its files in this run (set before the first check that uses it)."""
    temporary: Path | None = None
    """A folder made for them when the run writes no report (removed at the end)."""
    previous_home: Any = None


SESSION = pytest.StashKey[Session]()
FUZZ = pytest.StashKey[FuzzState]()
RECORDS = pytest.StashKey[ItemRecords]()
"""An item's report records, for any item of a run: scenario and fuzz items store them here, and one
``pytest_runtest_makereport`` sends them on (:mod:`conformance.glue.transport`)."""


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def is_secret_value(value: str | None) -> bool:
    # An emulator actor's access key id is its 12-digit account id and its secret the documented dummy: neither is
    # a secret, and redacting them would blank every account id (and the word "conformance") out of the reports.
    return bool(value) and value != DUMMY_SECRET and not (value or "").isdigit()


def remember_credentials(target: RunningTarget) -> None:
    """Redact by value the credentials the target's clients sign with (for aws: what the profiles resolved to)."""
    if target.spec.kind != "aws":
        return  # an emulator's clients sign with the spec's static values, remembered when the session was built
    values: list[str | None] = []
    for actor in target.actors():
        # botocore keeps a client's credentials private; this is its accessor (as in the schemathesis runner).
        credentials = target.client(actor)._get_credentials()
        if credentials is not None:
            frozen = credentials.get_frozen_credentials()
            values += [frozen.access_key, frozen.secret_key, frozen.token]
    remember_secrets(v for v in values if is_secret_value(v))


def _emulator_config(session: Session) -> Any:
    if session.spec is None or session.spec.kind != "reference":
        return None
    from conformance.reference import EmulatorConfig
    from conformance.reference.config import parse_readings

    try:
        return EmulatorConfig(defects=session.defects, **parse_readings(session.readings))
    except ValueError as exc:
        raise TargetError(f"--emulator-defect/--emulator-reading: {exc}") from None
