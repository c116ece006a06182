"""``cleanup --run-id``: the ledger of a killed run, then a sweep by name and tag, all stubbed."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from conformance.targets import TargetError, parse_target
from conformance.targets.aws import TAG_KEY
from conformance.targets.cleanup import cleanup
from conformance.targets.ledger import Ledger, LedgerEntry

from .stubbed_aws import StubbedAws, aws_spec

ACCOUNTS = {"creator": "111111111111", "member": "222222222222"}
RUN = "cr-conf-feedbeef"
NOW = datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC)


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def collab_summary(n: int, name: str, creator: str = "111111111111") -> dict[str, Any]:
    return {
        "id": uid(n),
        "arn": f"arn:aws:cleanrooms:eu-west-1:{creator}:collaboration/{uid(n)}",
        "name": name,
        "creatorAccountId": creator,
        "creatorDisplayName": "creator",
        "createTime": NOW,
        "updateTime": NOW,
        "memberStatus": "ACTIVE",
    }


def membership_summary(n: int, collaboration_name: str, account: str, status: str = "ACTIVE") -> dict[str, Any]:
    return {
        "id": uid(n),
        "arn": f"arn:aws:cleanrooms:eu-west-1:{account}:membership/{uid(n)}",
        "collaborationArn": f"arn:aws:cleanrooms:eu-west-1:111111111111:collaboration/{uid(1)}",
        "collaborationId": uid(1),
        "collaborationCreatorAccountId": "111111111111",
        "collaborationCreatorDisplayName": "creator",
        "collaborationName": collaboration_name,
        "createTime": NOW,
        "updateTime": NOW,
        "status": status,
        "memberAbilities": [],
        "paymentConfiguration": {"queryCompute": {"isResponsible": False}},
    }


def test_cleanup_deletes_ledger_leftovers_then_sweeps_by_name_and_tag(tmp_path: Path) -> None:
    # A killed run left two resources in its ledger.
    killed = Ledger(tmp_path, RUN)
    killed.record_created(LedgerEntry("collaboration", uid(1), "creator"))
    killed.record_created(LedgerEntry("membership", uid(2), "member"))

    # Clients are made inside cleanup(); each one's stubber is scripted as it appears.
    def script(actor: str, stub: Stubber) -> None:
        name = f"cr-{RUN}"
        if actor == "creator":
            stub.add_response("delete_collaboration", {}, {"collaborationIdentifier": uid(1)})  # ledger
            stub.add_response(
                "list_memberships",
                {"membershipSummaries": [membership_summary(3, name, "1" * 12)], "nextToken": "p2"},
                {},
            )
            stub.add_response("delete_membership", {}, {"membershipIdentifier": uid(3)})
            stub.add_response("list_memberships", {"membershipSummaries": []}, {"nextToken": "p2"})
            stub.add_response(
                "list_collaborations",
                {
                    "collaborationList": [
                        collab_summary(1, name),  # the ledger's, already handled
                        collab_summary(4, f"scenario {RUN} two"),  # by name
                        collab_summary(5, "renamed"),  # by tag
                        collab_summary(6, "unrelated"),  # neither
                        collab_summary(7, name, creator="222222222222"),  # not ours to delete
                    ]
                },
                {},
            )
            stub.add_response("delete_collaboration", {}, {"collaborationIdentifier": uid(4)})
            stub.add_response(
                "list_tags_for_resource", {"tags": {TAG_KEY: RUN}}, {"resourceArn": collab_summary(5, "")["arn"]}
            )
            stub.add_response("delete_collaboration", {}, {"collaborationIdentifier": uid(5)})
            stub.add_response(
                "list_tags_for_resource",
                {"tags": {TAG_KEY: "cr-conf-00000000"}},
                {"resourceArn": collab_summary(6, "")["arn"]},
            )
        else:
            stub.add_response("delete_membership", {}, {"membershipIdentifier": uid(2)})  # ledger, first
            stub.add_response(
                "list_memberships",
                {
                    "membershipSummaries": [
                        membership_summary(2, name, "2" * 12),  # the ledger's
                        membership_summary(8, "renamed", "2" * 12),  # by tag
                        membership_summary(9, name, "2" * 12, status="REMOVED"),  # already ended
                    ]
                },
                {},
            )
            stub.add_response(
                "list_tags_for_resource",
                {"tags": {TAG_KEY: RUN}},
                {"resourceArn": membership_summary(8, "", "2" * 12)["arn"]},
            )
            stub.add_client_error("delete_membership", "ConflictException", "still in use", 409)
            stub.add_response("list_collaborations", {"collaborationList": []}, {})

    aws = StubbedAws(ACCOUNTS, script=script)
    report = cleanup(aws_spec(ACCOUNTS), RUN, ledger_dir=tmp_path, session_factory=aws)
    aws.assert_done()
    summary = [(i.kind, i.resource_id[-1], i.actor, i.outcome, i.found_by) for i in report.items]
    assert summary == [
        ("membership", "2", "member", "deleted", "ledger"),
        ("collaboration", "1", "creator", "deleted", "ledger"),
        ("membership", "3", "creator", "deleted", "name"),
        ("membership", "8", "member", "failed", "tag"),
        ("collaboration", "4", "creator", "deleted", "name"),
        ("collaboration", "5", "creator", "deleted", "tag"),
    ]
    assert report.run_id == RUN
    assert not report.ok
    assert [i.resource_id for i in report.failed] == [uid(8)]
    assert "ConflictException" in report.failed[0].detail
    assert len(report.deleted) == 5
    text = str(report).splitlines()
    assert text[0] == f"cleanup of run {RUN}: 5 deleted, 0 already gone, 1 failed"
    assert text[1] == f"  deleted membership {uid(2)} as member (found by ledger)"
    assert text[4].startswith(f"  failed  membership {uid(8)} as member (found by tag): ")
    assert Ledger(tmp_path, RUN).outstanding() == ()


def test_cleanup_with_nothing_left(tmp_path: Path) -> None:
    def script(actor: str, stub: Stubber) -> None:
        stub.add_response("list_memberships", {"membershipSummaries": []}, {})
        stub.add_response("list_collaborations", {"collaborationList": []}, {})

    aws = StubbedAws({"creator": "111111111111"}, script=script)
    report = cleanup(aws_spec({"creator": "111111111111"}), RUN, ledger_dir=tmp_path, session_factory=aws)
    aws.assert_done()
    assert report.ok
    assert report.items == ()


def test_cleanup_is_guarded_like_any_aws_run(tmp_path: Path) -> None:
    aws = StubbedAws(ACCOUNTS)
    with pytest.raises(TargetError, match="not in the allow-list"):
        cleanup(aws_spec(ACCOUNTS, allow=frozenset({"111111111111"})), RUN, ledger_dir=tmp_path, session_factory=aws)


def test_cleanup_refuses_emulators_and_bad_run_ids(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="cleanup is for real-AWS targets, and 'reference' is a reference target"):
        cleanup(parse_target("reference"), RUN)
    with pytest.raises(TargetError, match=re.escape("run id 'cr' is not usable")):
        cleanup(aws_spec(ACCOUNTS), "cr", ledger_dir=tmp_path, session_factory=StubbedAws(ACCOUNTS))


def test_cleanup_reports_a_listing_it_is_not_allowed(tmp_path: Path) -> None:
    def script(actor: str, stub: Stubber) -> None:
        stub.add_client_error("list_memberships", "AccessDeniedException", "no", 403)

    aws = StubbedAws({"creator": "111111111111"}, script=script)
    with pytest.raises(TargetError, match=r"cleanup could not list resources \(.*AccessDeniedException"):
        cleanup(aws_spec({"creator": "111111111111"}), RUN, ledger_dir=tmp_path, session_factory=aws)
