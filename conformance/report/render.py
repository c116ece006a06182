"""The jinja2 environment shared by the HTML pages, and the small values and filters their templates use.

Autoescape is on for every template: response bodies come from the implementation under test and may hold
markup (a ``<script>`` in an error message must show as text, not run).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from conformance.model.vocabulary import Outcome

from .exchanges import KEPT_BYTES
from .records import CheckRecord, ScenarioRecord
from .results import outcome_counts

NOTHING = "\N{EN DASH}"
"""Shown where there is no value (an empty group's score, an unknown time)."""

CONFORMING = ("PASS", "XPASS")
"""Outcomes where the implementation behaved as specified (XPASS passed; only its expectation is stale)."""


@dataclass(frozen=True, slots=True)
class Score:
    """Counts per outcome of a group of scenarios or checks, with its score."""

    counts: Mapping[str, int]

    @classmethod
    def of(cls, records: Iterable[ScenarioRecord | CheckRecord]) -> Score:
        return cls(outcome_counts(records))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def conforming(self) -> int:
        return sum(self.counts[o] for o in CONFORMING)

    @property
    def percent(self) -> str:
        return f"{100 * self.conforming / self.total:.0f}%" if self.total else NOTHING

    @property
    def present(self) -> list[tuple[str, int]]:
        """(outcome, count) for the outcomes that occur, in the fixed order."""
        return [(o, n) for o, n in self.counts.items() if n]


SHOWN_CHARS = 8192
"""The most of one body, parameter set or header block the HTML page shows (results.json keeps more): a failure
block stays readable, and a run where every step fails with a large answer still makes a page a browser opens."""


def pretty(value: Any, limit: int = SHOWN_CHARS) -> str:
    """JSON, indented, non-ASCII kept readable; text stays text; at most ``limit`` characters (0: all)."""
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False, default=str)
    if limit and len(text) > limit:
        return f"{text[:limit]}\n... (the page shows the first {limit:,} of {len(text):,} characters)"
    return text


def when(epoch: float) -> str:
    """A moment as ``YYYY-MM-DD HH:MM:SS UTC`` with no-break spaces, so that a narrow column never wraps it."""
    if not epoch:
        return NOTHING
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC").replace(" ", "\u00a0")


def anchor(prefix: str, ident: str) -> str:
    """An HTML id for a scenario id (ids are slugs already; anything else is replaced)."""
    return prefix + "".join(c if c.isalnum() or c in "-_." else "_" for c in ident)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("conformance.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pretty"] = pretty
    env.filters["when"] = when
    env.globals["anchor"] = anchor
    env.globals["OUTCOMES"] = tuple(outcome.value for outcome in Outcome)
    env.globals["KEPT_KIB"] = KEPT_BYTES // 1024
    return env
