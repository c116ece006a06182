"""Expectations as data: checked live during fuzzing and written unchanged into reproducer scenarios.

A fuzz check that reads state back (a witness read, a round trip, the stateful model's prediction) states what
it expects as a value in the scenario language: plain mappings match partially, lists element by element,
scalars by equality (no type mixing), and :class:`Tag` stands for a matcher (``!unordered``, ``!contains``,
``!len``, ``!all_of``, ``!exact``, ``!absent``, ``!any``, ``!one_of``, ``!regex``). :class:`StepRef` stands for
the response of an earlier step (``{{ steps[3].collaboration }}``), :class:`~conformance.fuzz.refs.Ref` for a bound
id.

This module evaluates such values; :mod:`conformance.fuzz.reproducer` writes them as YAML. Evaluating them
here (rather than with the scenario layer's matchers, which this layer may not import) is deliberately the
same small subset, so what failed live is what the reproducer asserts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conformance.fuzz.refs import Ref


@dataclass(frozen=True, slots=True)
class Tag:
    """A scenario matcher: ``Tag("unordered", [...])`` is ``!unordered [...]``; ``argument`` None for ``!uuid``."""

    name: str
    argument: Any = None


ABSENT = Tag("absent")
ANY = Tag("any")


@dataclass(frozen=True, slots=True)
class StepRef:
    """The response (or error value) of an earlier step, optionally a dotted path inside it."""

    step: int
    path: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """What references resolve to while checking live."""

    steps: Sequence[Any]
    """Responses of the steps so far, by position (JSON values)."""
    bindings: Mapping[str, str]


def resolve(expected: Any, context: Context) -> Any:
    """``expected`` with step and id references replaced by their values (matchers kept)."""
    if isinstance(expected, StepRef):
        value = context.steps[expected.step]
        for key in filter(None, expected.path.split(".")):
            value = value[int(key)] if isinstance(value, list) else value[key]
        return value
    if isinstance(expected, Ref):
        return context.bindings.get(expected.name, expected)
    if isinstance(expected, Tag):
        return Tag(expected.name, resolve(expected.argument, context))
    if isinstance(expected, dict):
        return {resolve(k, context): resolve(v, context) for k, v in expected.items()}
    if isinstance(expected, list):
        return [resolve(v, context) for v in expected]
    return expected


def mismatches(expected: Any, actual: Any, context: Context, path: str = "") -> list[str]:
    """Every way ``actual`` fails ``expected`` (empty when it matches)."""
    return _match(resolve(expected, context), actual, path)


_MISSING = object()


def _match(expected: Any, actual: Any, path: str) -> list[str]:
    where = path or "the value"
    if isinstance(expected, Tag):
        return _tag(expected, actual, path)
    if isinstance(expected, dict):
        if not isinstance(actual, Mapping):
            return [f"{where}: expected an object, got {_show(actual)}"]
        found: list[str] = []
        for key, item in expected.items():
            child = _join(path, str(key))
            value = actual.get(key, _MISSING)
            if isinstance(item, Tag) and item.name == "absent":
                if value is not _MISSING:
                    found.append(f"{child}: expected absent, got {_show(value)}")
                continue
            if value is _MISSING:
                found.append(f"{child}: missing")
                continue
            found += _match(item, value, child)
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {_show(actual)}"]
        if len(expected) != len(actual):
            return [f"{where}: expected {len(expected)} items, got {len(actual)}"]
        return [m for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for m in _match(e, a, f"{path}[{i}]")]
    if _equal(expected, actual):
        return []
    return [f"{where}: expected {_show(expected)}, got {_show(actual)}"]


def _tag(tag: Tag, actual: Any, path: str) -> list[str]:
    where = path or "the value"
    name, argument = tag.name, tag.argument
    if name == "any":
        return []
    if name == "regex":
        ok = isinstance(actual, str) and re.fullmatch(str(argument), actual) is not None
        return [] if ok else [f"{where}: {_show(actual)} does not match {argument!r}"]
    if name == "exact":
        keys = set(argument) if isinstance(argument, Mapping) else set()
        extra = sorted(str(k) for k in (actual if isinstance(actual, Mapping) else {}) if k not in keys)
        found = _match(argument, actual, path)
        return found + ([f"{where}: unexpected keys {', '.join(extra)}"] if extra else [])
    if name == "len":
        if not isinstance(actual, list | dict | str):
            return [f"{where}: expected something with a length, got {_show(actual)}"]
        if isinstance(argument, int):
            return [] if len(actual) == argument else [f"{where}: expected length {argument}, got {len(actual)}"]
        low, high = argument.get("min"), argument.get("max")
        if (low is not None and len(actual) < low) or (high is not None and len(actual) > high):
            return [f"{where}: expected length in [{low}, {high}], got {len(actual)}"]
        return []
    if name == "all_of":
        return [m for item in argument for m in _match(item, actual, path)]
    if name == "one_of":
        return [] if any(not _match(item, actual, path) for item in argument) else [f"{where}: none of {argument!r}"]
    if name in ("unordered", "contains"):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {_show(actual)}"]
        if name == "unordered" and len(argument) != len(actual):
            return [f"{where}: expected {len(argument)} items in any order, got {len(actual)}"]
        unused = list(range(len(actual)))
        found = []
        for item in argument:
            hit = next((i for i in unused if not _match(item, actual[i], "")), None)
            if hit is None:
                found.append(f"{where}: no item matches {_show(item)}")
            else:
                unused.remove(hit)
        return found
    raise ValueError(f"unknown matcher !{name}")


def _equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return type(expected) is type(actual) and bool(expected == actual)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
