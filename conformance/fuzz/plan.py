"""A fuzz check's calls as data: the steps it runs, which become the reproducer of a failure.

A :class:`Plan` is a scenario before it is a :class:`~conformance.scenario.format.Step` sequence: the setup calls
that build the fixture, the fuzzed call, and the reads that check its effect. Its data may hold symbols that
:mod:`conformance.fuzz.steps` turns into the scenario language when the steps run and when they are written:
:class:`~conformance.fuzz.refs.Ref` (a fixture's resource), :class:`StepRef` (an earlier step's answer) and
:class:`Tag` (a scenario matcher). Kept symbolic so a reproducer can drop steps and renumber references.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from conformance.fuzz.fixtures import CONSTANTS
from conformance.fuzz.refs import refs_in
from conformance.model.vocabulary import Evidence, EvidenceLevel

__all__ = [
    "ABSENT",
    "ANY",
    "MODEL",
    "NO_BODY",
    "Evidence",
    "Plan",
    "PlanStep",
    "RawText",
    "StepRef",
    "Tag",
    "reproducer_plan",
]

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


class _Body(enum.Enum):
    """The one value of "no body given" (``None`` is a JSON body: ``null``)."""

    NONE = "NO_BODY"


NO_BODY: Any = _Body.NONE


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


def reproducer_plan(
    title: str, description: str, steps: Sequence[PlanStep], shown: Sequence[int], *, setup: int, at: int
) -> Plan:
    """The plan that replays a check: its steps at the positions ``shown``, references renumbered to match.

    The first ``setup`` steps build the fixture; they are left out when nothing after them refers to what they
    saved. ``at`` is the position of the fuzzed call, whose evidence is the plan's.
    """
    keep = sorted(set(shown))
    if not any(_fixture_refs(steps[i]) for i in keep if i >= setup):
        # Nothing after the setup refers to the fixture: the reproducer needs none of it.
        keep = [i for i in keep if i >= setup]
    renumber = {old: new for new, old in enumerate(keep)}
    kept = tuple(_renumbered(steps[i], renumber) for i in keep)
    return Plan(title, description, kept, kept[renumber[at]].evidence or MODEL)


def _fixture_refs(step: PlanStep) -> bool:
    """Whether a step refers to what the fixture's setup saved (accounts and constants need no setup)."""
    values = (step.params, step.raw_body if step.raw_body is not NO_BODY else None, step.expect)
    names = {ref.name for value in values for ref in refs_in(value)}
    return any(not name.startswith("accounts.") and name not in CONSTANTS for name in names)


def _renumbered(step: PlanStep, renumber: Mapping[int, int]) -> PlanStep:
    def fix(value: Any) -> Any:
        if isinstance(value, StepRef):
            return StepRef(renumber[value.step], value.path)
        if isinstance(value, Tag):
            return Tag(value.name, fix(value.argument))
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    return replace(step, params=fix(dict(step.params)), expect=fix(step.expect))
