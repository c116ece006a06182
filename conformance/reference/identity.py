"""Who is calling: the account id, read from the SigV4 ``Authorization`` header.

LocalStack's convention: an access key id of exactly 12 ASCII digits *is* the caller's account id.
Signatures are not verified (the emulator holds no secrets), so any secret key works.
"""

from __future__ import annotations

import re

from conformance.reference.errors import ApiError

_CREDENTIAL = re.compile(r"Credential=([^/,\s]*)/", re.ASCII)
_ACCOUNT = re.compile(r"[0-9]{12}", re.ASCII)


def caller_account(authorization: str | None) -> str:
    """The calling account, or 403 with the error name AWS uses for the problem found."""
    if not authorization:
        raise _refused("MissingAuthenticationTokenException", "Missing Authentication Token")
    if not authorization.startswith("AWS4-HMAC-SHA256 "):
        raise _refused(
            "IncompleteSignature",
            "Authorization header requires the AWS4-HMAC-SHA256 scheme with a Credential=... parameter",
        )
    found = _CREDENTIAL.search(authorization)
    if found is None:
        raise _refused("IncompleteSignature", "Authorization header requires a 'Credential' parameter")
    access_key = found.group(1)
    if _ACCOUNT.fullmatch(access_key) is None:
        raise _refused(
            "UnrecognizedClientException",
            "The security token included in the request is invalid: the reference emulator takes the access "
            "key id as the caller's AWS account id, so it must be exactly 12 digits (e.g. 111111111111)",
        )
    return access_key


def _refused(code: str, message: str) -> ApiError:
    return ApiError(code, 403, message)
