from __future__ import annotations

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conformance.fuzz.sigv4 import SigV4RequestsAuth

CREDENTIALS = Credentials("111111111111", "conformance")


def test_the_signature_covers_the_prepared_body_and_url() -> None:
    auth = SigV4RequestsAuth(CREDENTIALS, "us-east-1", extra_headers={"x-moto-account-id": "111111111111"})
    prepared = requests.Request(
        "POST", "http://127.0.0.1:9/collaborations?maxResults=1", json={"name": "é"}, auth=auth
    ).prepare()
    header = prepared.headers["Authorization"]
    assert header.startswith("AWS4-HMAC-SHA256 Credential=111111111111/")
    assert "SignedHeaders=content-type;host;x-amz-date" in header
    assert "x-moto-account-id" in prepared.headers
    # Recompute as a server would: the same method, URL, body, signed headers and time give the same signature.
    check = AWSRequest(
        method="POST",
        url=prepared.url,
        data=prepared.body,
        headers={"Content-Type": prepared.headers["Content-Type"], "X-Amz-Date": prepared.headers["X-Amz-Date"]},
    )
    check.context["timestamp"] = prepared.headers["X-Amz-Date"]
    signer = SigV4Auth(CREDENTIALS, "cleanrooms", "us-east-1")
    canonical = signer.canonical_request(check)
    expected = signer.signature(signer.string_to_sign(check, canonical), check)
    assert header.endswith(f"Signature={expected}")


def test_signing_again_replaces_the_old_signature() -> None:
    auth = SigV4RequestsAuth(CREDENTIALS, "us-east-1")
    prepared = requests.Request("GET", "http://127.0.0.1:9/collaborations", auth=auth).prepare()
    again = auth(prepared)
    assert list(again.headers).count("Authorization") == 1
