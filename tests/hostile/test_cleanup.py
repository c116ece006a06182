"""Real AWS, stubbed: cleanup deletes only what its own run made, and a run changes only what it made.

Two stand-ins for AWS: botocore's Stubber (``tests/targets/stubbed_aws.py``), strict about every call, and for
the cleanup sweeps a small shared account (:class:`Account`) that answers whatever is asked, so a cleanup that
deletes too much shows up as a count of deleted resources of other runs instead of a stubbing error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.stub import Stubber

from conformance.scenario.library import builtin_dir
from conformance.scenario.loader import load_scenario
from conformance.scenario.runner import run_scenario
from conformance.targets import TargetError, start_target
from conformance.targets.aws import TAG_KEY, check_aws_run_id, ownership_problem
from conformance.targets.cleanup import cleanup
from conformance.targets.ledger import Ledger, LedgerEntry
from tests.targets.stubbed_aws import StubbedAws, aws_spec

ACCOUNTS = {"creator": "111111111111", "member": "222222222222"}
RUN = "cr-conf-1a2b3c4d"
OTHER_RUN = "cr-conf-0badc0de"
NOBODYS = "00000000-0000-4000-8000-000000000000"


def uid(n: int) -> str:
    return f"5e1f0c2a-7d3b-4c8e-9a6f-{n:012d}"


# -- a shared account that answers anything ---------------------------------------------------------------------


@dataclass
class Resource:
    kind: str
    id: str
    owner: str
    name: str
    tags: dict[str, str] = field(default_factory=dict)
    run: str | None = None
    """The run that made it (None: a person or another tool)."""

    @property
    def arn(self) -> str:
        return f"arn:aws:cleanrooms:eu-west-1:{self.owner}:{self.kind}/{self.id}"


class _Raw:
    def stream(self, **_: Any) -> Any:
        yield b""


class Account:
    """Collaborations and memberships in the sandbox accounts, as AWS would list, tag and delete them."""

    def __init__(self, resources: list[Resource]) -> None:
        self.resources = resources
        self.deleted: list[Resource] = []

    def answer(self, account: str, model: Any, context: Mapping[str, Any], **_: Any) -> tuple[AWSResponse, Any]:
        params = context.get("api_params", {})
        name = model.name
        if name == "ListMemberships":
            found = [r for r in self.resources if r.kind == "membership" and r.owner == account]
            return self._ok({"membershipSummaries": [self._summary(r) for r in found]})
        if name == "ListCollaborations":
            found = [r for r in self.resources if r.kind == "collaboration"]
            return self._ok({"collaborationList": [self._summary(r) for r in found]})
        if name == "ListTagsForResource":
            found = [r for r in self.resources if r.arn == params.get("resourceArn")]
            return self._ok({"tags": found[0].tags if found else {}})
        if name in ("DeleteCollaboration", "DeleteMembership"):
            wanted = params.get("collaborationIdentifier") or params.get("membershipIdentifier")
            for resource in self.resources:
                if resource.id == wanted and resource.owner == account:
                    self.resources.remove(resource)
                    self.deleted.append(resource)
                    return self._ok({})
            return self._denied()
        return self._ok({})

    @staticmethod
    def _summary(resource: Resource) -> dict[str, Any]:
        name_key = "name" if resource.kind == "collaboration" else "collaborationName"
        return {"id": resource.id, "arn": resource.arn, name_key: resource.name, "creatorAccountId": resource.owner}

    @staticmethod
    def _ok(parsed: dict[str, Any]) -> tuple[AWSResponse, Any]:
        return AWSResponse("https://cleanrooms.invalid", 200, {}, _Raw()), {**parsed, "ResponseMetadata": {}}

    @staticmethod
    def _denied() -> tuple[AWSResponse, Any]:
        error = {"Error": {"Code": "AccessDeniedException", "Message": "denied"}, "ResponseMetadata": {}}
        return AWSResponse("https://cleanrooms.invalid", 403, {}, _Raw()), error


class OnAccount(StubbedAws):
    """Session factory: STS stubbed as usual, Clean Rooms answered by a shared :class:`Account`."""

    def __init__(self, account: Account) -> None:
        super().__init__(ACCOUNTS)
        self.account = account

    def made(self, actor: str, service: str, client: BaseClient) -> Stubber:
        if service == "sts":
            return super().made(actor, service, client)
        events = client.meta.events

        def keep_params(params: Mapping[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["api_params"] = dict(params)

        def answer(**kwargs: Any) -> Any:
            return self.account.answer(self.accounts[actor], **kwargs)

        events.register_first("before-parameter-build.cleanrooms", keep_params)
        events.register_first("before-call.cleanrooms", answer)
        return Stubber(client)  # never activated: the account answers


def sandbox() -> list[Resource]:
    creator, member = ACCOUNTS["creator"], ACCOUNTS["member"]
    return [
        Resource("collaboration", uid(1), creator, "prod conformance-reporting pipeline"),
        Resource("membership", uid(2), member, "ACME conformance audit"),
        Resource("collaboration", uid(3), creator, f"cr-{OTHER_RUN}", {TAG_KEY: OTHER_RUN}, run=OTHER_RUN),
        Resource("membership", uid(4), member, f"cr-{OTHER_RUN}", {TAG_KEY: OTHER_RUN}, run=OTHER_RUN),
        Resource("collaboration", uid(5), creator, f"copy of cr-{RUN} by hand"),  # our run id, not our resource
        Resource("collaboration", uid(6), creator, f"cr-{RUN}", {TAG_KEY: RUN}, run=RUN),
        Resource("membership", uid(7), member, "renamed", {TAG_KEY: RUN}, run=RUN),
    ]


def test_cleanup_deletes_no_resource_of_another_run_or_of_anyone(tmp_path: Path) -> None:
    others_deleted: dict[str, int] = {}
    for run_id in ("conformance", "cr-conf-", "cr-conf", RUN):
        account = Account(sandbox())
        with contextlib.suppress(TargetError):  # the new code refuses the run id; the old one went ahead
            cleanup(aws_spec(ACCOUNTS), run_id, ledger_dir=tmp_path, session_factory=OnAccount(account))
        others_deleted[run_id] = sum(1 for r in account.deleted if r.run != RUN)
        own_deleted = {r.id for r in account.deleted if r.run == RUN}
    assert others_deleted == dict.fromkeys(others_deleted, 0), f"resources of others deleted: {others_deleted}"
    assert own_deleted == {uid(6), uid(7)}  # with its own run id, the run's own, found by their tag


@pytest.mark.parametrize(
    "run_id",
    ["conformance", "cr-conf-", "cr-conf", "cr-conf-1a2b3c4", "cr-conf-1A2B3C4D", "cr-conf-1a2b3c4d-", "x" * 70],
)
def test_cleanup_refuses_run_ids_not_of_the_suites_form_before_any_call(tmp_path: Path, run_id: str) -> None:
    aws = StubbedAws(ACCOUNTS)
    with pytest.raises(TargetError, match="cannot be used on real AWS"):
        cleanup(aws_spec(ACCOUNTS), run_id, ledger_dir=tmp_path, session_factory=aws)
    assert aws.sessions_made == []


@pytest.mark.parametrize("run_id", [RUN, "cr-conf-nightly-1a2b3c4d", "cr-conf-ci-4711-0badc0de"])
def test_the_suites_run_ids_and_labelled_ones_are_accepted(run_id: str) -> None:
    assert check_aws_run_id(run_id) == run_id


def test_a_run_on_aws_refuses_a_run_id_of_another_form(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="cannot be used on real AWS"):
        start_target(
            aws_spec(ACCOUNTS), run_id="conformance", ledger_dir=tmp_path, session_factory=StubbedAws(ACCOUNTS)
        )


# -- deletes and updates go only to the run's own resources -------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "params", "allowed"),
    [
        ("DeleteCollaboration", {"collaborationIdentifier": uid(1)}, True),  # ledgered
        ("DeleteCollaboration", {"collaborationIdentifier": uid(1).upper()}, True),  # ids compare without case
        ("DeleteCollaboration", {"collaborationIdentifier": uid(9)}, False),  # someone else's
        ("DeleteCollaboration", {"collaborationIdentifier": NOBODYS}, True),  # exists nowhere, provably
        ("DeleteCollaboration", {"collaborationIdentifier": "not-a-uuid"}, True),  # names nothing
        ("DeleteCollaboration", {"collaborationIdentifier": f" {uid(9)} "}, False),  # still someone's id
        ("UpdateCollaboration", {"collaborationIdentifier": uid(9), "name": "x"}, False),
        ("DeleteMember", {"collaborationIdentifier": uid(1), "accountId": "222222222222"}, True),
        ("CreateCollaborationChangeRequest", {"collaborationIdentifier": uid(9), "changes": []}, False),
        ("CreateMembership", {"collaborationIdentifier": uid(9)}, False),  # joining someone's collaboration
        ("DeleteMembership", {"membershipIdentifier": uid(2)}, True),
        ("DeleteMembership", {"membershipIdentifier": uid(1)}, False),  # a collaboration id is no membership
        ("DeleteConfiguredTable", {"configuredTableIdentifier": uid(9)}, False),  # the ledger cannot vouch
        ("TagResource", {"resourceArn": f"arn:aws:cleanrooms:eu-west-1:1:collaboration/{uid(9)}"}, False),
        ("UntagResource", {"resourceArn": f"arn:aws:cleanrooms:eu-west-1:1:collaboration/{uid(1)}"}, True),
        ("GetCollaboration", {"collaborationIdentifier": uid(9)}, True),  # reads are always sent
        ("CreateCollaboration", {"name": "n"}, True),
    ],
)
def test_ownership_rule(tmp_path: Path, operation: str, params: dict[str, Any], allowed: bool) -> None:
    ledger = Ledger(tmp_path, RUN)
    ledger.record_created(LedgerEntry("collaboration", uid(1), "creator"))
    ledger.record_created(LedgerEntry("membership", uid(2), "member"))
    ledger.record_deleted("collaboration", uid(1))  # deleting it again is still deleting our own

    problem = ownership_problem(operation, params, ledger)

    assert (problem is None) == allowed, problem


STEPS = f"""
scenario: a run deletes its own collaboration, then tries to change another's
since: 2023-01-12
evidence: {{level: model, source: MODEL}}
steps:
  - as: creator
    call: CreateCollaboration
    with: {{name: "cr-{{{{ run_id }}}}", members: [], creatorMemberAbilities: [],
           creatorDisplayName: c, queryLogStatus: DISABLED}}
    save: {{collab: collaboration.id}}
  - as: creator
    call: DeleteCollaboration
    with: {{collaborationIdentifier: "{{{{ collab }}}}"}}
  - as: creator
    call: DeleteCollaboration
    with: {{collaborationIdentifier: "{uid(9)}"}}
    expect_error: {{code: AccessDeniedException, status: 403}}
