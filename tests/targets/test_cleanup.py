"""``cleanup --run-id``: the ledger of a killed run, then a sweep by name and tag, all stubbed."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber

from conformance.cli import main
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


def tags(run_id: str, arn: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return ("list_tags_for_resource", {"tags": {TAG_KEY: run_id}}, {"resourceArn": arn})


def test_cleanup_deletes_ledger_leftovers_then_sweeps_by_tag_only(tmp_path: Path) -> None:
    # A killed run left two resources in its ledger.
    killed = Ledger(tmp_path, RUN)
    killed.record_created(LedgerEntry("collaboration", uid(1), "creator"))
    killed.record_created(LedgerEntry("membership", uid(2), "member"))
    other_run = "cr-conf-0badc0de"

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
            stub.add_response(*tags(other_run, membership_summary(3, "", "1" * 12)["arn"]))  # its name misleads
            stub.add_response("list_memberships", {"membershipSummaries": []}, {"nextToken": "p2"})
            stub.add_response(
                "list_collaborations",
                {
                    "collaborationList": [
                        collab_summary(1, name),  # the ledger's, already handled
                        collab_summary(4, f"scenario {RUN} two"),  # the run id in its name, another run's tag
                        collab_summary(5, "renamed"),  # by tag
                        collab_summary(6, "unrelated"),  # neither
                        collab_summary(7, name, creator="222222222222"),  # not ours to delete
                    ]
                },
                {},
            )
            stub.add_response(*tags(RUN, collab_summary(1, "")["arn"]))
            stub.add_response(*tags(other_run, collab_summary(4, "")["arn"]))
            stub.add_response(*tags(RUN, collab_summary(5, "")["arn"]))
            stub.add_response("delete_collaboration", {}, {"collaborationIdentifier": uid(5)})
            stub.add_response(*tags("cr-conf-00000000", collab_summary(6, "")["arn"]))
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
            stub.add_response(*tags(RUN, membership_summary(2, "", "2" * 12)["arn"]))
            stub.add_response(*tags(RUN, membership_summary(8, "", "2" * 12)["arn"]))
            stub.add_client_error("delete_membership", "ConflictException", "still in use", 409)
            stub.add_response("list_collaborations", {"collaborationList": []}, {})

    aws = StubbedAws(ACCOUNTS, script=script)
    report = cleanup(aws_spec(ACCOUNTS), RUN, ledger_dir=tmp_path, session_factory=aws)
    aws.assert_done()
    summary = [(i.kind, i.resource_id[-1], i.actor, i.outcome, i.found_by) for i in report.items]
    assert summary == [
        ("membership", "2", "member", "deleted", "ledger"),
        ("collaboration", "1", "creator", "deleted", "ledger"),
        ("membership", "8", "member", "failed", "tag"),
        ("collaboration", "5", "creator", "deleted", "tag"),
    ]
    assert report.run_id == RUN
    assert not report.ok
    assert [i.resource_id for i in report.failed] == [uid(8)]
    assert "ConflictException" in report.failed[0].detail
    assert len(report.deleted) == 3
    text = str(report).splitlines()
    assert text[0] == f"cleanup of run {RUN}: 3 deleted, 0 already gone, 1 failed"
    assert text[1] == f"  ledger: {tmp_path / (RUN + '.jsonl')}"
    assert text[2] == f"  deleted membership {uid(2)} as member (found by ledger)"
    assert text[4].startswith(f"  failed  membership {uid(8)} as member (found by tag): ")
    # The one found by its tag and not deleted is in the ledger now: the next cleanup starts from it.
    assert [e.resource_id for e in Ledger(tmp_path, RUN).outstanding()] == [uid(8)]


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
    with pytest.raises(TargetError, match=re.escape("run id 'cr' cannot be used on real AWS")):
        cleanup(aws_spec(ACCOUNTS), "cr", ledger_dir=tmp_path, session_factory=StubbedAws(ACCOUNTS))


def test_cleanup_reports_a_listing_it_is_not_allowed(tmp_path: Path) -> None:
    def script(actor: str, stub: Stubber) -> None:
        stub.add_client_error("list_memberships", "AccessDeniedException", "no", 403)

    aws = StubbedAws({"creator": "111111111111"}, script=script)
    with pytest.raises(TargetError, match=r"cleanup could not list resources \(.*AccessDeniedException"):
        cleanup(aws_spec({"creator": "111111111111"}), RUN, ledger_dir=tmp_path, session_factory=aws)


def _only_ledger(tmp_path: Path, *, delete_error: str, delete_message: str, get: Any) -> tuple[Any, StubbedAws]:
    Ledger(tmp_path, RUN).record_created(LedgerEntry("collaboration", uid(1), "creator"))

    def script(actor: str, stub: Stubber) -> None:
        stub.add_client_error("delete_collaboration", delete_error, delete_message, 403)
        if get is not None:
            get(stub)
        stub.add_response("list_memberships", {"membershipSummaries": []}, {})
        stub.add_response("list_collaborations", {"collaborationList": []}, {})

    aws = StubbedAws({"creator": "111111111111"}, script=script)
    report = cleanup(aws_spec({"creator": "111111111111"}), RUN, ledger_dir=tmp_path, session_factory=aws)
    aws.assert_done()
    return report, aws


def test_a_collaboration_already_gone_is_gone_once_a_get_agrees(tmp_path: Path) -> None:
    # AWS answers AccessDenied, not ResourceNotFound, to the delete of a collaboration that no longer exists.
    def get(stub: Stubber) -> None:
        stub.add_client_error("get_collaboration", "AccessDeniedException", "no access", 403)

    report, _ = _only_ledger(tmp_path, delete_error="AccessDeniedException", delete_message="no access", get=get)
    assert [(i.outcome, i.detail) for i in report.items] == [
        ("gone", "AccessDeniedException, and get_collaboration answered AccessDeniedException")
    ]
    assert report.ok
    assert Ledger(tmp_path, RUN).outstanding() == ()  # not retried for ever


def test_a_refused_delete_of_a_collaboration_that_still_exists_stays_failed(tmp_path: Path) -> None:
    def get(stub: Stubber) -> None:
        stub.add_response(
            "get_collaboration", {"collaboration": collab_summary(1, "x") | {"queryLogStatus": "DISABLED"}}
        )

    report, _ = _only_ledger(tmp_path, delete_error="AccessDeniedException", delete_message="no access", get=get)
    assert [i.outcome for i in report.items] == ["failed"]
    assert [e.resource_id for e in Ledger(tmp_path, RUN).outstanding()] == [uid(1)]


def test_an_iam_refusal_proves_nothing_and_stays_failed(tmp_path: Path) -> None:
    iam = "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: cleanrooms:DeleteCollaboration"
    report, _ = _only_ledger(tmp_path, delete_error="AccessDeniedException", delete_message=iam, get=None)
    assert [i.outcome for i in report.items] == ["failed"]
    assert [e.resource_id for e in Ledger(tmp_path, RUN).outstanding()] == [uid(1)]


def test_cleanup_says_where_it_looked_for_the_ledger(tmp_path: Path) -> None:
    def script(actor: str, stub: Stubber) -> None:
        stub.add_response("list_memberships", {"membershipSummaries": []}, {})
        stub.add_response("list_collaborations", {"collaborationList": []}, {})

    aws = StubbedAws({"creator": "111111111111"}, script=script)
    report = cleanup(aws_spec({"creator": "111111111111"}), RUN, ledger_dir=tmp_path / "none", session_factory=aws)
    assert report.ledger is None
    assert str(report).splitlines()[1] == (
        f"  ledger: none in {tmp_path / 'none'} (only the sweep by run-id tag ran; "
        "give the run's --report-dir or --ledger if it wrote one elsewhere)"
    )


def test_the_cli_reads_the_ledger_of_the_report_dir_or_the_folder_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[Path | None] = []

    def fake_cleanup(spec: Any, run_id: str, *, ledger_dir: Path | None = None) -> str:
        seen.append(ledger_dir)
        return f"cleanup of run {run_id}"

    monkeypatch.setattr("conformance.targets.cleanup.cleanup", fake_cleanup)
    base = ["cleanup", "--run-id", RUN, "--region", "eu-west-1", "--allow-account", "111111111111"]
    assert main([*base, "--report-dir", str(tmp_path / "out")]) == 0
    (tmp_path / "led").mkdir()
    assert main([*base, "--report-dir", str(tmp_path / "out"), "--ledger", str(tmp_path / "led")]) == 0
    assert main(base) == 0
    assert seen == [tmp_path / "out" / ".ledger", tmp_path / "led", Path("reports") / ".ledger"]
    assert main([*base, "--ledger", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_a_run_keeps_its_ledger_in_its_report_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conformance.glue import session as glue_session

    given: dict[str, Any] = {}

    def fake_start(spec: Any, **options: Any) -> Any:
        given.update(options)
        return SimpleNamespace(spec=spec, actors=lambda: ())

    monkeypatch.setattr(glue_session, "start_target", fake_start)
    session = glue_session.Session(
        active=True, spec=aws_spec(ACCOUNTS), report_dir=tmp_path / "out" / "sandbox", run_id=RUN
    )
    session.target()
    assert given["ledger_dir"] == tmp_path / "out" / ".ledger"
