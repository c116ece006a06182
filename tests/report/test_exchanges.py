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


def test_a_record_keeps_the_first_64_kib_of_what_is_large() -> None:
    from conformance.report.exchanges import KEPT_BYTES

    big = b'{"collaborationList": [' + b'"x", ' * 100_000 + b'"x"]}'
    exchange = _exchange(
        url="http://127.0.0.1:1/collaborations?q=" + "u" * 100_000,
        request_body=b"r" * 200_000,
        status=200,
        response_headers=MappingProxyType({"X-Huge": "h" * 10_000}),
        response_body=big,
    )
    request = request_mapping({"name": "n" * 100_000}, exchange)
    response = response_mapping(exchange)

    assert response is not None
    assert response["body"] == big[:KEPT_BYTES].decode()
    assert (response["body_size"], response["body_cut"]) == (len(big), True)
    assert response["headers"]["x-huge"].endswith("... (cut: 10,000 characters)")
    assert len(response["headers"]["x-huge"]) < 4200
    assert (len(request["body"]), request["body_size"], request["body_cut"]) == (KEPT_BYTES, 200_000, True)
    assert (len(request["url"]), request["url_cut"]) == (KEPT_BYTES, True)
    assert request["params"].startswith('{"name": "nnn')
    assert (len(request["params"]), request["params_size"], request["params_cut"]) == (KEPT_BYTES, 100_012, True)


def test_a_body_of_exactly_64_kib_is_kept_whole() -> None:
    from conformance.report.exchanges import KEPT_BYTES

    body = b'"' + b"x" * (KEPT_BYTES - 2) + b'"'
    response = response_mapping(_exchange(status=200, response_body=body))
    assert response is not None
    assert response["body"] == "x" * (KEPT_BYTES - 2)
    assert "body_cut" not in response
