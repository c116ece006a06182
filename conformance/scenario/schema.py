"""The JSON Schema of scenario files (``scenario.schema.json``) and readable messages for its violations.

The schema file is package data, so editors can use it too (``# yaml-language-server: $schema=...``). This
module validates a document with it and turns each ``jsonschema`` error into a :class:`SchemaProblem`
that names the offending key, says what to write instead, and carries the path the loader needs to find
the line.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

PathKey = str | int


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One way a document breaks the schema."""

    path: tuple[PathKey, ...]
    """Where the problem is: the offending value, or the mapping that lacks/has a key."""
    key: str | None
    """For problems about one key of the mapping at ``path`` (unknown key): that key."""
    message: str


@cache
def scenario_schema() -> Mapping[str, Any]:
    """The schema document (draft 2020-12)."""
    text = resources.files("conformance.scenario").joinpath("scenario.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Any:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_problems(document: object) -> list[SchemaProblem]:
    """Every schema violation of ``document`` (JSON-like data), most specific first within a place."""
    problems: list[SchemaProblem] = []
    for error in _validator().iter_errors(document):
        problems.extend(_explain(error))
    return problems


def where(path: Sequence[PathKey]) -> str:
    """``steps[1].expect_error.status`` for a path; ``the file`` for the top level."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "the file"


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer"}


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__


def _explain(error: Any) -> Iterator[SchemaProblem]:
    path = tuple(error.absolute_path)
    here = where(path)
    kind = error.validator
    schema = error.schema
    instance = error.instance
    if kind == "additionalProperties" and isinstance(instance, Mapping):
        allowed = sorted(schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                yield SchemaProblem(path, str(key), f"{here}: unknown key {key!r}{_hint(str(key), allowed)}")
    elif kind == "required" and isinstance(instance, Mapping):
        for key in error.validator_value:
            if key not in instance:
                yield SchemaProblem(path, None, f"{here}: missing required key {key!r}{_purpose(key)}")
    elif kind == "not" and path and path[0] == "steps":
        yield SchemaProblem(path, None, f"{here}: a step has only one of `expect`, `expect_error` and `expect_one_of`")
    elif kind == "oneOf" and path[-2:-1] == ("expect_one_of",):
        message = f"{here}: an alternative holds exactly one of `expect` or `expect_error`"
        yield SchemaProblem(path, None, message)
    elif kind == "minItems" and path[-1:] == ("expect_one_of",):
        message = f"{here}: give at least two alternatives (for one answer, write `expect` or `expect_error` instead)"
        yield SchemaProblem(path, None, message)
    elif kind == "type":
        wanted = error.validator_value
        names = [str(_TYPE_NAMES.get(w, w)) for w in (wanted if isinstance(wanted, list) else [wanted])]
        yield SchemaProblem(path, None, f"{here}: must be {' or '.join(names)}, not {_json_type(instance)}")
    elif kind == "enum":
        options = [str(option) for option in error.validator_value]
        hint = _hint(str(instance), options, show_allowed=False)
        yield SchemaProblem(path, None, f"{here}: {instance!r} is not one of {', '.join(options)}{hint}")
    elif kind == "format" and error.validator_value == "date":
        yield SchemaProblem(path, None, f"{here}: {instance!r} is not a date; write it as YYYY-MM-DD (e.g. 2025-09-03)")
    elif kind == "minItems" and path == ("steps",):
        yield SchemaProblem(path, None, "steps: a scenario needs at least one step")
    elif kind == "minLength":
        yield SchemaProblem(path, None, f"{here}: must not be empty")
    elif kind == "anyOf" and path[-1:] == ("status",):
        yield SchemaProblem(path, None, f"{here}: must be an HTTP status (100..599) or a matcher, not {instance!r}")
    elif kind == "pattern" and path[-1:] == ("save",):
        # propertyNames errors carry the mapping's path and the key as the instance
        message = f"{here}: {instance!r} is not a usable name (letters, digits and _, not starting with a digit)"
        yield SchemaProblem(path, str(instance), message)
    elif kind == "pattern":
        message = f"{here}: {instance!r} does not match {error.validator_value!r}{_purpose(path)}"
        yield SchemaProblem(path, None, message)
    else:
        yield SchemaProblem(path, None, f"{here}: {error.message}")


def _hint(word: str, options: Sequence[str], *, show_allowed: bool = True) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    text = f"; did you mean {close[0]!r}?" if close else ""
    if show_allowed:
        text += f" (allowed here: {', '.join(options)})"
    return text


_PURPOSES = {
    "scenario": " (the scenario's title)",
    "since": " (the SDK release date, YYYY-MM-DD, that introduced the behaviour; docs/behaviour.md §8)",
    "evidence": " ({level: model|documented|inferred, source: KEY of docs/behaviour.md}, the default for the steps)",
    "steps": " (the list of calls)",
    "as": " (the actor: creator, member, member2, outsider)",
    "call": " (the model operation, e.g. CreateCollaboration)",
    "code": " (the error code, e.g. AccessDeniedException)",
    "level": " (model, documented or inferred)",
    "source": " (keys of docs/behaviour.md, e.g. UG-CR or A4)",
}


def _purpose(key: object) -> str:
    if isinstance(key, tuple):
        if key == ("id",) or key[-1:] == ("id",):
            return " (letters, digits, '.', '_' and '-'; starting with a letter or digit)"
        if key[-1:] == ("call",):
            return " (an operation name such as CreateCollaboration)"
        return ""
    return _PURPOSES.get(str(key), "")
