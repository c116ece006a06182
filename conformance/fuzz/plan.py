"""A fuzz check's calls as data: the steps it runs, which become the reproducer of a failure.

A :class:`Plan` is a scenario before it is a :class:`~conformance.scenario.format.Step` sequence: the setup calls
that build the fixture, the fuzzed call, and the reads that check its effect. Its data may hold symbols that
:mod:`conformance.fuzz.steps` turns into the scenario language when the steps run and when they are written:
:class:`~conformance.fuzz.refs.Ref` (a fixture's resource), :class:`StepRef` (an earlier step's answer) and
:class:`Tag` (a scenario matcher). Kept symbolic so a reproducer can drop steps and renumber references.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.model.vocabulary import Evidence, EvidenceLevel

__all__ = ["ABSENT", "ANY", "MODEL", "NO_BODY", "Evidence", "Plan", "PlanStep", "RawText", "StepRef", "Tag"]

MODEL = Evidence(EvidenceLevel.MODEL, "MODEL")


@dataclass(frozen=True, slots=True)
class Tag:
    """A scenario matcher: ``Tag("unordered", [...])`` is ``!unordered [...]``; ``argument`` None for ``!any``."""

    name: str
    argument: Any = None


ABSENT = Tag("absent")
ANY = Tag("any")


@dataclass(frozen=True, slots=True)
class StepRef:
    """The response (or error value) of an earlier step, optionally a dotted path inside it."""

    step: int
    path: str = ""


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = _NoBody()


@dataclass(frozen=True, slots=True)
class RawText:
    """A request body sent as exactly this text (not a JSON value): a malformed or non-JSON body."""

    text: str


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One call of a plan."""

    name: str
    actor: str
    operation: str
    params: Mapping[str, Any]
    """Parameters by member name; with a raw body, only the path/query/header members."""
    raw_body: Any = NO_BODY
    """A JSON value sent as the exact body (wrong types, malformed unions), a :class:`RawText`, or
    :data:`NO_BODY`."""
    expect: Mapping[str, Any] | None = None
    expect_error: Mapping[str, Any] | None = None
    save: Mapping[str, str] = field(default_factory=dict)
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """A reproducer scenario: a title, why it fails, and its steps."""

    title: str
    description: str
    steps: tuple[PlanStep, ...]
    evidence: Evidence = MODEL
