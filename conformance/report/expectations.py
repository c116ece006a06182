"""The expectations file and the CI gate: known failures of an implementation, and what fails the run.

An emulator project commits a YAML file listing the scenarios it is known to fail, with the outcome it gets,
a reason, and optionally a link and an expiry date::

    version: 1                            # optional; the only version so far
    implementation: moto 5.2.5            # free text, shown in the report
    entries:
      - id: auto-approved-add-member      # a scenario id (or a check id: <scenario>#<step>, fuzz:<...>)
        outcome: UNSUPPORTED              # FAIL | ERROR | UNSUPPORTED
        reason: moto has no change-request operations
        link: https://github.com/getmoto/moto/issues/NNNN   # optional
        expires: 2027-06-30                                 # optional: excuses no more after that day

The run then fails only on regressions (a failure that is not listed, or listed with another outcome),
on stale entries (listed but passing now: XPASS) and on expired entries. Entries that matched nothing are
reported but do not fail the run.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_USAGE = 2

FAILING = ("FAIL", "ERROR", "UNSUPPORTED")
"""The outcomes an entry may expect, and the actual outcomes that fail the run when nothing excuses them."""

_ENTRY_KEYS = ("id", "outcome", "reason", "link", "expires")
_TOP_KEYS = ("version", "implementation", "entries")

SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer", "enum": [1]},
        "implementation": {"type": "string"},
        "entries": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "outcome", "reason"],
                "properties": {
                    "id": {"type": "string", "minLength": 1, "pattern": r"^\S+$"},
                    "outcome": {"type": "string", "enum": list(FAILING)},
                    "reason": {"type": "string", "minLength": 1, "pattern": r"\S"},
                    "link": {"type": "string", "pattern": r"^https?://\S+$"},
                    "expires": {"type": "string", "format": "date"},
                },
            },
        },
    },
}


class ExpectationsError(ValueError):
    """An expectations file that cannot be used; the message lists every problem as ``file:line: what``."""

    def __init__(self, path: Path, problems: Iterable[tuple[int, str]]) -> None:
        self.path = path
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(f"{path}:{line}: {message}" for line, message in self.problems))


@dataclass(frozen=True, slots=True)
class Expectation:
    """One entry of the file."""

    id: str
    outcome: str
    reason: str
    link: str | None
    expires: dt.date | None
    line: int
    """1-based line of the entry in its file (0 when not read from a file)."""

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain JSON (for ``ScenarioRecord.expectation``)."""
        return {
            "id": self.id,
            "outcome": self.outcome,
            "reason": self.reason,
            "link": self.link,
            "expires": self.expires.isoformat() if self.expires else None,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class Judgement:
    """What one outcome becomes once the expectations are applied, and whether it fails the run.

    One part of an item's :class:`conformance.verdict.Verdict` (which also weighs ``--evidence``).
    """

    outcome: str
    gating: bool
    message: str
    expectation: Expectation | None = None


class Expectations:
    """The entries of one file (or none), looked up by id."""

    def __init__(
        self, entries: Iterable[Expectation] = (), *, path: Path | None = None, implementation: str = ""
    ) -> None:
        self.entries = tuple(entries)
        self.path = path
        self.implementation = implementation
        self._by_id = {e.id: e for e in self.entries}

    def lookup(self, scenario_id: str) -> Expectation | None:
        return self._by_id.get(scenario_id)

    def where(self, entry: Expectation) -> str:
        """``file:line`` of an entry, for messages."""
        return f"{self.path or 'expectations'}:{entry.line}"

    def judge(self, scenario_id: str, actual_outcome: str, *, today: dt.date) -> Judgement:
        """Apply the entry for ``scenario_id`` (if any) to the outcome the scenario actually had.

        ``actual_outcome`` is PASS, FAIL, ERROR or UNSUPPORTED. An entry is valid through its ``expires`` day.
        """
        if actual_outcome not in ("PASS", *FAILING):
            raise ValueError(f"cannot judge outcome {actual_outcome!r}: expected PASS, {', '.join(FAILING)}")
        entry = self.lookup(scenario_id)
        if entry is None:
            return Judgement(actual_outcome, actual_outcome in FAILING, "")
        where = self.where(entry)
        if actual_outcome == "PASS":
            return Judgement(
                "XPASS",
                True,
                f"{scenario_id} passed but {where} expects {entry.outcome}: the entry is stale, remove it",
                entry,
            )
        if entry.expires is not None and today > entry.expires:
            return Judgement(
                actual_outcome,
                True,
                f"expectation {entry.id!r} ({where}) expired on {entry.expires.isoformat()}: "
                f"fix the implementation, or extend or remove the entry",
                entry,
            )
        if actual_outcome != entry.outcome:
            return Judgement(
                actual_outcome,
                True,
                f"{scenario_id} ended {actual_outcome} but {where} expects {entry.outcome}: "
                f"update the entry's outcome if the new failure is understood",
                entry,
            )
        return Judgement("XFAIL", False, entry.reason, entry)

    def unknown(self, known_ids: Iterable[str]) -> list[tuple[Expectation, str | None]]:
        """Entries whose id names nothing the suite has, each with the closest known id (a misspelling's fix).

        ``<scenario>#<step>`` entries count as known when the scenario is. Unlike :meth:`unused` (a real id the
        run did not select), an unknown id can never match, so it is an error: otherwise a typo silently
        stops excusing anything, or excuses nothing from the start.
        """
        known = set(known_ids)
        ordered = sorted(known)
        found: list[tuple[Expectation, str | None]] = []
        for entry in self.entries:
            scenario, _, step = entry.id.partition("#")
            if entry.id in known or (scenario in known and step.isdigit()):
                continue
            close = difflib.get_close_matches(entry.id, ordered, n=1, cutoff=0.6)
            found.append((entry, close[0] if close else None))
        return found

    def describe_unknown(self, unknown: Iterable[tuple[Expectation, str | None]]) -> str:
        """One line per unknown entry: ``file:line: unknown id 'x'; did you mean 'y'?``."""
        return "\n".join(
            f"{self.where(entry)}: unknown id {entry.id!r}"
            + (f"; did you mean {close!r}?" if close else "; no scenario or check has a similar id")
            for entry, close in unknown
        )

    def unused(self, seen_ids: Iterable[str]) -> list[Expectation]:
        """Entries that matched no id of this run, in file order (reported, not failed)."""
        seen = set(seen_ids)
        return [e for e in self.entries if e.id not in seen]


def exit_code(verdicts: Iterable[Judgement]) -> int:
    """:data:`EXIT_REGRESSION` when any verdict gates, else :data:`EXIT_OK`."""
    return EXIT_REGRESSION if any(v.gating for v in verdicts) else EXIT_OK


class _Constructor(RoundTripConstructor):
    """Keeps YAML timestamps as their text, so a bad date is reported with its line instead of crashing."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def load_expectations(path: Path) -> Expectations:
    """Read and validate an expectations file; :class:`ExpectationsError` lists every problem by line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExpectationsError(path, [(0, f"cannot read the expectations file: {exc.strerror or exc}")]) from None
    try:
        document = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise ExpectationsError(path, [(line, f"not valid YAML: {exc.problem or exc.context}")]) from None
    if document is None:
        document = CommentedMap()
    problems = _schema_problems(document) + _duplicate_problems(document)
    if problems:
        raise ExpectationsError(path, problems)
    entries = [_entry(item) for item in document.get("entries") or []]
    return Expectations(entries, path=path, implementation=str(document.get("implementation") or ""))


def _duplicate_problems(document: Any) -> list[tuple[int, str]]:
    items = document.get("entries") if isinstance(document, Mapping) else None
    first: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, CommentedMap) or not isinstance(item.get("id"), str):
            continue
        line = item.lc.line + 1
        if item["id"] in first:
            problems.append((line, f"duplicate id {item['id']!r} (first listed on line {first[item['id']]})"))
        else:
            first[item["id"]] = line
    return problems


