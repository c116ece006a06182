"""Removes secrets (and, when asked, account ids) from everything a run shows or writes: the one redaction point.

Exchange capture already drops credential headers, but secrets also travel in places a header filter never
sees: presigned URLs (``X-Amz-Signature=``), an ``Authorization`` line quoted in a failure message, STS-style
bodies (``SecretAccessKey``), a target that echoes the request's headers in its error bodies. So redaction walks
every string and every mapping key of every record, and finds secrets two ways: by pattern (its text rules) and
by value (the credentials the run signs with, given once by the glue through :func:`remember_secrets`, so even a
bare session token echoed without any name around it is caught). The rules and the remembered values are in
:mod:`conformance.model.redaction`, so that the fuzz layer's reproducer files go through the same ones.

Where it is applied, and why there: the glue redacts an item's records and failure text *where they are made*
(``plugin.py``: a scenario's records right after they are built, every item's failure and xfail text in the
exception that carries it), so nothing downstream (the terminal, JUnit, Allure, golden recordings, results.json,
the HTML) can see an unredacted copy, and a new output added later is safe without knowing about redaction.
:func:`redact` runs again when results.json and the HTML are written (it also masks account ids); already
redacted text costs only a cache look-up there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.model.redaction import (
    MIN_SECRET_LENGTH,
    REDACTED,
    SECRET_KEYS,
    is_secret_key,
    redact_text,
    remember_secrets,
)

from .normalise import PlaceholderMap
from .records import CheckRecord, RunInfo, ScenarioRecord, from_dict, to_dict
from .results import Results

# The text rules and the remembered secrets are the model layer's (model/redaction.py), shared with the fuzz
# layer's reproducers; they are named here too, where the glue and the tests have always found them.
__all__ = [
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "SECRET_KEYS",
    "is_secret_key",
    "redact",
    "redact_record",
    "redact_text",
    "remember_secrets",
]


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


def redact_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of one plain record (a scenario or check record as a dict) with secrets removed everywhere."""
    cleaned: dict[str, Any] = _walk(dict(record), None)
    return cleaned


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
