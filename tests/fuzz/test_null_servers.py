"""A server that does nothing earns no fuzz PASS: the fuzz layer's checks against six constant loopback servers.

Each server gives every request the same answer (``tests/fuzz/constant_servers.py``): always 403, 400, 404 or
500, always 200 ``{}``, or the request's own body back. The checks run through the layer's own functions (the
systematic strategies, the random properties, the stateful machine) with small budgets, on the operations the
suite is about; not one tally may be a PASS. (The scenario half is ``tests/e2e/test_null_servers.py``.)
"""

from __future__ import annotations

import pytest

from conformance.fuzz.campaign import Campaign
from conformance.fuzz.catalogue import PROPERTIES, STRATEGIES
from conformance.fuzz.machine import run_machine
from conformance.fuzz.profiles import budget, hypothesis_settings
from conformance.fuzz.properties import run_property
from conformance.fuzz.results import Tally
from conformance.fuzz.seeds import CORE_OPERATIONS
from tests.fuzz.constant_servers import KINDS, constant_target


def _tallies(campaign: Campaign) -> list[Tally]:
    tallies = [tally for strategy in STRATEGIES for tally in campaign.systematic(strategy)]
    settings = hypothesis_settings(budget("quick"), examples=3, seed=0, steps=4)
    for name in PROPERTIES:
        tallies += [run_property(campaign, name, op, settings, 0, shrink_seconds=1.0) for op in campaign.operations()]
    machine = hypothesis_settings(budget("quick"), examples=2, seed=0, steps=4)
    tallies.append(run_machine(campaign, machine, 0, shrink_seconds=1.0))
    return tallies


@pytest.mark.parametrize("kind", KINDS)
def test_no_fuzz_check_passes_against_a_server_that_does_nothing(kind: str) -> None:
    with constant_target(kind) as (server, target):
        campaign = Campaign(target, target.accounts, region=target.spec.region, operations=list(CORE_OPERATIONS))
        tallies = _tallies(campaign)
        campaign.close()
    passed = sorted(t.check_id for t in tallies if t.outcome == "PASS")
    assert passed == [], f"these fuzz checks pass against the {kind} server, which does nothing: {passed}"
    # Every check reached the server and judged something: the zero is not from checks that never ran.
    assert {t.strategy for t in tallies} >= {*STRATEGIES, *PROPERTIES, "stateful"}
    assert sum(t.variants for t in tallies) > len(CORE_OPERATIONS)
    assert len(server.requests) > len(CORE_OPERATIONS)


def test_the_reference_emulator_passes_the_same_checks(healthy: object) -> None:
    """The positive control: the same checks with the same budgets find nothing wrong with a working target."""
    from conformance.targets import RunningTarget

    assert isinstance(healthy, RunningTarget)
    campaign = Campaign(healthy, healthy.accounts, region=healthy.spec.region, operations=list(CORE_OPERATIONS))
    tallies = _tallies(campaign)
    campaign.close()
    judged = ("PASS", "UNSUPPORTED")
    wrong = [(t.check_id, t.outcome, t.note, t.findings[:1]) for t in tallies if t.outcome not in judged]
    assert wrong == []
    # UNSUPPORTED only where a strategy has no variant for the operation (no enum member in GetCollaboration).
    assert all(t.variants == 0 and t.skipped == 0 for t in tallies if t.outcome == "UNSUPPORTED")
