"""What a fuzz check reports: per strategy and operation, how many variants ran and passed, and the findings.

A :class:`Tally` is the layer's result type; the pytest glue turns each into a report record
(``fuzz:<strategy>:<operation>``). Only the first few findings of a tally are kept with a reproducer each: a
target that fails a property everywhere (moto has no input validation) would otherwise produce hundreds of
near-identical files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.fuzz.judge import Problem
from conformance.model.exchange import Exchange
from conformance.model.vocabulary import EvidenceLevel, Outcome, level_of, strongest


@dataclass(frozen=True, slots=True)
class Finding:
    """One failing variant: what was sent, what broke, and where its reproducer is."""

    label: str
    problems: tuple[Problem, ...]
    actor: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    """The parameters as sent (references bound)."""
    exchange: Exchange | None = None
    reproducer: str | None = None
    curl: str | None = None

    @property
    def level(self) -> EvidenceLevel:
        """The strongest evidence among its problems."""
        return strongest(p.level for p in self.problems)


#: The counts a tally reports, in the order the report shows them.
COUNTS = ("variants", "passed", "failed", "errors", "skipped", "dropped")


@dataclass(frozen=True, slots=True)
class Tally:
    """The result of one strategy on one operation against one target."""

    strategy: str
    operation: str
    outcome: Outcome
    """PASS, FAIL, ERROR or UNSUPPORTED (decided by :func:`outcome_of`; text such as ``"PASS"`` is read as one)."""
    variants: int = 0
    """Variants that were sent and judged (passed + failed + errors)."""
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    """Variants that needed a fixture resource the target could not make."""
    dropped: int = 0
    """Candidates the generator dropped because no value breaks (or keeps) exactly one constraint there."""
    findings: tuple[Finding, ...] = ()
    note: str = ""
    duration_s: float = 0.0
    succeeded: int | None = None
    """Valid variants the target answered with a success (None: the check does not count them). A check of valid
    inputs whose every answer was a refusal its plan allows shows nothing works: it is not a PASS."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))
        # A tally that judged nothing is never a PASS, whoever built it, and an ERROR always says why. A PASS, an
        # ERROR with nothing behind it (no error, no failure, no note but skipped variants' and this rule's own: a
        # caller that did not pass ``ran`` to outcome_of), or an outcome this rule gave before (the counts changed
        # since, e.g. ``dropped`` was added) is decided again from the counts by outcome_of, the one rule.
        parts = [part for part in self.note.split("; ") if part]
        kept = [part for part in parts if not part.startswith(_DECIDED_ALL)]
        explains = [part for part in kept if not part.startswith(SKIPPED)]
        unexplained = self.outcome == Outcome.ERROR and not (self.errors or self.failed or explains)
        ours = self.outcome != Outcome.FAIL and len(kept) < len(parts)
        if self.outcome == Outcome.UNSUPPORTED and not self.note and not self.variants:
            # Nothing to vary on this operation (enum on GetCollaboration): say so, the row must not read as a
            # target that lacks the operation.
            reason = no_pass_reason(0, skipped=self.skipped, dropped=self.dropped)
            object.__setattr__(self, "note", reason)
        if self.outcome == Outcome.PASS or unexplained or ours:
            ran, skipped, dropped, succeeded = self.variants, self.skipped, self.dropped, self.succeeded
            decided = outcome_of(self.failed, self.errors, ran, skipped=skipped, dropped=dropped, succeeded=succeeded)
            reason = ""
            if decided != Outcome.PASS:
                reason = no_pass_reason(ran, skipped=skipped, dropped=dropped, succeeded=succeeded)
            object.__setattr__(self, "outcome", decided)
            object.__setattr__(self, "note", "; ".join(filter(None, [reason, *kept])))

    @property
    def ran(self) -> int:
        """How many variants were sent and judged (``variants``): zero means the tally proves nothing."""
        return self.variants

    @property
    def check_id(self) -> str:
        return f"fuzz:{self.strategy}:{self.operation}"

    def counts(self) -> dict[str, int]:
        """The counts by name (:data:`COUNTS`), as the report records them."""
        return {name: int(getattr(self, name)) for name in COUNTS}

    def gates(self, threshold: EvidenceLevel | str) -> bool:
        """Whether a finding rests on evidence at ``threshold`` or stronger (ERROR always gates)."""
        if self.outcome == Outcome.ERROR:
            return True
        floor = level_of(threshold)
        return any(f.level >= floor for f in self.findings) or (self.outcome == Outcome.FAIL and not self.findings)


def outcome_of(
    failed: int,
    errors: int,
    ran: int | None = None,
    *,
    skipped: int = 0,
    dropped: int = 0,
    succeeded: int | None = None,
    unsupported: bool = False,
) -> Outcome:
    """The one rule that decides a tally's outcome from its counts.

    ``ran`` is how many variants were sent and judged (passed + failed + errors). A tally that judged none proves
    nothing about the target and is never PASS: UNSUPPORTED when the target lacks the operation
    (``unsupported``) or when the check has no variant for it at all (nothing offered, skipped or dropped: e.g.
    ``enum`` on an operation without enum members), otherwise ERROR (variants were skipped, every candidate was
    dropped, or the caller did not count: ``ran`` None). A check of valid inputs that counts ``succeeded`` and
    saw none succeed (every answer a refusal its plan allows) is ERROR too. :func:`no_pass_reason` says why.
    """
    if failed:
        return Outcome.FAIL
    if errors:
        return Outcome.ERROR
    if unsupported:
        return Outcome.UNSUPPORTED
    if ran is None or (not ran and (skipped or dropped)):
        return Outcome.ERROR
    if not ran:
        return Outcome.UNSUPPORTED
    if succeeded == 0:
        return Outcome.ERROR
    return Outcome.PASS


#: How the note of a skipped variant starts (it says what was missing, not why the check went wrong).
SKIPPED = "skipped: "
#: How every reason :func:`no_pass_reason` gives starts (so a tally can tell its own from the caller's notes).
_DECIDED = "no variant ran"
_DECIDED_ALL = (_DECIDED, "no valid input succeeded")


def no_pass_reason(ran: int | None, *, skipped: int = 0, dropped: int = 0, succeeded: int | None = None) -> str:
    """Why a tally without failures or errors is not a PASS ('' when it is one)."""
    if ran and succeeded == 0:
        also = f" ({skipped} skipped for want of a fixture resource)" if skipped else ""
        return f"no valid input succeeded: all {ran} answers were refusals the plan allows{also}"
    if ran:
        return ""
    if skipped:
        return f"{_DECIDED}: all {skipped} were skipped (a fixture resource they need could not be made)"
    if dropped:
        return f"{_DECIDED}: all {dropped} candidates were dropped (none breaks or keeps exactly what it should)"
    if ran is None:
        return f"{_DECIDED}: the check did not count its variants"
    return f"{_DECIDED}: the check has no variant for this operation"
