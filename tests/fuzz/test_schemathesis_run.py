from __future__ import annotations

from pathlib import Path

from botocore.credentials import Credentials

from conformance.fuzz.profiles import budget, hypothesis_settings
from conformance.fuzz.schemathesis_checks import CHECKS
from conformance.fuzz.schemathesis_run import Signing, run_schemathesis
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign


def signing(target: RunningTarget) -> Signing:
    return Signing(Credentials(target.account_id("creator"), "conformance"), target.spec.region)


def test_schemathesis_is_green_on_the_reference(healthy: RunningTarget) -> None:
    fuzz = campaign(
        healthy, operations=["ListCollaborations", "UpdateCollaboration", "CreateCollaborationChangeRequest"]
    )
    tallies = run_schemathesis(
        fuzz,
        endpoint_url=healthy.endpoint_url,
        signing=signing(healthy),
        settings=hypothesis_settings(budget("quick"), examples=6),
    )
    assert [t.outcome for t in tallies] == ["PASS"] * 3, [(t.check_id, t.note, t.findings) for t in tallies]
    assert all(t.variants >= 6 for t in tallies)


def test_schemathesis_finds_accepted_negative_data(broken, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = broken("skip-range-check", "skip-enum-check")
    fuzz = campaign(target, tmp_path, operations=["ListMemberships"])
    (tally,) = run_schemathesis(
        fuzz,
        endpoint_url=target.endpoint_url,
        signing=signing(target),
        # quick is derandomized: which examples come follows the code of the test function; 30 stopped finding
        # the planted defects when that code changed; 60 find them.
        settings=hypothesis_settings(budget("quick"), examples=60),
        shrink_seconds=2,
    )
    assert tally.outcome == "FAIL"
    assert tally.findings
    assert tally.findings[0].reproducer is not None
    assert Path(tally.findings[0].reproducer).exists()
    # The finding holds the raw exchange, as every other does: the report shows the request and the answer.
    exchange = tally.findings[0].exchange
    assert exchange is not None
    assert exchange.status == 200
    assert exchange.method == "GET"
    assert "/memberships" in exchange.url
    assert exchange.response_body.startswith(b"{")
    assert len(tally.findings[0].problems[0].message.splitlines()) <= 8


def test_the_check_set_leaves_out_the_checks_aws_services_do_not_meet() -> None:
    names = {check.__name__ for check in CHECKS}
    assert "positive_data_not_field_refused" in names
    assert "negative_data_rejection" in names
    assert not names & {"unsupported_method", "ignored_auth", "positive_data_acceptance", "use_after_free"}
