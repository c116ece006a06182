"""Stable placeholders for the values that differ between runs: ids, account ids, timestamps, tokens.

Comparing two targets (or a target with a golden recording) needs responses with run-specific values replaced,
but in a way that keeps "the same value as before": the same uuid becomes the same ``<uuid:3>`` everywhere in
one :class:`PlaceholderMap`, and ``createTime == updateTime`` stays visible as two equal ``<timestamp:1>``.

Hand-written rather than built on ``localstack_snapshot`` (0.4.0), whose transformers were checked and do
not fit: its value replacement is keyed by member name (``KeyValueBasedTransformer``) or gives every regex
match the same fixed text (``RegexTransformer``, no numbering); its key/value transformers skip strings inside
lists (a list of ids stays raw); its ``TimestampTransformer`` knows ISO strings and ``datetime`` objects but
not the epoch numbers restJson1 sends; its numbering lives in a ``TransformContext`` made afresh per snapshot
match, while a run needs one map across many responses; and it substitutes by ``str.replace`` on a JSON dump,
so a value that is a substring of another value is replaced inside it too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
"""Twelve digits not part of a longer number (an epoch in milliseconds has 13)."""
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
ARN = re.compile(r"arn:[\w-]+:[\w-]+:[\w-]*:[^:]*:(?P<resource>.+)")
ID_LIKE = re.compile(r"(?=[^/]*\d)[A-Za-z0-9_-]{8,}")
"""An ARN path segment that looks generated (a digit, 8+ characters) rather than a resource type."""
PLACEHOLDER = re.compile(r"<[a-z-]+:[^<>]+>")
RUN_ID_PLACEHOLDER = "<run-id>"

# Seconds since the epoch from 2001-09-09 to 2100-01-01, and the same in milliseconds.
_EPOCH_SECONDS = (1_000_000_000, 4_102_444_800)
_EPOCH_MILLIS = (1_000_000_000_000, 4_102_444_800_000)


class PlaceholderMap:
    """Real value → placeholder, numbered per kind in the order values are first seen.

    ``accounts`` names known accounts (account id → actor), which then read ``<account:creator>`` instead of
    a number. One map per scenario and target keeps the numbering comparable across targets.
    """

    def __init__(self, *, accounts: Mapping[str, str] | None = None) -> None:
        self._accounts = {account: actor for actor, account in _invert(accounts or {}).items()}
        self._seen: dict[tuple[str, str], str] = {}
        self._counters: dict[str, int] = {}

    def placeholder(self, kind: str, value: str) -> str:
        """The placeholder of ``value`` (created on first sight)."""
        key = (kind, value)
        found = self._seen.get(key)
        if found is None:
            if kind == "account" and value in self._accounts:
                found = f"<account:{self._accounts[value]}>"
            else:
                self._counters[kind] = self._counters.get(kind, 0) + 1
                found = f"<{kind}:{self._counters[kind]}>"
            self._seen[key] = found
        return found

    def items(self) -> dict[str, str]:
        """Every value seen so far → its placeholder (what a golden recording would store beside the body)."""
        return {value: placeholder for (_, value), placeholder in self._seen.items()}

    def mask_accounts(self, text: str) -> str:
        """``text`` with every 12-digit account id (also inside ARNs) replaced."""
        return ACCOUNT_ID.sub(lambda m: self.placeholder("account", m.group(0)), text)


def _invert(accounts: Mapping[str, str]) -> dict[str, str]:
    # Accepts both directions (actor → account, as run info stores it, or account → actor) so callers
    # cannot get it wrong: the 12-digit side is the account.
    out: dict[str, str] = {}
    for key, value in accounts.items():
        if ACCOUNT_ID.fullmatch(str(value)):
            out[str(key)] = str(value)
        elif ACCOUNT_ID.fullmatch(str(key)):
            out[str(value)] = str(key)
    return out


def normalise_response(body: object, *, placeholders: PlaceholderMap) -> object:
    """A copy of a JSON value with run-specific values replaced by stable placeholders."""
    return _value(body, "", placeholders)


def _value(value: object, key: str, placeholders: PlaceholderMap) -> object:
    if isinstance(value, Mapping):
        return {_text(str(k), placeholders): _value(v, str(k), placeholders) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v, key, placeholders) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return placeholders.placeholder("timestamp", repr(value)) if _is_epoch(value) else value
    if isinstance(value, str):
        if value and key.endswith("Token"):  # nextToken and other opaque tokens
            return placeholders.placeholder("token", value)
        if ISO_TIMESTAMP.fullmatch(value):
            return placeholders.placeholder("timestamp", value)
        text = _text(value, placeholders)
        if text == value and (key == "id" or key.endswith(("Id", "Identifier"))) and value and not value.isdigit():
            return placeholders.placeholder("id", value)
        return text
    return value


def _text(text: str, placeholders: PlaceholderMap) -> str:
    text = UUID.sub(lambda m: placeholders.placeholder("uuid", m.group(0).lower()), text)
    text = placeholders.mask_accounts(text)
    match = ARN.fullmatch(text)
    if match:
        resource = match.group("resource")
        segments = [
            s if PLACEHOLDER.fullmatch(s) or not ID_LIKE.fullmatch(s) else placeholders.placeholder("id", s)
            for s in resource.split("/")
        ]
        text = text[: match.start("resource")] + "/".join(segments)
    return text


def _is_epoch(value: float) -> bool:
    return _EPOCH_SECONDS[0] <= value < _EPOCH_SECONDS[1] or _EPOCH_MILLIS[0] <= value < _EPOCH_MILLIS[1]


def without_run_id(body: Any, run_id: str) -> Any:
    """``body`` with the run id replaced by ``<run-id>`` wherever it occurs, also inside longer strings.

    Names carry the run id (``c-cr-conf-1a2b3c4d``) and it differs on every run, so two runs (or a run and a
    recording) would otherwise differ at the first step that names anything.
    """
    if not run_id or body is None:
        return body
    return json.loads(json.dumps(body).replace(run_id, RUN_ID_PLACEHOLDER))
