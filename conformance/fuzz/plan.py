"""A reproducer as data: the calls that replay one fuzz failure, each with what it must produce.

A :class:`Plan` is a scenario before it is YAML: setup calls that build the fixture, the failing call, and the
reads that show the failure, with expectations in the small language of :mod:`conformance.fuzz.expect`.
:mod:`conformance.fuzz.reproducer` writes it in the scenario format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["model", "documented", "inferred"]


@dataclass(frozen=True, slots=True)
class Evidence:
    level: Level
    source: str


MODEL = Evidence("model", "MODEL")


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
    """One call of a reproducer."""

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
