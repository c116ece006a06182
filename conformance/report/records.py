"""Result records: the JSON-able facts of a run that every report, comparison and gate is built from.

One :class:`CheckRecord` per judged step (and per fuzz finding), one :class:`ScenarioRecord` per scenario, one
:class:`RunInfo` per run. Records cross process boundaries (xdist workers → controller) as plain dicts, so
each type converts to and from ``dict`` without loss.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

RESULTS_VERSION = 1
"""Bumped when the layout of results.json changes incompatibly."""

COLLECTION_ERROR = "collection"
"""The ``evidence_level`` of a scenario row that stands for a file that could not be loaded (outcome ERROR)."""


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """One thing that was wrong in a step."""

    kind: str
    """``expectation``, ``shape``, ``wire``, ``transport``, ``unsupported``, ``template``, ``save`` or
    ``fuzz``."""
    message: str
    path: str = ""
    evidence_level: str = "model"
    evidence_source: str | None = None


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """The judgement of one step (or one fuzz finding) against one target."""

    check_id: str
    """Stable id used by expectations files: ``<scenario-id>#<step>`` (0-based), or ``fuzz:<...>``."""
    scenario_id: str
    target: str
    outcome: str
    kind: Literal["step", "fuzz"] = "step"
    step: int | None = None
    step_name: str | None = None
    file: str = ""
    line: int = 0
    operation: str | None = None
    actor: str | None = None
    evidence_level: str = "model"
    """The level of the step's written expectation (automatic checks are always ``model``)."""
    evidence_source: str | None = None
    failures: tuple[FailureRecord, ...] = ()
    request: Mapping[str, Any] | None = None
    """Rendered parameters and, when sent, method/url/headers (secrets removed) and body."""
    response: Mapping[str, Any] | None = None
    """``{"status": int, "headers": {...}, "body": <json or text>}`` or ``None`` when nothing came back."""
    diff: str | None = None
    duration_ms: float = 0.0
    alternative: int | None = None
    """For a step with ``expect_one_of``: the index of the accepted answer that matched."""


@dataclass(frozen=True, slots=True)
class ScenarioRecord:
    """The outcome of one scenario as a whole (the pytest item)."""

    scenario_id: str
    title: str
    target: str
    outcome: str
    file: str = ""
    line: int = 0
    since: str = ""
    tags: tuple[str, ...] = ()
    evidence_level: str = "model"
    """The scenario's declared level (its file's ``evidence.level``), the same on every target."""
    message: str = ""
    rerun: str = ""
    """The command that re-runs just this scenario."""
    duration_ms: float = 0.0
    expectation: Mapping[str, Any] | None = None
    """The expectations-file entry that applied, if any."""


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What was run, where and when."""

    target: str
    endpoint: str = ""
    run_id: str = ""
    started: float = 0.0
    finished: float = 0.0
    botocore_version: str = ""
    suite_version: str = ""
    api_version: str | None = None
    evidence_threshold: str = "inferred"
    expectations_file: str | None = None
    command: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    selection: str = ""
    """Why the run covered only part of the library (``-k ...; only FILE``), empty for a full run."""


T = TypeVar("T", CheckRecord, ScenarioRecord, RunInfo, FailureRecord)


def to_dict(record: CheckRecord | ScenarioRecord | RunInfo | FailureRecord) -> dict[str, Any]:
    """A plain-JSON copy of ``record`` (dicts, lists, str, numbers, bool, None only)."""
    plain = to_plain(record)
    assert isinstance(plain, dict)
    return plain


def to_plain(value: Any) -> Any:
    """``value`` as plain JSON types.

    Written by hand rather than with ``dataclasses.asdict`` because records hold read-only mappings
    (``MappingProxyType`` from :mod:`conformance.model.exchange`), which ``asdict`` cannot copy, and raw
    bytes, which JSON cannot hold.
    """
    # Most values are exact builtin types; answering those first makes building a step's records 3x cheaper.
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is dict:
        return {str(k): to_plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [to_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_plain(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def from_dict(cls: type[T], data: Mapping[str, Any]) -> T:
    """Rebuild a record; unknown keys are ignored so newer results files still load."""
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    if cls is CheckRecord and "failures" in values:
        values["failures"] = tuple(from_dict(FailureRecord, f) for f in values["failures"])
    if "tags" in values and values["tags"] is not None:
        values["tags"] = tuple(values["tags"])
    return cls(**values)
