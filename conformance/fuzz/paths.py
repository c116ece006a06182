"""Member paths inside a parameter value: spelling them like the shape checker, reading and editing at them.

A path is a tuple of keys: a structure member or map key (``str``), a list index (``int``) or :class:`KeyOf`
(the key itself of a map entry, for constraints on map keys). The ``join_*`` helpers spell a path the way
:mod:`conformance.model.shapecheck` reports violations (``members[0].displayName``, ``tags['k']``), so a
planted violation can be matched against what the checker finds and against a ValidationException's
``fieldList``; only a walker that knows the shapes can tell a map key from a member, so it builds the text.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from conformance.fuzz.refs import Ref


@dataclass(frozen=True, slots=True)
class KeyOf:
    """The key of the map entry ``key`` (a site for the map's key constraints)."""

    key: str


PathKey = str | int | KeyOf
Path = tuple[PathKey, ...]


def join_member(text: str, name: str) -> str:
    """``text`` followed by the structure member ``name`` (the shape checker's spelling)."""
    return f"{text}.{name}" if text else name


def join_index(text: str, index: int) -> str:
    return f"{text}[{index}]"


def join_entry(text: str, key: str) -> str:
    """``text`` followed by the map entry ``key``: ``tags['k']``."""
    return f"{text}[{quote(key)}]"


def get_at(value: Any, path: Path) -> Any:
    for key in path:
        if isinstance(key, KeyOf):
            return key.key
        value = value[key]
    return value


def replace_at(value: Any, path: Path, new: Any) -> Any:
    """A deep copy of ``value`` with the item at ``path`` replaced (a :class:`KeyOf` renames the entry)."""
    copied = _copy(value)
    if not path:
        return new
    parent = get_at(copied, path[:-1])
    last = path[-1]
    if isinstance(last, KeyOf):
        parent[new] = parent.pop(last.key)
    else:
        parent[last] = new
    return copied


def delete_at(value: Any, path: Path) -> Any:
    """A deep copy of ``value`` without the member at ``path``."""
    copied = _copy(value)
    parent = get_at(copied, path[:-1])
    del parent[path[-1]]
    return copied


def _copy(value: Any) -> Any:
    # References are immutable values; deepcopy would copy them needlessly but correctly.
    return copy.deepcopy(value, memo={id(ref): ref for ref in _refs(value)})


def _refs(value: Any) -> list[Ref]:
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in _refs(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _refs(item)]
    return []


def quote(key: object) -> str:
    text = str(key).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"
