"""Real-AWS targets without the network: account guard, run-id tags, ledger hooks, cleanup on exit."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conformance.targets import TargetError, start_target
from conformance.targets.aws import TAG_KEY

from .stubbed_aws import StubbedAws, aws_spec

ACCOUNTS = {"creator": "111111111111", "member": "222222222222"}
RUN = "cr-conf-0a1b2c3d"
COLLAB = "0b7c2a7e-1f40-4d8e-9a5e-4b2f8c1d3e5f"
MEMBERSHIP = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
NOW = datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC)
CREATE = {
    "name": "cr-" + RUN,
    "members": [],
    "creatorMemberAbilities": [],
    "creatorDisplayName": "creator",
    "queryLogStatus": "DISABLED",
}


def collaboration(collab_id: str = COLLAB, account: str = "111111111111") -> dict[str, Any]:
    return {
        "collaboration": {
            "id": collab_id,
            "arn": f"arn:aws:cleanrooms:eu-west-1:{account}:collaboration/{collab_id}",
            "name": "cr-" + RUN,
            "creatorAccountId": account,
            "creatorDisplayName": "creator",
            "createTime": NOW,
            "updateTime": NOW,
            "memberStatus": "ACTIVE",
            "queryLogStatus": "DISABLED",
        }
    }


def membership(membership_id: str = MEMBERSHIP) -> dict[str, Any]:
    return {
        "membership": {
            "id": membership_id,
            "arn": f"arn:aws:cleanrooms:eu-west-1:222222222222:membership/{membership_id}",
            "collaborationArn": f"arn:aws:cleanrooms:eu-west-1:111111111111:collaboration/{COLLAB}",
            "collaborationId": COLLAB,
            "collaborationCreatorAccountId": "111111111111",
            "collaborationCreatorDisplayName": "creator",
            "collaborationName": "cr-" + RUN,
            "createTime": NOW,
            "updateTime": NOW,
            "status": "ACTIVE",
            "memberAbilities": [],
            "queryLogStatus": "DISABLED",
            "paymentConfiguration": {"queryCompute": {"isResponsible": False}},
        }
    }


def ledger_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# -- the guard ------------------------------------------------------------------------------------------------


def test_guard_passes_and_accounts_come_from_sts(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS)
    with start_target(aws_spec(ACCOUNTS), run_id=RUN, ledger_dir=tmp_path, session_factory=aws) as target:
        assert target.accounts == ACCOUNTS
        assert target.endpoint_url == "https://cleanrooms.eu-west-1.amazonaws.com"
    aws.assert_done()
    assert sorted(aws.sessions_made) == ["creator", "member"]


def test_guard_refuses_an_empty_allow_list(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS)
    with pytest.raises(TargetError, match=r"allow-list is empty: .* --allow-account=ACCOUNT_ID"):
        start_target(aws_spec(ACCOUNTS, allow=frozenset()), ledger_dir=tmp_path, session_factory=aws)
    assert aws.stubbers == {}  # refused before asking STS anything


def test_guard_refuses_an_account_not_on_the_list(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS)
    message = (
        "actor 'member' (profile 'cr-member') is account 222222222222, which is not in the allow-list "
        "(111111111111); if that account is a sandbox the suite may write to, add --allow-account=222222222222"
    )
    with pytest.raises(TargetError, match=re.escape(message)):
        start_target(aws_spec(ACCOUNTS, allow=frozenset({"111111111111"})), ledger_dir=tmp_path, session_factory=aws)
    assert not tmp_path.joinpath(f"{RUN}.jsonl").exists()


def test_guard_refuses_two_actors_in_one_account(tmp_path: Path) -> None:
    same = {"creator": "111111111111", "member": "111111111111"}
    with pytest.raises(TargetError, match="actors 'creator' and 'member' are both account 111111111111"):
        start_target(aws_spec(same), ledger_dir=tmp_path, session_factory=StubbedAws(same))


def test_guard_checks_configured_account_ids(tmp_path: Path) -> None:
    spec = aws_spec(ACCOUNTS)
    actors = dict(spec.actors)
    actors["member"] = type(actors["member"])("member", account_id="333333333333", profile="cr-member")
    spec = type(spec)(spec.name, spec.kind, None, spec.region, actors, allow_accounts=spec.allow_accounts)
    with pytest.raises(TargetError, match="is account 222222222222, but the target config says 333333333333"):
        start_target(spec, ledger_dir=tmp_path, session_factory=StubbedAws(ACCOUNTS))


def test_guard_reports_sts_failures(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS, sts_errors={"member": "ExpiredToken"})
    with pytest.raises(TargetError, match=r"actor 'member' \(profile 'cr-member'\): STS GetCallerIdentity failed: "):
        start_target(aws_spec(ACCOUNTS), ledger_dir=tmp_path, session_factory=aws)


def test_missing_profile_is_named(tmp_path: Path) -> None:
    spec = aws_spec({"creator": "111111111111"})
    with pytest.raises(TargetError, match=r"AWS profile 'cr-creator' not found; create it \(aws configure"):
        start_target(spec, ledger_dir=tmp_path)  # the real session factory: no such profile here


# -- tags and the ledger --------------------------------------------------------------------------------------


def test_creates_are_tagged_recorded_and_deleted_at_close(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS)
    with start_target(aws_spec(ACCOUNTS), run_id=RUN, ledger_dir=tmp_path, session_factory=aws) as target:
        target.client("creator")
        target.client("member")
        creator, member = aws.stubber("creator"), aws.stubber("member")
        creator.add_response(
            "create_collaboration",
            collaboration(),
            {**CREATE, "tags": {"team": "x", TAG_KEY: RUN}},
        )
        member.add_response(
            "create_membership",
            membership(),
            {"collaborationIdentifier": COLLAB, "queryLogStatus": "DISABLED", "tags": {TAG_KEY: RUN}},
        )
        caller_tags = {"team": "x"}
        assert target.call("creator", "CreateCollaboration", {**CREATE, "tags": caller_tags}).ok
        assert caller_tags == {"team": "x"}  # the caller's dict is not changed
        assert target.call(
            "member", "CreateMembership", {"collaborationIdentifier": COLLAB, "queryLogStatus": "DISABLED"}
        ).ok
        assert [e.resource_id for e in target.ledger.outstanding()] == [COLLAB, MEMBERSHIP]  # type: ignore[union-attr]
        # close() deletes newest first, each as its creator
        member.add_response("delete_membership", {}, {"membershipIdentifier": MEMBERSHIP})
        creator.add_response("delete_collaboration", {}, {"collaborationIdentifier": COLLAB})
    aws.assert_done()
    assert [d.outcome for d in target.deletions] == ["deleted", "deleted"]
    lines = ledger_lines(tmp_path / f"{RUN}.jsonl")
    assert [(line["event"], line["kind"], line["id"]) for line in lines] == [
        ("created", "collaboration", COLLAB),
        ("created", "membership", MEMBERSHIP),
        ("deleted", "membership", MEMBERSHIP),
        ("deleted", "collaboration", COLLAB),
    ]
    assert lines[0]["actor"] == "creator"
    assert lines[0]["arn"].endswith(f"collaboration/{COLLAB}")


def test_failed_creates_are_not_recorded(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS)
    with start_target(aws_spec(ACCOUNTS), run_id=RUN, ledger_dir=tmp_path, session_factory=aws) as target:
        target.client("creator")
        aws.stubber("creator").add_client_error("create_collaboration", "ValidationException", http_status_code=400)
        result = target.call("creator", "CreateCollaboration", CREATE)
        assert result.error_code == "ValidationException"
        assert target.ledger is not None
        assert target.ledger.outstanding() == ()
    assert not (tmp_path / f"{RUN}.jsonl").exists()


def test_deletes_made_by_scenarios_are_noted(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS)
    with start_target(aws_spec(ACCOUNTS), run_id=RUN, ledger_dir=tmp_path, session_factory=aws) as target:
        client = target.client("creator")  # callers may use the client directly: hooks still apply
        stub = aws.stubber("creator")
        stub.add_response("create_collaboration", collaboration(), {**CREATE, "tags": {TAG_KEY: RUN}})
        stub.add_response("delete_collaboration", {}, {"collaborationIdentifier": COLLAB})
        client.create_collaboration(**CREATE)
        client.delete_collaboration(collaborationIdentifier=COLLAB)
        assert target.ledger is not None
        assert target.ledger.outstanding() == ()
    aws.assert_done()  # close() had nothing left to delete
    assert target.deletions == ()


def test_ctrl_c_inside_the_run_still_deletes(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS)
    with (  # noqa: PT012 - the interrupt must come from inside the target's block
        pytest.raises(KeyboardInterrupt),
        start_target(aws_spec(ACCOUNTS), run_id=RUN, ledger_dir=tmp_path, session_factory=aws) as target,
    ):
        target.client("creator")
        stub = aws.stubber("creator")
        stub.add_response("create_collaboration", collaboration(), {**CREATE, "tags": {TAG_KEY: RUN}})
        stub.add_response("delete_collaboration", {}, {"collaborationIdentifier": COLLAB})
        target.call("creator", "CreateCollaboration", CREATE)
        raise KeyboardInterrupt
    aws.assert_done()
    assert [d.outcome for d in target.deletions] == ["deleted"]
    assert ledger_lines(tmp_path / f"{RUN}.jsonl")[-1]["event"] == "deleted"


def test_delete_failures_are_logged_and_the_rest_still_deleted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    aws = StubbedAws(ACCOUNTS)
    other = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
    with start_target(aws_spec(ACCOUNTS), run_id=RUN, ledger_dir=tmp_path, session_factory=aws) as target:
        target.client("creator")
        stub = aws.stubber("creator")
        stub.add_response("create_collaboration", collaboration(COLLAB), {**CREATE, "tags": {TAG_KEY: RUN}})
        stub.add_response("create_collaboration", collaboration(other), {**CREATE, "tags": {TAG_KEY: RUN}})
        target.call("creator", "CreateCollaboration", CREATE)
        target.call("creator", "CreateCollaboration", CREATE)
        stub.add_client_error("delete_collaboration", "ConflictException", "busy", 409)
        stub.add_client_error("delete_collaboration", "ResourceNotFoundException", "gone", 404)
    aws.assert_done()
    assert [(d.entry.resource_id, d.outcome) for d in target.deletions] == [(other, "failed"), (COLLAB, "gone")]
    assert target.ledger is not None
    assert [e.resource_id for e in target.ledger.outstanding()] == [other]
    assert f"could not delete collaboration {other} as creator: " in caplog.text
    assert f"cleanrooms-conformance cleanup --target=sandbox --run-id={RUN}" in caplog.text
