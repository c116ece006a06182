"""The text rules of the one redaction point: what looks like a secret, and the secrets the run signs with.

:mod:`conformance.report.redact` applies them to everything a run shows or writes (its docstring says where and
why); they live here, in the bottom layer, so that a layer which writes files of its own (the fuzz layer's
reproducer scenarios and curl commands) redacts with the same rules and the same remembered secrets, without
importing the report layer.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterable

REDACTED = "<redacted>"

# Compared after lower-casing and dropping "-" and "_", so header spellings and body member spellings
# (X-Amz-Security-Token, x_amz_security_token, SessionToken, aws_session_token) all match.
SECRET_KEYS = frozenset(
    {
        "authorization",
        "proxyauthorization",
        "cookie",
        "setcookie",
        "xamzsecuritytoken",
        "xamzsignature",
        "xamzcredential",
        "securitytoken",
        "sessiontoken",
        "awssessiontoken",
        "secretaccesskey",
        "awssecretaccesskey",
        "accesskeyid",
        "awsaccesskeyid",
        "secretkey",
        "password",
        "clientsecret",
    }
)

_TEXT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Presigned URL query parameters.
    (
        re.compile(r"(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s\"'#<>]+", re.IGNORECASE),
        rf"\1{REDACTED}",
    ),
    # A header line or JSON member quoted in text: everything after the name up to the end of the value.
    (
        re.compile(
            r"([\"']?\b(?:Proxy-)?(?:Authorization|X-Amz-Security-Token)[\"']?\s*:\s*[\"']?)[^\"'\r\n]+",
            re.IGNORECASE,
        ),
        rf"\1{REDACTED}",
    ),
    # Body members named like credentials, in JSON or ini-style text.
    (
        re.compile(
            r"([\"']?\b(?:aws_)?(?:SecretAccessKey|secret_access_key|SessionToken|session_token|SecurityToken|"
            r"AccessKeyId|access_key_id)[\"']?\s*[:=]\s*[\"']?)[^\"'\s,&}<]+",
            re.IGNORECASE,
        ),
        rf"\1{REDACTED}",
    ),
    # Pieces of a SigV4 Authorization value that survive on their own (e.g. in an error message).
    (re.compile(r"(\bCredential=)[^,\s\"'&]+"), rf"\1{REDACTED}"),
    (re.compile(r"(\bSignature=)[0-9a-fA-F]{16,}"), rf"\1{REDACTED}"),
    # Anything shaped like an AWS access key id, wherever it stands.
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), REDACTED),
)


# Every rule above needs one of these pieces (case-insensitively, a superset of what the rules match); a report
# holds hundreds of thousands of strings and almost none has any, so one search saves running six patterns.
_TRIGGER = re.compile(
    r"x-amz-|authorization|secret_?access|session_?token|security_?token|access_?key_?id|credential=|signature="
    r"|akia|asia",
    re.IGNORECASE,
)

#: Shorter values are not remembered: a 4-letter secret would blank out every word that contains it.
MIN_SECRET_LENGTH = 8
_known: frozenset[str] = frozenset()
_known_rule: re.Pattern[str] | None = None


def remember_secrets(values: Iterable[str | None]) -> None:
    """Redact these exact values (and their URL-encoded forms) wherever they appear, from now on, in this process.

    The glue passes the credentials the run signs with (access key ids, secret keys, session tokens) as soon as it
    knows them. Values under :data:`MIN_SECRET_LENGTH` characters are left to the patterns.
    """
    global _known, _known_rule
    new = {v for v in values if v and len(v) >= MIN_SECRET_LENGTH}
    new |= {urllib.parse.quote(v, safe="") for v in new}
    if new <= _known:
        return
    _known = _known | new
    # Longest first, so a value that contains another is replaced whole. Case-sensitive and kept apart from
    # _TRIGGER: folded into that case-insensitive search, 30 values made redacting 2.4 times slower.
    _known_rule = re.compile("|".join(re.escape(v) for v in sorted(_known, key=len, reverse=True)))
    redact_text.cache_clear()  # texts judged before may hold a value that is a secret now


# A run's records hold ~100,000 strings (keys included) but only a few thousand distinct ones: member names,
# header names and enum values repeat in every step, so each is judged once.
@functools.lru_cache(maxsize=1 << 16)
def redact_text(text: str) -> str:
    """``text`` with every secret-looking piece, and every remembered secret, replaced by ``<redacted>``."""
    known = _known_rule
    if _TRIGGER.search(text) is None and (known is None or known.search(text) is None):
        return text
    if known is not None:
        text = known.sub(REDACTED, text)
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


@functools.lru_cache(maxsize=1 << 12)
def is_secret_key(name: str) -> bool:
    return name.lower().replace("-", "").replace("_", "") in SECRET_KEYS