"""


def _collaboration(collab_id: str) -> dict[str, Any]:
    import datetime

    now = datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC)
    return {
        "collaboration": {
            "id": collab_id,
            "arn": f"arn:aws:cleanrooms:eu-west-1:111111111111:collaboration/{collab_id}",
            "name": f"cr-{RUN}",
            "creatorAccountId": "111111111111",
            "creatorDisplayName": "c",
            "createTime": now,
            "updateTime": now,
            "memberStatus": "ACTIVE",
            "queryLogStatus": "DISABLED",
        }
    }


def test_a_step_that_deletes_what_the_run_did_not_create_is_an_error_and_is_not_sent(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(STEPS).lstrip(), encoding="utf-8")
    scenario = load_scenario(path, actors=ACCOUNTS)

    def script(actor: str, stub: Stubber) -> None:
        stub.add_response("create_collaboration", _collaboration(uid(1)))
        stub.add_response("delete_collaboration", {}, {"collaborationIdentifier": uid(1)})
        # Nothing else: a third request would find no stubbed response and fail the test.

    aws = StubbedAws(ACCOUNTS, script=script)
    with start_target(aws_spec(ACCOUNTS), run_id=RUN, ledger_dir=tmp_path, session_factory=aws) as target:
        result = run_scenario(scenario, target, run_id=RUN, accounts=dict(target.accounts), model_checks=False)
    aws.assert_done()
    assert [str(s.outcome) for s in result.steps] == ["PASS", "PASS", "ERROR"]
    message = result.steps[2].failures[0].message
    assert "refused on real AWS, not sent: DeleteCollaboration names collaborationIdentifier" in message
    assert "which this run did not create" in message


def test_the_unknown_id_scenario_still_runs_on_aws(tmp_path: Path) -> None:
    # Its all-zeros id provably names no one's collaboration, so Get, Update and Delete are all sent.
    loaded = load_scenario(builtin_dir() / "collaboration-unknown-id-forbidden.yaml", actors=ACCOUNTS)
    # Only its unknown-id steps: the positive control around them (create, read back, delete) is the ledger's
    # ordinary business and needs responses this stub does not script.
    scenario = dataclasses.replace(loaded, steps=tuple(s for s in loaded.steps if "00000000" in str(s.params)))
    assert [s.operation for s in scenario.steps] == ["GetCollaboration", "UpdateCollaboration", "DeleteCollaboration"]

    def script(actor: str, stub: Stubber) -> None:
        for method in ("get_collaboration", "update_collaboration", "delete_collaboration"):
            stub.add_client_error(method, "AccessDeniedException", "denied", 403)

    aws = StubbedAws(ACCOUNTS, script=script)
    with start_target(aws_spec(ACCOUNTS), run_id=RUN, ledger_dir=tmp_path, session_factory=aws) as target:
        result = run_scenario(scenario, target, run_id=RUN, accounts=dict(target.accounts), model_checks=False)
    aws.assert_done()
    assert [str(s.outcome) for s in result.steps] == ["PASS", "PASS", "PASS"]
