"""SigV4 signing for ``requests``: an ``AuthBase`` that signs the prepared request with botocore's signer.

Schemathesis sends its requests with ``requests``; an ``AuthBase`` runs after the body is serialized and the
URL encoded, so the signature covers exactly the bytes that go out (a schemathesis ``auth.set()`` hook would
see the case before serialization, too early to sign). Only the content type and the ``x-amz-*`` headers are
signed (plus ``host``, which the signer adds): headers that ``requests`` or a proxy may add or rewrite later
(``Connection``, ``Accept-Encoding``, schemathesis' own test-case id) stay out of the signature.
"""

from __future__ import annotations

from collections.abc import Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials
from requests import PreparedRequest
from requests.auth import AuthBase

from conformance.model.service import SIGNING_NAME

_SIGNED = ("content-type",)
_REPLACED = ("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256")


class SigV4RequestsAuth(AuthBase):
    """Signs every request as one identity; ``extra_headers`` are added first (and signed when ``x-amz-*``)."""

    def __init__(
        self,
        credentials: Credentials | ReadOnlyCredentials,
        region: str,
        *,
        service: str = SIGNING_NAME,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        frozen = credentials.get_frozen_credentials() if isinstance(credentials, Credentials) else credentials
        self._credentials = Credentials(frozen.access_key, frozen.secret_key, frozen.token)
        self._region = region
        self._service = service
        self._extra = dict(extra_headers or {})

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        for name, value in self._extra.items():
            request.headers[name] = value
        for name in list(request.headers):
            if name.lower() in _REPLACED:
                del request.headers[name]
        signed = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in _SIGNED or name.lower().startswith("x-amz-")
        }
        body = request.body
        data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        aws = AWSRequest(method=request.method, url=request.url, data=data, headers=signed)
        SigV4Auth(self._credentials, self._service, self._region).add_auth(aws)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in aws.headers:
                request.headers[name] = aws.headers[name]
        return request
