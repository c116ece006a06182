"""Fuzzing one target: which operations it implements (found once), and the named checks run over them.

A :class:`Campaign` owns the :class:`~conformance.fuzz.execute.Runner` (one fixture pool per target and
process), decides the operation set (every operation of the model at the selected release that the target
answers, minus those it does not implement), runs strategies and turns outcomes into
:class:`~conformance.fuzz.results.Tally` values, writing a reproducer for the first few findings of each.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from conformance.fuzz import reproducer
from conformance.fuzz.catalogue import VALID_INPUT_STRATEGIES
from conformance.fuzz.execute import Runner, Target, Variant, VariantResult
from conformance.fuzz.judge import unsupported_reason
from conformance.fuzz.profiles import Deadline, current_deadline
from conformance.fuzz.refs import UnboundRef, placeholders, resolve
from conformance.fuzz.results import Finding, Tally, outcome_of
from conformance.fuzz.seeds import CORE_OPERATIONS, seed_for
from conformance.fuzz.systematic import generate
from conformance.model import vocabulary
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.targets.errors import RequestBuildError

#: Findings per tally that get a reproducer (and are kept in the report).
MAX_FINDINGS = 3


@dataclass(frozen=True, slots=True)
class Support:
    """The operations a target implements, and why the others count as not implemented."""

    implemented: tuple[str, ...]
    unsupported: Mapping[str, str]


class Campaign:
    """The fuzz state of one target in one process."""

    def __init__(
        self,
        target: Target,
        accounts: Mapping[str, str],
        *,
        region: str,
        reproducers: Path | None = None,
        operations: Sequence[str] | None = None,
        at: ModelAt = LATEST_MODEL,
    ) -> None:
        self.runner = Runner(target, accounts, at=at)
        self.at = at
        """The release whose model every check generates from (``--api-version``; default the installed model)."""
        self.region = region
        self.reproducers = reproducers
        self.wanted = tuple(operations) if operations else None
        self._support: Support | None = None
        self._written: dict[str, int] = {}

    @property
    def target(self) -> Target:
        return self.runner.target

    def close(self) -> None:
        """Delete what the campaign still holds on the target (its clean fixture); the target stays open."""
        self.runner.pool.close()

    # -- which operations ------------------------------------------------------------------------------------

    def support(self) -> Support:
        """Probe every (wanted) model operation once with its baseline; cached for the campaign."""
        if self._support is None:
            names = self.wanted or self.at.operation_names()
            implemented: list[str] = []
            unsupported: dict[str, str] = {}
            for name in names:
                if not self.at.has_operation(name):
                    unsupported[name] = f"{name} is not in the model at {self.at.label} (--api-version)"
                    continue
                reason = self._probe(name)
                if reason is None:
                    implemented.append(name)
                else:
                    unsupported[name] = reason
            self._support = Support(tuple(implemented), unsupported)
        return self._support

    def _probe(self, name: str) -> str | None:
        seed = seed_for(name, self.at)
        pool = self.runner.pool
        fixture = pool.acquire()
        try:
            params = resolve(seed.required.params, fixture.bindings)
        except UnboundRef:
            params = placeholders(seed.required.params)
        try:
            result = self.target.call(seed.actor, name, params)
        except RequestBuildError as exc:
            pool.release(fixture, clean=True)
            return f"no request could be built from the model ({exc})"
        changed = seed.touches_fixture and result.ok
        pool.release(fixture, clean=not changed)
        if changed:
            self.runner.generation += 1
        return unsupported_reason(result)

    def operations(self) -> tuple[str, ...]:
        """The operations to fuzz: implemented ones, the suite's core operations first."""
        implemented = self.support().implemented
        core = [op for op in CORE_OPERATIONS if op in implemented]
        return (*core, *(op for op in implemented if op not in CORE_OPERATIONS))

    def reported_unsupported(self) -> dict[str, str]:
        """Unsupported operations worth a record: the core ones (and any the user asked for by name)."""
        unsupported = self.support().unsupported
        shown = set(self.wanted or CORE_OPERATIONS)
        return {op: why for op, why in unsupported.items() if op in shown}

    # -- running ---------------------------------------------------------------------------------------------

    def systematic(self, strategy: str, operations: Iterable[str] | None = None) -> list[Tally]:
        """One tally per operation for a systematic strategy."""
        tallies = []
        for name in operations if operations is not None else self.operations():
            generated = generate(strategy, name, self.at)
            tally = self.run_variants(strategy, name, generated.variants)
            tallies.append(_with(tally, dropped=len(generated.dropped)))
        return tallies

    def run_variants(self, strategy: str, name: str, variants: Iterable[Variant]) -> Tally:
        started = time.perf_counter()
        self.runner.forget()
        counts = {"pass": 0, "fail": 0, "error": 0, "skip": 0}
        succeeded = 0
        findings: list[Finding] = []
        notes: set[str] = set()
        planned = tuple(variants)
        for index, variant in enumerate(planned):
            limit = current_deadline()
            if limit is not None and limit.passed():  # between variants: a variant's calls have deadlines of their own
                notes.add(cut_short(limit, index, len(planned)))
                break
            outcome = self.runner.run(variant)
            counts[outcome.status] += 1
            succeeded += outcome.result is not None and outcome.result.ok
            if outcome.status in ("fail", "error") and len(findings) < MAX_FINDINGS:
                findings.append(self.finding(outcome))
            if outcome.note:
                notes.add(outcome.note)
        ran = counts["pass"] + counts["fail"] + counts["error"]
        # Only checks of valid inputs count successes (an invalid input's success is its own finding), and only on
        # the core operations: elsewhere the inputs are built from the shape alone and name resources that do not
        # exist, so a refusal is all a correct target can give.
        counted = succeeded if strategy in VALID_INPUT_STRATEGIES and name in CORE_OPERATIONS else None
        return Tally(
            strategy,
            name,
            outcome_of(counts["fail"], counts["error"], ran, skipped=counts["skip"], succeeded=counted),
            succeeded=counted,
            variants=ran,
            passed=counts["pass"],
            failed=counts["fail"],
            errors=counts["error"],
            skipped=counts["skip"],
            findings=tuple(findings),
            note="; ".join(sorted(notes)),
            duration_s=time.perf_counter() - started,
        )

    def finding(self, outcome: VariantResult, *, stem: str | None = None) -> Finding:
        """A finding for a failed outcome, with its reproducer written when a folder is set."""
        variant = outcome.variant
        exchange = outcome.result.exchange if outcome.result is not None else None
        path = curl = None
        if self.reproducers is not None and outcome.plan is not None:
            base = stem or f"fuzz-{variant.strategy}-{variant.operation}"
            number = self._written.get(base, 0)
            self._written[base] = number + 1
            name = f"{base}-{number}" if stem is None else base
            written = reproducer.write(outcome.plan, self.reproducers, name, exchange=exchange, region=self.region)
            path, curl = str(written.scenario), str(written.curl) if written.curl else None
        return Finding(
            label=variant.label,
            problems=outcome.problems,
            actor=variant.actor,
            params=dict(outcome.params) if outcome.params is not None else placeholders(dict(variant.params)),
            exchange=exchange,
            reproducer=path,
            curl=curl,
        )


def cut_short(limit: Deadline, ran: int, planned: int | None = None) -> str:
    """The note of a check its time budget ended: what ran out and how many variants ran."""
    of = f" of {planned}" if planned is not None else ""
    return f"cut short: {limit.why} ran out after {ran}{of} variants"


def unsupported_tally(strategy: str, name: str, reason: str) -> Tally:
    return Tally(
        strategy, name, vocabulary.Outcome.UNSUPPORTED, note=f"{name} is not implemented by the target: {reason}"
    )


def _with(tally: Tally, *, dropped: int) -> Tally:
    return replace(tally, dropped=dropped)