def _entry(item: CommentedMap) -> Expectation:
    expires = item.get("expires")
    return Expectation(
        id=str(item["id"]),
        outcome=str(item["outcome"]),
        reason=str(item["reason"]).strip(),
        link=str(item["link"]) if item.get("link") else None,
        expires=dt.date.fromisoformat(expires) if expires else None,
        line=item.lc.line + 1,
    )


def _schema_problems(document: Any) -> list[tuple[int, str]]:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    problems: list[tuple[int, str]] = []
    for error in validator.iter_errors(document):
        path = list(error.absolute_path)
        problems.extend(_explain(document, path, error))
    return problems


def _explain(document: Any, path: list[Any], error: Any) -> list[tuple[int, str]]:
    """Turn one schema error into messages that say what to fix, each with the line it concerns."""
    instance = error.instance
    what = _name(path)
    if error.validator == "additionalProperties" and isinstance(instance, Mapping):
        allowed = _ENTRY_KEYS if path else _TOP_KEYS
        return [
            (_key_line(instance, key), f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})")
            for key in instance
            if key not in allowed
        ]
    line = _line(document, path)
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in instance]
        return [(line, f"{what} is missing {', '.join(repr(k) for k in missing)}")]
    if error.validator == "type":
        return [(line, f"{what} must be {_article(error.validator_value)}, found {_describe(instance)}")]
    if error.validator == "enum":
        choices = " | ".join(str(v) for v in error.validator_value)
        return [(line, f"{what} must be one of {choices}, found {instance!r}")]
    if error.validator == "format":
        return [(line, f"{what} must be a date written YYYY-MM-DD, found {instance!r}")]
    if error.validator in ("pattern", "minLength"):
        hint = {
            "id": "a scenario id without spaces",
            "reason": "a non-blank text",
            "link": "an http(s) URL",
        }.get(str(path[-1]) if path else "", "a valid value")
        return [(line, f"{what} must be {hint}, found {instance!r}")]
    return [(line, f"{what}: {error.message}")]


def _name(path: list[Any]) -> str:
    if not path:
        return "the file"
    if len(path) == 1:
        return f"'{path[0]}'"
    if len(path) == 2:
        return f"entries[{path[1]}]"
    return f"entries[{path[1]}].{'.'.join(str(p) for p in path[2:])}"


def _line(document: Any, path: list[Any]) -> int:
    """1-based line of the value at ``path`` (of its key when it is a mapping member)."""
    node, line = document, 1
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            line = node.lc.key(step)[0] + 1
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            line = node.lc.item(step)[0] + 1
        else:
            break
        node = node[step]
    return line


def _key_line(mapping: Any, key: Any) -> int:
    return int(mapping.lc.key(key)[0]) + 1 if isinstance(mapping, CommentedMap) else 0


def _article(kind: Any) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a text", "integer": "a whole number"}
    kinds = [k for k in (kind if isinstance(kind, list) else [kind]) if k != "null"]
    return " or ".join(names.get(str(k), f"of type {k}") for k in kinds)


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
