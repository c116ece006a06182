"""Constraint sites: every place in a concrete parameter value where a model constraint applies.

Walking a value together with its shape yields one :class:`Site` per member present, list item, map value and
map key, with the shape that governs it and where it travels on the wire (path, query or body). The systematic
generators break or stretch the constraint at each site; the shape checker's spelling of the path (``text``)
ties a planted violation to what a checker or a ValidationException reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape

from conformance.fuzz.paths import KeyOf, Path, join_entry, join_index, join_member

#: The location of members bound to the URI path (the others: ``querystring``, ``header``, or the body).
URI = "uri"


@dataclass(frozen=True, slots=True)
class Site:
    """One place in a value and the shape that constrains it."""

    path: Path
    text: str
    """The path as the shape checker spells it (``members[0].displayName``)."""
    shape: Shape
    holder: Shape | None = None
    """The structure whose member this is (None for list items, map entries and map keys)."""
    member: str | None = None
    location: str | None = None
    """``uri``/``querystring``/``header`` for members bound outside the body, None for body members."""
    is_key: bool = False
    field: str = ""
    """The nearest structure member on the path (``tags`` for an entry of the ``tags`` map): the name a
    person, or a ValidationException, would use for this place."""

    @property
    def required(self) -> bool:
        holder = self.holder
        return holder is not None and self.member in holder.required_members and not holder.metadata.get("union")

    @property
    def in_body(self) -> bool:
        return self.location is None

    @property
    def name(self) -> str:
        """The member name a person would look for in an error (the nearest structure member)."""
        return self.field


def walk(shape: Shape, value: Any) -> Iterator[Site]:
    """Every site inside ``value`` (the value itself excluded), parents before children."""
    yield from _walk(shape, value, (), "", None, "")


def _walk(shape: Shape, value: Any, path: Path, text: str, location: str | None, field: str) -> Iterator[Site]:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.metadata.get("document"):
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                continue
            where = location if path else member.serialization.get("location")
            child_path, child_text = (*path, name), join_member(text, name)
            yield Site(child_path, child_text, member, shape, name, where, field=name)
            yield from _walk(member, item, child_path, child_text, where, name)
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            child_path, child_text = (*path, index), join_index(text, index)
            yield Site(child_path, child_text, shape.member, location=location, field=field)
            yield from _walk(shape.member, item, child_path, child_text, location, field)
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            entry_text = join_entry(text, str(key))
            yield Site((*path, KeyOf(str(key))), entry_text, shape.key, location=location, is_key=True, field=field)
            yield Site((*path, str(key)), entry_text, shape.value, location=location, field=field)
            yield from _walk(shape.value, item, (*path, str(key)), entry_text, location, field)
