"""How each fuzz check runs against a target and returns its tallies.

The checks: the systematic generators, the properties, the state machine, schemathesis, the differential
comparison and the model-drift check.
The modules that run the checks import Hypothesis, schemathesis and the generators (about a quarter of a second in
every process); each runner imports what it needs when its check runs. One campaign per target and process
(the support probe and the fixture pool are made once).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conformance.fuzz import drift
from conformance.fuzz.catalogue import PROPERTIES, STRATEGIES
from conformance.fuzz.judge import Problem
from conformance.fuzz.results import Finding, Tally
from conformance.glue.configure import limit_overrides
from conformance.glue.fuzz_budget import budget_of
from conformance.glue.fuzz_checks import Check, fuzz_operations
from conformance.glue.session import FUZZ, SESSION
from conformance.model.vocabulary import Outcome
from conformance.scenario.library import builtin_dir
from conformance.targets.errors import TargetError
from conformance.targets.running import RunningTarget, start_target
from conformance.targets.servers import MOTO_ACCOUNT_HEADER
from conformance.targets.spec import parse_target

if TYPE_CHECKING:
    from conformance.fuzz.campaign import Campaign


@dataclass(frozen=True, slots=True)
class CheckRun:
    """What a runner needs of its item: the run's configuration and the check."""

    config: pytest.Config
    check: Check


Runner = Callable[[CheckRun, RunningTarget], list[Tally]]


def _campaign(item: CheckRun, target: RunningTarget) -> Campaign:
    state = item.config.stash[FUZZ]
    found = state.campaigns.get(id(target))
    if found is None:
        from conformance.fuzz.campaign import Campaign
        from conformance.model.releases import ModelAt

        session = item.config.stash[SESSION]
        reproducers = session.report_dir / "reproducers" if session.report_dir is not None else None
        found = Campaign(
            target,
            target.accounts,
            region=target.spec.region,
            reproducers=reproducers,
            operations=fuzz_operations(item.config),
            at=ModelAt(session.api_version),  # --api-version: generate from the model of that release
        )
        state.campaigns[id(target)] = found
    return found


def _scope(item: CheckRun, campaign: Campaign) -> tuple[list[str], list[Tally]]:
    """The operations this item runs on, and an UNSUPPORTED tally for its operation when the target lacks it."""
    from conformance.fuzz.campaign import unsupported_tally

    check = item.check
    if check.operation is None:
        return list(campaign.operations()), []
    if check.operation in campaign.operations():
        return [check.operation], []
    why = campaign.support().unsupported.get(check.operation, "it was left out of the fuzz set")
    return [], [unsupported_tally(check.name, check.operation, why)]


def _settings(item: CheckRun, examples: int) -> Any:
    from conformance.fuzz.profiles import hypothesis_settings

    session = item.config.stash[SESSION]
    return hypothesis_settings(
        budget_of(item.config), examples=examples, seed=item.config.option.seed, report_dir=session.report_dir
    )


def _systematic(name: str) -> Runner:
    def run(item: CheckRun, target: RunningTarget) -> list[Tally]:
        campaign = _campaign(item, target)
        operations, unsupported = _scope(item, campaign)
        return unsupported + (campaign.systematic(name, operations) if operations else [])

    return run


def _property(name: str) -> Runner:
    def run(item: CheckRun, target: RunningTarget) -> list[Tally]:
        from conformance.fuzz.properties import run_property

        campaign = _campaign(item, target)
        operations, unsupported = _scope(item, campaign)
        chosen = budget_of(item.config)
        settings = _settings(item, chosen.property_examples)
        seed = item.config.option.seed
        return unsupported + [
            run_property(campaign, name, op, settings, seed, shrink_seconds=chosen.shrink_seconds) for op in operations
        ]

    return run


def _stateful(item: CheckRun, target: RunningTarget) -> list[Tally]:
    from conformance.fuzz.machine import run_machine

    chosen = budget_of(item.config)
    settings = _settings(item, chosen.machine_examples)
    return [
        run_machine(_campaign(item, target), settings, item.config.option.seed, shrink_seconds=chosen.shrink_seconds)
    ]


