"""The caller's account from the SigV4 Authorization header."""

from __future__ import annotations

import pytest

from conformance.reference.errors import ApiError
from conformance.reference.identity import caller_account


def header(access_key: str) -> str:
    return f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/us-east-1/cleanrooms/aws4_request, SignedHeaders=host"


def test_a_12_digit_access_key_is_the_account() -> None:
    assert caller_account(header("222222222222")) == "222222222222"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "MissingAuthenticationTokenException"),
        ("", "MissingAuthenticationTokenException"),
        ("Bearer x", "IncompleteSignature"),
        ("AWS4-HMAC-SHA256 SignedHeaders=host", "IncompleteSignature"),
        (header("2222222222222"), "UnrecognizedClientException"),
        (header("22222222222"), "UnrecognizedClientException"),
        (header("٢٢٢٢٢٢٢٢٢٢٢٢"), "UnrecognizedClientException"),  # Unicode digits are not ASCII digits
        (header("ASIAEXAMPLE1"), "UnrecognizedClientException"),
    ],
)
def test_other_headers_are_refused_with_403(value: str | None, code: str) -> None:
    with pytest.raises(ApiError) as refused:
        caller_account(value)
    assert (refused.value.code, refused.value.status) == (code, 403)
