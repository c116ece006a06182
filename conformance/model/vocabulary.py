"""The suite's one vocabulary: evidence levels, the evidence an expectation rests on, and the outcomes of a check.

Every layer imports these from here (scenarios, fuzz checks, the verdict, the report), so a level or an outcome
means one thing everywhere and its order is written once. It lives in the model layer because the model layer
is the lowest one: the shape checker's violations carry a level too.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class EvidenceLevel(enum.StrEnum):
    """How firmly an expectation rests on AWS's own word; ordered ``inferred < documented < model``.

    The comparison operators are defined here because a ``StrEnum`` would otherwise compare its values as
    text, which orders ``documented < inferred < model``.
    """

    INFERRED = "inferred"
    """A reading of what the documents leave open (the ambiguities A1..A18 of docs/behaviour.md and its other
    readings)."""
    DOCUMENTED = "documented"
    """Stated in AWS documentation (user guide, API reference, SDK docs)."""
    MODEL = "model"
    """Follows from the botocore service model (shapes, statuses, error bindings)."""

    @property
    def rank(self) -> int:
        return _RANK[self]

    # A plain string is read as a level, so ``level >= "documented"`` means what it says; Python calls these
    # methods first even for ``"model" > level``, because EvidenceLevel is a subclass of str.
    def __lt__(self, other: object) -> bool:
        level = _as_level(other)
        return NotImplemented if level is None else self.rank < level.rank

    def __le__(self, other: object) -> bool:
        level = _as_level(other)
        return NotImplemented if level is None else self.rank <= level.rank

    def __gt__(self, other: object) -> bool:
        level = _as_level(other)
        return NotImplemented if level is None else self.rank > level.rank

    def __ge__(self, other: object) -> bool:
        level = _as_level(other)
        return NotImplemented if level is None else self.rank >= level.rank


def _as_level(value: object) -> EvidenceLevel | None:
    if isinstance(value, EvidenceLevel):
        return value
    if isinstance(value, str):
        try:
            return EvidenceLevel(value)
        except ValueError:
            raise TypeError(f"cannot compare an evidence level with {value!r}") from None
    return None


_RANK = {EvidenceLevel.INFERRED: 0, EvidenceLevel.DOCUMENTED: 1, EvidenceLevel.MODEL: 2}

#: The levels weakest first, as the command line and the report list them.
EVIDENCE_LEVELS: tuple[str, ...] = tuple(level.value for level in sorted(EvidenceLevel, key=_RANK.__getitem__))


def level_of(value: str | EvidenceLevel) -> EvidenceLevel:
    """``"documented"`` → ``EvidenceLevel.DOCUMENTED``; anything else is a precise ``ValueError``."""
    try:
        return EvidenceLevel(value)
    except ValueError:
        raise ValueError(f"unknown evidence level {value!r}: use one of {', '.join(EVIDENCE_LEVELS)}") from None


def strongest(levels: Iterable[str | EvidenceLevel], default: EvidenceLevel = EvidenceLevel.MODEL) -> EvidenceLevel:
    """The strongest of ``levels`` (``default`` when there are none)."""
    return max((level_of(level) for level in levels), key=_RANK.__getitem__, default=default)


def weakest(levels: Iterable[str | EvidenceLevel], default: EvidenceLevel = EvidenceLevel.MODEL) -> EvidenceLevel:
    """The weakest of ``levels`` (``default`` when there are none)."""
    return min((level_of(level) for level in levels), key=_RANK.__getitem__, default=default)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What an expectation rests on: its level and the key(s) of ``docs/behaviour.md``, e.g. ``inferred`` / ``A4``."""

    level: EvidenceLevel
    source: str
    """One or more keys of the behaviour reference separated by commas (``"UG-CR, A5"``)."""

    def __post_init__(self) -> None:
        # Callers may pass the level as text ("inferred"); stored as the enum so comparisons order it.
        object.__setattr__(self, "level", level_of(self.level))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.source.split(",") if part.strip())

    def __str__(self) -> str:
        return f"{self.level}: {self.source}"


#: Evidence of the automatic checks that every step gets from the service model.
MODEL_EVIDENCE = Evidence(EvidenceLevel.MODEL, "MODEL")


class Outcome(enum.StrEnum):
    """How a check ended. The values are the names users see in reports and expectations files."""

    PASS = "PASS"
    FAIL = "FAIL"
    """The target answered, and the answer broke a written expectation or the model."""
    UNSUPPORTED = "UNSUPPORTED"
    """The target does not implement the operation (unknown-operation error, 404 on the route, 501)."""
    ERROR = "ERROR"
    """The target or the suite broke: timeout, refused connection, unparseable body, a suite bug."""
    XFAIL = "XFAIL"
    """Failed, and the expectations file says it would (set by the verdict, never by a runner)."""
    XPASS = "XPASS"
    """Listed as a known failure but passed: a stale expectation (set by the verdict)."""
    SKIPPED = "SKIPPED"
    """Not run: deselected, its budget ended before it started, or its API version is not the target's."""


#: How bad an outcome is, worst last: the outcome of a group is its worst member's.
_SEVERITY = {
    Outcome.PASS: 0,
    Outcome.XFAIL: 1,
    Outcome.SKIPPED: 2,
    Outcome.UNSUPPORTED: 3,
    Outcome.XPASS: 4,
    Outcome.FAIL: 5,
    Outcome.ERROR: 6,
}


def worst(outcomes: Iterable[str | Outcome], default: Outcome = Outcome.PASS) -> Outcome:
    """The worst of ``outcomes`` (``default`` when there are none)."""
    return max((Outcome(outcome) for outcome in outcomes), key=_SEVERITY.__getitem__, default=default)


#: The cast of a run: the roles a scenario step or a fuzz variant calls as (targets map each to credentials).
#: ``creator`` makes the collaboration, ``member`` and ``member2`` are invited to it, ``outsider`` has no standing.
ACTORS: tuple[str, ...] = ("creator", "member", "member2", "outsider")
