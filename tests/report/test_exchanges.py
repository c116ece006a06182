from __future__ import annotations

from types import MappingProxyType

import pytest

from conformance.model.exchange import Exchange
from conformance.report.exchanges import error_code, request_mapping, response_mapping


def _exchange(**kw: object) -> Exchange:
    values: dict[str, object] = {
        "operation": "CreateCollaboration",
        "method": "POST",
        "url": "http://127.0.0.1:1/collaborations",
        "request_headers": MappingProxyType({"Content-Type": "application/json", "Authorization": "x"}),
        "request_body": b'{"name": "n"}',
        "status": 409,
        "response_headers": MappingProxyType({"X-Amzn-ErrorType": "ConflictException"}),
        "response_body": b'{"message": "taken"}',
    }
    values.update(kw)
    return Exchange(**values)  # type: ignore[arg-type]


def test_request_and_response_of_a_sent_call() -> None:
    exchange = _exchange()

    assert request_mapping({"name": "n"}, exchange) == {
        "params": {"name": "n"},
        "method": "POST",
        "url": "http://127.0.0.1:1/collaborations",
        "headers": {"Content-Type": "application/json"},
        "body": {"name": "n"},
    }
    assert response_mapping(exchange) == {
        "status": 409,
        "headers": {"x-amzn-errortype": "ConflictException"},
        "body": {"message": "taken"},
    }


def test_nothing_sent_or_nothing_received() -> None:
    assert request_mapping({"a": 1}, None) == {"params": {"a": 1}}
    assert response_mapping(None) is None
    assert response_mapping(_exchange(status=0, response_body=b"")) is None


def test_bodies_that_are_not_json() -> None:
    response = response_mapping(_exchange(status=502, response_body=b"<html>bad gateway</html>"))

    assert response is not None
    assert response["body"] == "<html>bad gateway</html>"
    assert response_mapping(_exchange(status=204, response_body=b""))["body"] is None  # type: ignore[index]


@pytest.mark.parametrize(
    ("response", "code"),
    [
        (
            {"status": 409, "headers": {"X-Amzn-ErrorType": "ConflictException:http://x"}, "body": {}},
            "ConflictException",
        ),
        (
            {"status": 404, "headers": {}, "body": {"__type": "ns#ResourceNotFoundException"}},
            "ResourceNotFoundException",
        ),
        ({"status": 400, "headers": {}, "body": {"code": "ValidationException"}}, "ValidationException"),
        ({"status": 500, "headers": {}, "body": "boom"}, None),
        ({"status": 200, "headers": {"x-amzn-errortype": "Odd"}, "body": {}}, None),
        (None, None),
    ],
)
def test_error_code(response: dict[str, object] | None, code: str | None) -> None:
    assert error_code(response) == code
