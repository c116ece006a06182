"""The defect seam: every named defect observably changes what a client sees, and names are checked."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

import conformance.reference
from conformance.model.exchange import Exchange, Recorder
from conformance.reference import DEFECTS, EmulatorConfig, ReferenceServer
from conformance.reference.defects import Defects

from .support import (
    CREATOR,
    MEMBER,
    Actors,
    act,
    actors,
    change_request,
    create_collaboration,
    fresh_account,
    get_request,
    join,
    member_change,
    members_by_account,
)

BAD_PATTERN_ID = "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"  # right length, wrong pattern


def outcome(call: Callable[[], Any]) -> tuple[int, str]:
    """HTTP status and error code (or "ok") of a call; helpers that return only the payload count as 200."""
    try:
        response = call()
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"], str(error.response["Error"]["Code"])
    except (BotoCoreError, ResponseParserError) as error:  # what a client sees of a response it cannot parse
        return 0, type(error).__name__
    metadata = response.get("ResponseMetadata", {"HTTPStatusCode": 200})
    return metadata["HTTPStatusCode"], "ok"


def voting(who: Actors, **kwargs: Any) -> str:
    collab = create_collaboration(who.creator, [MEMBER], **kwargs)
    join(who.member, collab["id"])
    return str(collab["id"])


def raw_exchange(who: Actors, call: Callable[[Any], Any]) -> Exchange:
    """The raw exchange of one call as the creator (what botocore's parsing would hide)."""
    recorder = Recorder()
    client_ = who.as_account(CREATOR)
    recorder.attach(client_)
    with contextlib.suppress(ClientError):
        call(client_)
    assert recorder.last is not None
    return recorder.last


# One probe per defect: what a client observes; the test requires it to differ with the defect on.
def _create(who: Actors, **params: Any) -> object:
    base: dict[str, Any] = {
        "name": "probe",
        "members": [],
        "creatorMemberAbilities": [],
        "creatorDisplayName": "c",
        "queryLogStatus": "DISABLED",
    }
    base.update(params)
    for key in [k for k, v in base.items() if v is None]:
        del base[key]
    return outcome(lambda: who.raw.create_collaboration(**base))


def _skip_union(who: Actors) -> object:
    collab = create_collaboration(who.creator, [MEMBER])
    config = {"outputConfiguration": {}, "roleArn": "arn:aws:iam::222222222222:role/cleanrooms-results"}
    raw_member = who.as_account(MEMBER, validate=False)
    return outcome(
        lambda: raw_member.create_membership(
            collaborationIdentifier=collab["id"], queryLogStatus="DISABLED", defaultResultConfiguration=config
        )
    )


def _skip_item_count(who: Actors) -> object:
    collab_id = voting(who)
    return outcome(lambda: who.raw.create_collaboration_change_request(collaborationIdentifier=collab_id, changes=[]))


def _refused_update_mutates(who: Actors) -> object:
    invited = fresh_account()
    collab = create_collaboration(who.creator, [MEMBER, invited])
    join(who.member, collab["id"])
    request = change_request(who.creator, collab["id"], member_change(fresh_account(), name="n"))
    outcome(lambda: act(who.as_account(invited), collab["id"], request["id"], "APPROVE"))  # refused: not a voter
    return get_request(who.creator, collab["id"], request["id"]).get("approvals")


def _voted(who: Actors, action: str) -> object:
    collab_id = voting(who)
    request = change_request(who.creator, collab_id, member_change(fresh_account(), name="n"))
    return act(who.member, collab_id, request["id"], action)["status"]


def _auto_status(who: Actors) -> object:
    collab_id = voting(who, auto=["ADD_MEMBER"])
    return change_request(who.creator, collab_id, member_change(fresh_account(), name="n"))["status"]


def _member_rows(who: Actors, **kwargs: Any) -> object:
    collab = create_collaboration(who.creator, [fresh_account(), fresh_account()])
    rows = who.creator.list_members(collaborationIdentifier=collab["id"], **kwargs)["memberSummaries"]
    return [row["accountId"] for row in rows]


def _outsider_reads(who: Actors) -> object:
    collab_id = voting(who)
    request = change_request(who.creator, collab_id, member_change(fresh_account(), name="n"))
    return outcome(
        lambda: who.outsider.get_collaboration_change_request(
            collaborationIdentifier=collab_id, changeRequestIdentifier=request["id"]
        )
    )


def _member_commits(who: Actors) -> object:
    collab_id = voting(who)
    request = change_request(who.creator, collab_id, member_change(fresh_account(), name="n"))
    act(who.member, collab_id, request["id"], "APPROVE")
    return outcome(lambda: act(who.member, collab_id, request["id"], "COMMIT"))


def _delete_status(who: Actors) -> object:
    collab = create_collaboration(who.creator, [])
    return outcome(lambda: who.creator.delete_collaboration(collaborationIdentifier=collab["id"]))


def _timestamp_type(who: Actors) -> object:
    collab = create_collaboration(who.creator, [])
    exchange = raw_exchange(who, lambda c: c.get_collaboration(collaborationIdentifier=collab["id"]))
    return type(json.loads(exchange.response_body)["collaboration"]["createTime"]).__name__


def _update_time_present(who: Actors) -> object:
    collab_id = voting(who)
    request = change_request(who.creator, collab_id, member_change(fresh_account(), name="n"))
    return "updateTime" in get_request(who.creator, collab_id, request["id"])


def _error_type_header(who: Actors) -> object:
    exchange = raw_exchange(
        who, lambda c: c.get_collaboration(collaborationIdentifier="00000000-0000-4000-8000-000000000000")
    )
    return exchange.response_headers.get("x-amzn-errortype")


def _not_found(who: Actors) -> object:
    return outcome(lambda: who.creator.list_members(collaborationIdentifier="00000000-0000-4000-8000-000000000000"))


def _approvals(who: Actors) -> object:
    collab_id = voting(who)
    return sorted(change_request(who.creator, collab_id, member_change(fresh_account(), name="n"))["approvals"])


def _added_status(who: Actors) -> object:
    collab_id = voting(who, auto=["ADD_MEMBER"])
    account = fresh_account()
    change_request(who.creator, collab_id, member_change(account, name="n"))
    return members_by_account(who.creator, collab_id)[account]["status"]


PROBES: dict[str, Callable[[Actors], object]] = {
    "skip-length-check": lambda who: _create(who, name="n" * 101),
    "skip-pattern-check": lambda who: outcome(
        lambda: who.raw.get_collaboration(collaborationIdentifier=BAD_PATTERN_ID)
    ),
    "skip-enum-check": lambda who: _create(who, queryLogStatus="BOGUS"),
    "skip-required-check": lambda who: _create(who, name=None),
    "skip-item-count-check": _skip_item_count,
    "skip-union-check": _skip_union,
    "skip-range-check": lambda who: outcome(lambda: who.raw.list_collaborations(maxResults=0)),
    "refused-update-mutates": _refused_update_mutates,
    "last-approval-stays-pending": lambda who: _voted(who, "APPROVE"),
    "auto-approved-as-approved": _auto_status,
    "list-drops-last-item": lambda who: _member_rows(who),
    "outsider-can-read": _outsider_reads,
    "member-can-commit": _member_commits,
    "delete-returns-200": _delete_status,
    "iso-timestamps": _timestamp_type,
    "drop-update-time": _update_time_present,
    "untyped-errors": _error_type_header,
    "not-found-as-forbidden": _not_found,
    "descending-order": lambda who: _member_rows(who),
    "ignore-max-results": lambda who: _member_rows(who, maxResults=1),
    "creator-votes": _approvals,
    "deny-ignored": lambda who: _voted(who, "DENY"),
    "add-member-active": _added_status,
    "server-error-on-tab": lambda who: _create(who, name="tab\there"),
}


@pytest.fixture(scope="module")
def defective() -> Iterator[ReferenceServer]:
    """A server of its own: its deliberately broken responses must not reach the session's wire check."""
    with ReferenceServer() as server:
        yield server


def test_every_defect_has_a_probe() -> None:
    assert set(PROBES) == set(DEFECTS)


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_defect_changes_what_a_client_sees(defective: ReferenceServer, name: str) -> None:
    who = actors(defective.url, record=False)
    probe = PROBES[name]
    defective.set_defects(frozenset())
    healthy = probe(who)
    defective.set_defects(frozenset({name}))
    try:
        broken = probe(who)
    finally:
        defective.set_defects(frozenset())
    assert broken != healthy, f"{name}: {DEFECTS[name]} — observed {healthy!r} both times"


def test_defects_from_the_config_are_active_at_start() -> None:
    with ReferenceServer(config=EmulatorConfig(defects=frozenset({"delete-returns-200"}))) as server:
        assert _delete_status(actors(server.url, record=False)) == (200, "ok")
        server.set_defects(frozenset())
        assert _delete_status(actors(server.url, record=False)) == (204, "ok")


def test_unknown_defect_names_are_refused_with_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"no-such-defect.*valid defects: .*skip-enum-check"):
        EmulatorConfig(defects=frozenset({"no-such-defect"}))
    with ReferenceServer() as server, pytest.raises(ValueError, match="valid defects"):
        server.set_defects(frozenset({"typo"}))
    with pytest.raises(KeyError):
        Defects().active("typo")


def test_every_defect_is_described() -> None:
    for name, description in DEFECTS.items():
        assert description.strip(), name
        assert "\n" not in description, name


#: The emulator's edges, where defects may act: the seam itself, input validation and error rendering.
_EDGES = frozenset({"defects.py", "defective.py", "validation.py", "emulator.py"})


def test_defects_act_at_the_edges_not_in_the_domain_code() -> None:
    # Handlers, views and the change-request state machine stay plain; the seam wraps them (defective.py).
    package = Path(conformance.reference.__file__).parent
    for module in sorted(package.glob("*.py")):
        if module.name in _EDGES:
            continue
        text = module.read_text(encoding="utf-8")
        named = sorted(name for name in DEFECTS if f'"{name}"' in text)
        assert not named, f"{module.name} checks defect(s) {', '.join(named)}; wrap it in defective.py instead"
