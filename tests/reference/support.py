"""Clients, accounts and small scenario builders shared by the reference emulator's tests.

Every client made here (unless ``record=False``) logs each raw exchange through a
:class:`conformance.model.exchange.Recorder`; ``conftest.py`` checks all of them against the output shape
and the wire rules after each test, so every response in these tests is also a conformance check.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from conformance.model.exchange import Exchange, Recorder
from conformance.model.shapecheck import check_output
from conformance.model.violations import Violation
from conformance.model.wire import check_wire

CREATOR, MEMBER, OUTSIDER = "111111111111", "222222222222", "333333333333"
SECRET = "conformance"  # the documented dummy secret of emulator targets
REGION = "us-east-1"
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"

_session = boto3.session.Session()
_accounts = itertools.count(400000000000)
_accounts_lock = threading.Lock()


def fresh_account() -> str:
    """A 12-digit account no other test uses (lists per account then start empty)."""
    with _accounts_lock:
        return str(next(_accounts))


class ExchangeLog:
    """Every raw exchange the recording clients saw since the last :meth:`clear` (thread-safe appends)."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def clear(self) -> None:
        self.exchanges = []

    def attach(self, client: BaseClient) -> None:
        recorder = Recorder()
        recorder.attach(client)

        def keep(**_: Any) -> None:
            # Registered after the Recorder's own after-call hook, so recorder.last is this call's exchange.
            if recorder.last is not None:
                self.exchanges.append(recorder.last)

        client.meta.events.register("after-call.cleanrooms", keep)

    def violations(self) -> list[tuple[str, int, Violation]]:
        found: list[tuple[str, int, Violation]] = []
        for exchange in list(self.exchanges):
            problems = check_wire(
                exchange.operation, exchange.status, exchange.response_headers, exchange.response_body
            )
            if 200 <= exchange.status < 300 and exchange.response_body.strip():
                problems += check_output(exchange.operation, json.loads(exchange.response_body), wire=True)
            found += [(exchange.operation, exchange.status, v) for v in problems]
        return found


LOG = ExchangeLog()


def client(url: str, account: str, *, validate: bool = True, record: bool = True) -> BaseClient:
    """A cleanrooms client acting as ``account``; ``validate=False`` lets invalid input reach the server."""
    made = _session.client(
        "cleanrooms",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=account,
        aws_secret_access_key=SECRET,
        config=Config(parameter_validation=validate, retries={"total_max_attempts": 1}),
    )
    if record:
        LOG.attach(made)
    return made


@dataclass(frozen=True)
class Actors:
    """The three roles of the suite, each with a validating and a raw (non-validating) client."""

    url: str
    creator: BaseClient
    member: BaseClient
    outsider: BaseClient
    raw: BaseClient
    """The creator without client-side validation, for sending invalid input."""
    record: bool = True

    def as_account(self, account: str, *, validate: bool = True) -> BaseClient:
        return client(self.url, account, validate=validate, record=self.record)


def actors(url: str, *, record: bool = True) -> Actors:
    return Actors(
        url=url,
        creator=client(url, CREATOR, record=record),
        member=client(url, MEMBER, record=record),
        outsider=client(url, OUTSIDER, record=record),
        raw=client(url, CREATOR, validate=False, record=record),
        record=record,
    )


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    """The parsed error response of a call that must fail (its ``Error`` plus modelled members)."""
    with pytest.raises(ClientError) as info:
        call()
    return dict(info.value.response)


def assert_error(call: Callable[[], Any], code: str, status: int, **members: Any) -> dict[str, Any]:
    response = error_of(call)
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    for key, value in members.items():
        assert response.get(key) == value, (key, response)
    return response


def member_spec(account: str, abilities: Iterable[str] = (), name: str | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"accountId": account, "memberAbilities": list(abilities), **extra}
    if name is not None:
        spec["displayName"] = name
    return spec


def member_change(account: str, abilities: Iterable[str] = (), name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"specificationType": "MEMBER", "specification": {"member": member_spec(account, abilities, name, **extra)}}


def collaboration_change(types: Iterable[str]) -> dict[str, Any]:
    return {
        "specificationType": "COLLABORATION",
        "specification": {"collaboration": {"autoApprovedChangeTypes": list(types)}},
    }


def create_collaboration(
    creator: BaseClient,
    invitees: Iterable[str] = (MEMBER,),
    *,
    auto: Iterable[str] | None = None,
    creator_abilities: Iterable[str] = ("CAN_QUERY", "CAN_RECEIVE_RESULTS"),
    **extra: Any,
) -> dict[str, Any]:
    """A collaboration with ``invitees`` (each INVITED, no abilities); returns the Collaboration."""
    params: dict[str, Any] = {
        "name": "reference-test",
        "members": [{"accountId": a, "memberAbilities": [], "displayName": f"m-{a}"} for a in invitees],
        "creatorMemberAbilities": list(creator_abilities),
        "creatorDisplayName": "creator",
        "queryLogStatus": "DISABLED",
        **extra,
    }
    if auto is not None:
        params["autoApprovedChangeRequestTypes"] = list(auto)
    return dict(creator.create_collaboration(**params)["collaboration"])


def join(client_: BaseClient, collaboration_id: str) -> dict[str, Any]:
    return dict(
        client_.create_membership(collaborationIdentifier=collaboration_id, queryLogStatus="DISABLED")["membership"]
    )


def change_request(creator: BaseClient, collaboration_id: str, *changes: dict[str, Any]) -> dict[str, Any]:
    response = creator.create_collaboration_change_request(
        collaborationIdentifier=collaboration_id, changes=list(changes)
    )
    return dict(response["collaborationChangeRequest"])


def act(client_: BaseClient, collaboration_id: str, request_id: str, action: str) -> dict[str, Any]:
    response = client_.update_collaboration_change_request(
        collaborationIdentifier=collaboration_id, changeRequestIdentifier=request_id, action=action
    )
    return dict(response["collaborationChangeRequest"])


def get_request(client_: BaseClient, collaboration_id: str, request_id: str) -> dict[str, Any]:
    response = client_.get_collaboration_change_request(
        collaborationIdentifier=collaboration_id, changeRequestIdentifier=request_id
    )
    return dict(response["collaborationChangeRequest"])


def members_by_account(client_: BaseClient, collaboration_id: str) -> dict[str, dict[str, Any]]:
    rows = client_.list_members(collaborationIdentifier=collaboration_id, maxResults=100)["memberSummaries"]
    return {row["accountId"]: row for row in rows}


@contextlib.contextmanager
def raw_body(client_: BaseClient, body: bytes) -> Iterator[None]:
    """The client's requests inside the block carry ``body`` instead of the JSON botocore serialised.

    Replaced before signing, so the SigV4 payload hash covers the bytes really sent (as the suite's ``raw_body``
    steps do).
    """

    def replace(request: Any, **_: Any) -> None:
        request.data = body
        request.headers["Content-Length"] = str(len(body))

    events = client_.meta.events
    events.register("before-sign.cleanrooms", replace, unique_id="tests-raw-body")
    try:
        yield
    finally:
        events.unregister("before-sign.cleanrooms", unique_id="tests-raw-body")
