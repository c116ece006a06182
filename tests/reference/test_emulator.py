"""Malformed input of every kind never yields a 500, and an emulator bug answers 500 instead of hanging up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.model.service import operation
from conformance.reference import Emulator, ReferenceServer
from conformance.reference import handlers as handlers_module
from conformance.reference.handlers import HANDLERS

from .support import CREATOR, MEMBER
from .test_server import authorization, connect, send

AUTH = authorization(CREATOR)
SOME_ID = "00000000-0000-4000-8000-000000000000"
BODY_OPERATIONS = [name for name in HANDLERS if operation(name).http_method in ("POST", "PATCH")]

VALID_BODIES: dict[str, dict[str, Any]] = {
    "CreateCollaboration": {
        "name": "n",
        "members": [{"accountId": MEMBER, "memberAbilities": [], "displayName": "m"}],
        "creatorMemberAbilities": ["CAN_QUERY"],
        "creatorDisplayName": "c",
        "queryLogStatus": "DISABLED",
        "creatorPaymentConfiguration": {"queryCompute": {"isResponsible": True}},
    },
    "UpdateCollaboration": {"name": "n", "description": "d"},
    "CreateMembership": {"collaborationIdentifier": SOME_ID, "queryLogStatus": "ENABLED"},
    "CreateCollaborationChangeRequest": {
        "changes": [
            {
                "specificationType": "MEMBER",
                "specification": {"member": {"accountId": "444444444444", "memberAbilities": [], "displayName": "x"}},
            }
        ]
    },
    "UpdateCollaborationChangeRequest": {"action": "APPROVE"},
}


def _path(name: str, label_value: str = SOME_ID) -> str:
    template = operation(name).request_uri
    return (
        template.replace("{collaborationIdentifier}", label_value)
        .replace("{changeRequestIdentifier}", label_value)
        .replace("{membershipIdentifier}", label_value)
        .replace("{accountId}", "222222222222")
    )


def _assert_answered(emulator: Emulator, method: str, target: str, body: bytes, auth: str | None = AUTH) -> None:
    response = emulator.handle(method, target, auth, body)
    assert response.status != 500, (method, target, body[:200], response.body[:500])
    headers = dict(response.headers)
    if response.status >= 400:
        assert headers.get("X-Amzn-ErrorType"), response
        assert isinstance(json.loads(response.body)["message"], str)
    elif response.body:
        assert isinstance(json.loads(response.body), dict)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def _mutations(document: Any) -> st.SearchStrategy[Any]:
    """Replace one node anywhere in a valid document with an arbitrary JSON value."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(document, ())

    def replace(path: tuple[Any, ...], value: Any) -> Any:
        copy = json.loads(json.dumps(document))
        if not path:
            return value
        target = copy
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return copy

    return st.builds(replace, st.sampled_from(paths), json_values)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    return Emulator()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_bodies_never_500(emulator: Emulator, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(BODY_OPERATIONS))
    document = data.draw(_mutations(VALID_BODIES[name]))
    method = operation(name).http_method
    _assert_answered(emulator, method, _path(name), json.dumps(document).encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS"]),
    name=st.sampled_from(sorted(HANDLERS)),
    label=st.text(max_size=40),
    query=st.lists(
        st.tuples(st.sampled_from(["maxResults", "nextToken", "status", "memberStatus", "x"]), st.text(max_size=30)),
        max_size=3,
    ),
    body=st.binary(max_size=64),
)
def test_arbitrary_paths_queries_and_bytes_never_500(
    emulator: Emulator, method: str, name: str, label: str, query: list[tuple[str, str]], body: bytes
) -> None:
    target = _path(name, quote(label, safe=""))
    if query:
        target += "?" + urlencode(query)
    _assert_answered(emulator, method, target, body)


NASTY_BODIES = [
    b"\xff\xfe\x00garbage",
    b"{" * 100_000,
    b"[" * 100_000 + b"]" * 100_000,
    b'{"name": NaN}',
    b'{"name": Infinity}',
    b"1" * 5000,
    b'{"maxResults": 1' + b"0" * 5000 + b"}",
    b'{"name": "\\ud800"}',
    b'{"name": null, "members": [null], "changes": [null, {"specification": null}]}',
    b'"just a string"',
    b"[]",
    b"null",
    b"   ",
    b'{"name": 1e400}',
    '{"name": "caf\u00e9 \u2603 \U0001f600"}'.encode(),
    b'\xef\xbb\xbf{"name": "bom"}',
]


@pytest.mark.parametrize("name", BODY_OPERATIONS)
def test_nasty_bodies_over_http_never_500(server: ReferenceServer, name: str) -> None:
    conn = connect(server.url)
    for body in NASTY_BODIES:
        status, headers, data = send(conn, operation(name).http_method, _path(name), body)
        assert status in (400, 403, 404), (body[:40], status, data[:300])
        assert headers["x-amzn-errortype"]
    conn.close()


def test_non_utf8_bodies_are_serialization_errors(emulator: Emulator) -> None:
    response = emulator.handle("POST", "/collaborations", AUTH, b'{"name": "\xff"}')
    assert response.status == 400
    assert dict(response.headers)["X-Amzn-ErrorType"] == "SerializationException"
    assert json.loads(response.body) == {"message": "The request body is not valid UTF-8"}


@pytest.mark.parametrize("body", [b"[1, 2]", b'"x"', b"{,}"])
def test_bodies_that_are_not_json_objects_are_serialization_errors(emulator: Emulator, body: bytes) -> None:
    response = emulator.handle("POST", "/collaborations", AUTH, body)
    assert (response.status, dict(response.headers)["X-Amzn-ErrorType"]) == (400, "SerializationException")


def test_an_emulator_bug_answers_500_internal_server_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(call: handlers_module.Call) -> handlers_module.Reply:
        raise ZeroDivisionError("bug")

    monkeypatch.setitem(HANDLERS, "ListCollaborations", broken)
    emulator = Emulator()
    response = emulator.handle("GET", "/collaborations", AUTH, b"")
    assert response.status == 500
    assert dict(response.headers)["X-Amzn-ErrorType"] == "InternalServerException"
    assert "ZeroDivisionError" in json.loads(response.body)["message"]
    assert emulator.store.lock.acquire(blocking=False)  # the lock was released on the way out
