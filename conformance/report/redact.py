"""Removes secrets (and, when asked, account ids) from results before anything is written or shown.

Exchange capture already drops credential headers, but secrets also travel in places a header filter never
sees: presigned URLs (``X-Amz-Signature=``), an ``Authorization`` line quoted in a failure message, STS-style
bodies (``SecretAccessKey``). So redaction walks every string and every mapping key of every record, and the
plugin calls it once, just before writing results.json, the HTML and Allure files.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from .normalise import PlaceholderMap
from .records import CheckRecord, RunInfo, ScenarioRecord, from_dict, to_dict
from .results import Results

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


def redact(results: Results, *, mask_accounts: bool = False, accounts: Mapping[str, str] | None = None) -> Results:
    """A copy of ``results`` with secrets removed everywhere.

    With ``mask_accounts`` every 12-digit account id (in values, inside ARNs, and in map keys) becomes a
    stable placeholder: ``<account:creator>`` for the actors named in ``accounts`` (actor → account id;
    defaults to ``results.run.extra["accounts"]``), ``<account:1>``, ``<account:2>``... for the others.
    """
    placeholders: PlaceholderMap | None = None
    if mask_accounts:
        known = accounts if accounts is not None else results.run.extra.get("accounts")
        placeholders = PlaceholderMap(accounts=known if isinstance(known, Mapping) else None)
    run = _walk(to_dict(results.run), placeholders)
    scenarios = [_walk(to_dict(s), placeholders) for s in results.scenarios]
    checks = [_walk(to_dict(c), placeholders) for c in results.checks]
    return Results(
        run=from_dict(RunInfo, run),
        scenarios=tuple(from_dict(ScenarioRecord, s) for s in scenarios),
        checks=tuple(from_dict(CheckRecord, c) for c in checks),
    )


# Every rule above needs one of these pieces (case-insensitively, a superset of what the rules match); a report
# holds hundreds of thousands of strings and almost none has any, so one search saves running six patterns.
_TRIGGER = re.compile(
    r"x-amz-|authorization|secret_?access|session_?token|security_?token|access_?key_?id|credential=|signature="
    r"|akia|asia",
    re.IGNORECASE,
)


# A run's records hold ~100,000 strings (keys included) but only a few thousand distinct ones: member names,
# header names and enum values repeat in every step, so each is judged once.
@functools.lru_cache(maxsize=1 << 16)
def redact_text(text: str) -> str:
    """``text`` with every secret-looking piece replaced by ``<redacted>``."""
    if _TRIGGER.search(text) is None:
        return text
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


@functools.lru_cache(maxsize=1 << 12)
def is_secret_key(name: str) -> bool:
    return name.lower().replace("-", "").replace("_", "") in SECRET_KEYS


def _walk(value: Any, placeholders: PlaceholderMap | None) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = _string(str(key), placeholders)
            secret = is_secret_key(str(key)) and item not in (None, "")
            out[name] = REDACTED if secret else _walk(item, placeholders)
        return out
    if isinstance(value, list):
        return [_walk(item, placeholders) for item in value]
    if isinstance(value, str):
        return _string(value, placeholders)
    return value


def _string(text: str, placeholders: PlaceholderMap | None) -> str:
    text = redact_text(text)
    return placeholders.mask_accounts(text) if placeholders is not None else text