def _schemathesis(item: CheckRun, target: RunningTarget) -> list[Tally]:
    from conformance.fuzz.schemathesis_run import Signing, run_schemathesis

    chosen = budget_of(item.config)
    campaign = _campaign(item, target)
    operations, unsupported = _scope(item, campaign)
    if not operations:
        return unsupported
    from conformance.fuzz.seeds import seed_for

    tallies: list[Tally] = []
    for operation in operations:
        # Each operation as its standing caller (CreateMembership is the invitee's): a refusal of valid data then
        # means something, and an implementation that refuses everything cannot pass.
        actor = seed_for(operation, campaign.at).actor
        client = target.client(actor)
        credentials = client._get_credentials()  # botocore keeps a client's credentials private; its accessor
        extra = {MOTO_ACCOUNT_HEADER: target.account_id(actor)} if target.spec.kind == "moto" else {}
        tallies += run_schemathesis(
            campaign,
            endpoint_url=target.endpoint_url,
            signing=Signing(credentials, target.spec.region, extra),
            settings=_settings(item, chosen.schemathesis_examples),
            seed=item.config.option.seed,
            shrink_seconds=chosen.shrink_seconds,
            actor=actor,
            operations=[operation],
        )
    return tallies


def _differential(item: CheckRun, target: RunningTarget) -> list[Tally]:
    from conformance.fuzz import differential
    from conformance.fuzz.systematic import generate

    other = _compare_target(item)
    first, second = _campaign(item, target), _campaign(item, other)
    operations, unsupported = _scope(item, first)
    from conformance.fuzz.campaign import unsupported_tally

    theirs = set(second.operations())
    both = [op for op in operations if op in theirs]
    names = (target.spec.name, other.spec.name)
    tallies = list(unsupported)
    for op in operations:
        if op not in theirs:  # nothing to compare: said so, not a vacuous PASS
            why = second.support().unsupported.get(op, "it was left out of the fuzz set")
            tallies.append(unsupported_tally("differential", op, f"{why} (on --compare-target {other.spec.name})"))
    for op in both:
        variants = [
            v
            for strategy in ("boundary", "enum", "optionals", "negative")
            for v in generate(strategy, op, first.at).variants
        ]
        tallies.append(differential.compare(first, second, op, variants, _normaliser, names=names))
    return tallies


def _compare_target(item: CheckRun) -> RunningTarget:
    state = item.config.stash[FUZZ]
    if state.compare_error is not None:
        raise TargetError(state.compare_error)
    if state.compare is None:
        option = item.config.option
        try:
            spec = parse_target(
                option.compare_target,
                config_file=option.target_config,
                region=option.region,
                timeouts=limit_overrides(option),
                allow_accounts=option.allow_account,
            )
            state.compare = start_target(spec)
        except TargetError as exc:
            state.compare_error = f"--compare-target: {exc}"
            raise TargetError(state.compare_error) from None
    return state.compare


def _normaliser(accounts: Mapping[str, str]) -> Callable[[Any], Any]:
    from conformance.report.normalise import PlaceholderMap, normalise_response

    placeholders = PlaceholderMap(accounts=accounts)
    return lambda body: normalise_response(body, placeholders=placeholders)


def drift_tallies(item: CheckRun) -> list[Tally]:
    started = time.perf_counter()
    try:
        stored = drift.load(builtin_dir() / drift.CHECKSUMS_FILE)
    except ValueError as exc:
        return [Tally("model-drift", "all-operations", Outcome.ERROR, note=str(exc))]
    found = drift.compare(stored)
    current = drift.checksums()
    if not found.breaking:
        note = f"documentation changed: {', '.join(found.docs_changed)}" if found.docs_changed else ""
        if found.added:
            note = "; ".join(filter(None, [note, f"new operations: {', '.join(found.added)}"]))
        return [
            Tally(
                "model-drift",
                "all-operations",
                Outcome.PASS,
                variants=len(current),
                passed=len(current),
                note=note,
                duration_s=time.perf_counter() - started,
            )
        ]
    session = item.config.stash[SESSION]
    files = sorted({p for root in session.roots if root.is_dir() for p in root.rglob("*.y*ml")})
    callers = drift.scenarios_calling([*found.changed, *found.removed], files)
    text = drift.report(found, callers)
    return [
        Tally(
            "model-drift",
            op,
            Outcome.FAIL,
            variants=1,
            failed=1,
            note=text,
            findings=(_drift_finding(op, callers.get(op, [])),),
        )
        for op in (*found.changed, *found.removed)
    ]


def _drift_finding(op: str, files: list[Path]) -> Finding:
    review = ", ".join(str(f) for f in files) or "no scenario calls it"
    problem = Problem("model-drift", f"{op} changed in the service model; review: {review}")
    return Finding(label=f"{op} changed", problems=(problem,))


RUNNERS: dict[str, Runner] = {
    **{name: _systematic(name) for name in STRATEGIES},
    **{name: _property(name) for name in PROPERTIES},
    "stateful": _stateful,
    "schemathesis": _schemathesis,
    "differential": _differential,
}
