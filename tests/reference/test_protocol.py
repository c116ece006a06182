"""restJson1 bodies and responses."""

from __future__ import annotations

import json

import pytest

from conformance.reference import EmulatorConfig, ReferenceServer
from conformance.reference.errors import ApiError, not_found
from conformance.reference.protocol import decode_body, failure, success

from .support import LOG, actors


def test_an_empty_body_is_an_empty_object() -> None:
    assert decode_body(b"") == {}
    assert decode_body(b" \r\n") == {}


@pytest.mark.parametrize("raw", [b"{", b"[]", b"NaN", b'{"a": -Infinity}', b"\xff", b"[" * 50_000])
def test_anything_but_a_json_object_is_a_serialization_error(raw: bytes) -> None:
    with pytest.raises(ApiError) as refused:
        decode_body(raw)
    assert (refused.value.code, refused.value.status) == ("SerializationException", 400)


def test_errors_carry_the_type_header_and_the_modelled_members() -> None:
    response = failure(not_found("COLLABORATION", "abc", "Collaboration"), "rid")
    headers = dict(response.headers)
    assert response.status == 404
    assert headers["X-Amzn-ErrorType"] == "ResourceNotFoundException"
    assert headers["x-amzn-requestid"] == "rid"
    assert json.loads(response.body) == {
        "message": "Collaboration abc not found",
        "resourceId": "abc",
        "resourceType": "COLLABORATION",
    }
    assert "X-Amzn-ErrorType" not in dict(failure(not_found("COLLABORATION", "a", "b"), "r", typed=False).headers)


def test_a_204_has_no_body_and_no_content_type() -> None:
    response = success(204, None, "rid")
    assert response.body == b""
    assert "Content-Type" not in dict(response.headers)


def test_the_wire_check_fixture_catches_a_broken_response() -> None:
    """The autouse check is real: a response with ISO timestamps is reported."""
    with ReferenceServer(config=EmulatorConfig(defects=frozenset({"iso-timestamps"}))) as broken:
        who = actors(broken.url)
        who.creator.list_collaborations()  # no timestamps in an empty list: conforms
        assert LOG.violations() == []
        created = who.creator.create_collaboration(
            name="n", members=[], creatorMemberAbilities=[], creatorDisplayName="c", queryLogStatus="DISABLED"
        )
        assert created["collaboration"]["name"] == "n"
        found = LOG.violations()
        assert found
        assert {operation for operation, _, _ in found} == {"CreateCollaboration"}
    LOG.clear()  # the deliberate violations must not fail this test itself
