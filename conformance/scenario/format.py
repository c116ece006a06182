"""The value types a scenario file becomes once loaded: :class:`Scenario`, :class:`Step` and their evidence.

These are plain frozen values. The loader builds them (and is the only place that checks them); the runner
reads them. ``Step.params`` and ``Step.expect`` keep the file's text as written: templates (``{{ ... }}``) are
not rendered and matchers (``!uuid``) are :class:`~conformance.scenario.matchers.Matcher` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from conformance.model.vocabulary import MODEL_EVIDENCE, Evidence, EvidenceLevel

__all__ = ["MODEL_EVIDENCE", "Alternative", "Evidence", "EvidenceLevel", "Scenario", "Step"]


def _line_of(lines: Mapping[str, int], path: str, default: int) -> int:
    """The line of the expectation key nearest to ``path`` in ``lines`` (``default`` if none is known)."""
    while path:
        line = lines.get(path)
        if line is not None:
            return line
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return default


@dataclass(frozen=True, slots=True)
class Alternative:
    """One answer a step accepts: a success that matches ``expect``, or an error that matches ``expect_error``.

    A plain step has one (its ``expect`` or ``expect_error``, or "any success" when it has neither); a step with
    ``expect_one_of`` has two or more, and passes when the answer matches any of them.
    """

    expect: Mapping[str, Any] | None = None
    expect_error: Mapping[str, Any] | None = None
    line: int = 0
    """The line of the alternative in its file (the step's line for a plain step)."""
    lines: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    """Line of each key of ``expect``/``expect_error``, by the path a mismatch reports."""

    @property
    def success(self) -> bool:
        """True when this alternative is a success (``expect``, or nothing), False for ``expect_error``."""
        return self.expect_error is None

    def line_of(self, path: str) -> int:
        return _line_of(self.lines, path, self.line)


@dataclass(frozen=True, slots=True)
class Step:
    """One call of a scenario and what it must produce."""

    index: int
    """0-based position in the scenario; ``steps[index]`` in templates."""
    line: int
    """1-based line of the step's first key in its file."""
    actor: str
    """Who calls (``creator``, ``member``, ``member2``, ``outsider`` or a target-defined actor)."""
    operation: str
    """The model operation name, e.g. ``CreateCollaborationChangeRequest``."""
    params: Mapping[str, Any]
    """The ``with:`` parameters as written (templates unrendered)."""
    evidence: Evidence
    """The evidence of this step's expectation: the step's own ``evidence:`` or else the file's."""
    name: str = ""
    raw_body: str | None = None
    """When set, these bytes (after templating, UTF-8) are sent as the request body instead of ``params``'
    body members; path and query members still come from ``params``."""
    expect: Mapping[str, Any] | None = None
    """A partial match of the parsed success response (matchers and templates allowed)."""
    expect_error: Mapping[str, Any] | None = None
    """A partial match of the error value ``{code, status, message, fields}``; ``reason:`` in the file is
    stored here as ``fields.reason``."""
    expect_one_of: tuple[Alternative, ...] = ()
    """Two or more accepted answers (``expect_one_of:``); empty for a step with ``expect``/``expect_error``."""
    save: Mapping[str, str] = field(default_factory=dict)
    """Name → JMESPath expression over this step's response (or error value)."""
    all_pages: bool = False
    """``pages: all``: follow the list's ``nextToken`` to the last page; ``expect`` and ``save`` see one response
    holding every page's items (account-wide lists on a long-lived target rarely fit one page)."""
    lines: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    """Line of each key of ``expect``/``expect_error``, by the path a mismatch reports (``a.b[0].c``)."""

    @property
    def label(self) -> str:
        """A short human name: the step's ``name`` or ``step <index> <operation>``."""
        return self.name or f"step {self.index} {self.operation}"

    def line_of(self, path: str) -> int:
        """The line of the expectation key nearest to ``path`` (the step's own line if none is known)."""
        return _line_of(self.lines, path, self.line)

    @property
    def alternatives(self) -> tuple[Alternative, ...]:
        """The answers this step accepts: its ``expect_one_of``, or its one ``expect``/``expect_error``."""
        if self.expect_one_of:
            return self.expect_one_of
        return (Alternative(self.expect, self.expect_error, self.line, self.lines),)


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class Scenario:
    """One scenario file: a titled sequence of steps that share templates and saved values.

    Compared by identity (``eq=False``) and weakly referenceable, so the runner can keep per-scenario
    compiled templates without holding on to scenarios nobody uses any more.
    """

    id: str
    """Unique across the library; the file stem unless the file sets ``id:``."""
    title: str
    file: Path
    line: int
    """Line of the ``scenario:`` key."""
    since: date
    """The SDK release date that introduced what the scenario tests (docs/behaviour.md §8)."""
    tags: tuple[str, ...]
    evidence: Evidence
    """The file's default evidence."""
    steps: tuple[Step, ...]
    description: str = ""

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def operations(self) -> frozenset[str]:
        return frozenset(step.operation for step in self.steps)

    @property
    def actors(self) -> frozenset[str]:
        return frozenset(step.actor for step in self.steps)

    def __repr__(self) -> str:
        return f"Scenario(id={self.id!r}, file={str(self.file)!r}, steps={len(self.steps)})"
