"""Which fuzz items a run has: the checks in their order, each on the operations it runs on.

Read at collection, in every xdist worker, so it imports nothing heavy; generating the systematic variants (to
leave out a check with nothing to vary) happens once per process and only when fuzz items may be selected.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import pytest

from conformance.fuzz import drift
from conformance.fuzz.catalogue import CHECK_ORDER, CORE_OPERATIONS, MODULES, PER_OPERATION, STRATEGIES, item_name
from conformance.glue.session import SESSION

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Check:
    """One fuzz item: the check, the operation it runs on (for the per-operation checks), and how it runs."""

    name: str
    operation: str | None = None
    needs_target: bool = True

    @property
    def item_name(self) -> str:
        return item_name(self.name, self.operation)

    @property
    def module(self) -> str:
        """Where the check is made, relative to the project root (the location of its item and report row)."""
        return MODULES.get(self.name, "fuzz")


def fuzz_operations(config: pytest.Config) -> tuple[str, ...]:
    """The operations the per-operation checks run on: ``--fuzz-operation``'s, else the core ones at the release.

    A named operation the target (or the release) lacks still gets its items; they end UNSUPPORTED, saying why.
    """
    chosen: list[str] = config.option.fuzz_operation
    if chosen:
        return tuple(dict.fromkeys(chosen))
    from conformance.model.releases import ModelAt

    at = ModelAt(config.stash[SESSION].api_version)
    return tuple(op for op in CORE_OPERATIONS if at.has_operation(op))


def checks(config: pytest.Config) -> list[Check]:
    """Every fuzz item of the run, in :data:`CHECK_ORDER` (longest first), each check over its operations."""
    names = [*CHECK_ORDER, *(["differential"] if config.option.compare_target else [])]
    operations = fuzz_operations(config)
    empty = _nothing_to_vary(config, operations)
    found: list[Check] = []
    for name in names:
        if name in PER_OPERATION:
            found += [Check(name, op) for op in operations if (name, op) not in empty]
        elif name == "model-drift":
            if _model_drifted():
                found.append(Check(name, needs_target=False))
        else:
            found.append(Check(name))
    return found


def _model_drifted() -> bool:
    """Whether the installed model changed an operation since the stored checksums (or they cannot be read)."""
    try:
        from conformance.scenario.library import builtin_dir

        stored = drift.load(builtin_dir() / drift.CHECKSUMS_FILE)
    except ValueError:
        return True
    return bool(drift.compare(stored).breaking)


def _nothing_to_vary(config: pytest.Config, operations: Sequence[str]) -> frozenset[tuple[str, str]]:
    """The (systematic strategy, operation) pairs with no variant at all: enum on GetCollaboration, and so on.

    Such a pair is no check of the operation, so it gets no item (a row could only say "nothing ran", and 21 of
    them read like 21 unsupported operations). The variants are generated once per process and cached (0.2 s
    for all); a run that deselects the fuzz checks does not pay for it. Generating draws text, so Hypothesis'
    home is pointed at a temporary folder meanwhile: collection writes nothing in the current directory or the
    report folder (``--collect-only`` writes nothing at all).
    """
    markexpr = str(getattr(config.option, "markexpr", "") or "").replace(" ", "")
    if markexpr == "notfuzz":
        return frozenset()
    from hypothesis import configuration

    from conformance.fuzz.systematic import generate
    from conformance.model.releases import ModelAt

    at = ModelAt(config.stash[SESSION].api_version)
    wanted = [op for op in operations if at.has_operation(op)]
    previous = getattr(configuration, "__hypothesis_home_directory", None)
    with tempfile.TemporaryDirectory(prefix="cleanrooms-collect-") as home:
        configuration.set_hypothesis_home_dir(home)
        try:
            generated = {(name, op): generate(name, op, at) for name in STRATEGIES for op in wanted}
        finally:
            configuration.set_hypothesis_home_dir(previous)
    return frozenset(pair for pair, g in generated.items() if not g.variants and not g.dropped)


def spread(few: Sequence[T], many: Sequence[T]) -> list[T]:
    """``few`` placed at even intervals among ``many`` (the first at the front), both in their own order."""
    out: list[T] = []
    step = (len(few) + len(many)) / len(few) if few else 0.0
    rest = iter(many)
    for index, item in enumerate(few):
        while len(out) < round(index * step):
            out.append(next(rest))
        out.append(item)
    out.extend(rest)
    return out
