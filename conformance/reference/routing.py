"""Routes and request parsing, derived from the service model.

Every operation's method and ``requestUri`` template come from :func:`conformance.model.service.operation`, and
the operations served are those of the operation families (:mod:`conformance.model.families`);
its members are read by their ``location`` (uri / querystring / body) and ``locationName``. Routes of all
model operations are compiled once, so a request for an operation the emulator does not implement can still
be named in the 404. Query and path strings are converted to the member's type; when a conversion fails the
raw string is kept, so input validation reports it as the wrong type instead of the parser guessing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from botocore.model import Shape

from conformance.model.families import OPERATIONS
from conformance.model.service import operation, operation_names
from conformance.reference.errors import unknown_operation

_LABEL = re.compile(r"\{([^}]+)\}")
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)


@dataclass(frozen=True, slots=True)
class _QueryMember:
    key: str
    """The query parameter name (``locationName``)."""
    member: str
    shape: Shape


@dataclass(frozen=True, slots=True)
class Route:
    """One model operation's HTTP binding, compiled for matching and parsing."""

    operation: str
    method: str
    template: str
    implemented: bool
    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    """The member name bound to each path label, in the order of the pattern's groups."""
    literals: int
    """How many path segments are literal; the most literal route wins when several match."""
    query: tuple[_QueryMember, ...]
    body: Mapping[str, Shape]
    """JSON key → member shape for the members carried in the JSON body (empty: the body is ignored)."""


@dataclass(frozen=True, slots=True)
class Match:
    route: Route
    path_values: tuple[str, ...]


class Router:
    """Finds the operation for a method and path; builds the operation's input parameters."""

    def __init__(self, implemented: Collection[str], unavailable: Mapping[str, str] | None = None) -> None:
        """Compile every model operation's route; serve ``implemented`` (each of a family of the registry).

        ``unavailable``: operation → why it is not served, for the 404 (e.g. not in an older API). An operation
        outside every family would be served but neither fuzzed, reported by family, nor tracked on real AWS, so
        it is refused here: a new family starts with its descriptor.
        """
        undeclared = sorted(set(implemented) - set(OPERATIONS))
        if undeclared:
            raise ValueError(
                f"{', '.join(undeclared)}: not an operation of any family; declare it in conformance/model/families.py "
                "(docs/adding-an-operation-family.md)"
            )
        self._unavailable = dict(unavailable or {})
        self._by_shape: dict[tuple[str, int], list[Route]] = {}
        for name in operation_names():
            route = _compile(name, name in implemented)
            key = (route.method, route.template.count("/"))
            self._by_shape.setdefault(key, []).append(route)
        for routes in self._by_shape.values():
            routes.sort(key=lambda r: -r.literals)
        self._methods = sorted({method for method, _ in self._by_shape})

    def resolve(self, method: str, path: str) -> Match:
        """The implemented operation serving ``method path``, else 404 UnknownOperationException."""
        depth = path.count("/")
        found = self._match(method, depth, path)
        if found is not None and found.route.implemented:
            return found
        if found is not None:
            route = found.route
            why = self._unavailable.get(route.operation, "The reference emulator does not implement the operation")
            raise unknown_operation(f"{why} {route.operation} ({route.method} {route.template})")
        elsewhere = [m.route for m in (self._match(other, depth, path) for other in self._methods) if m is not None]
        if elsewhere:
            known = ", ".join(f"{r.method} ({r.operation})" for r in elsewhere)
            raise unknown_operation(
                f"The reference emulator does not implement {method} {path}: no Clean Rooms operation takes "
                f"{method} there (this path takes {known})"
            )
        raise unknown_operation(
            f"The reference emulator does not implement {method} {path}: no Clean Rooms operation matches it"
        )

    def _match(self, method: str, depth: int, path: str) -> Match | None:
        for route in self._by_shape.get((method, depth), ()):
            found = route.pattern.fullmatch(path)
            if found is not None:
                return Match(route, found.groups())
        return None


def build_params(match: Match, query: str, body: Mapping[str, Any] | None) -> dict[str, Any]:
    """Input parameters by member name, from the path, the query string and the decoded JSON body."""
    route = match.route
    params: dict[str, Any] = {
        member: unquote(value, errors="replace") for member, value in zip(route.labels, match.path_values, strict=True)
    }
    if query and route.query:
        values = parse_qs(query, keep_blank_values=True)
        for spec in route.query:
            given = values.get(spec.key)
            if given is not None:
                params[spec.member] = _from_query(spec.shape, given)
    if body and route.body:
        for key, value in body.items():
            shape = route.body.get(key)
            if shape is not None:
                # A restJson1 server ignores unknown members; dropping them here keeps them out of the store
                # and therefore out of every echoed response.
                params[key] = known_members(shape, value)
    return params


def known_members(shape: Shape, value: Any) -> Any:
    """``value`` without structure members the model does not know; anything else is left for validation."""
    if isinstance(value, dict):
        kind = shape.type_name
        if kind == "structure":
            members = _members(shape)
            if shape.metadata.get("union"):
                # An unknown union member is an error the validator must see, so it stays.
                return {k: known_members(members[k], v) if k in members else v for k, v in value.items()}
            return {k: known_members(members[k], v) for k, v in value.items() if k in members}
        if kind == "map":
            item = _members(shape)["value"]
            return {k: known_members(item, v) for k, v in value.items()}
    elif isinstance(value, list) and shape.type_name == "list":
        item = _members(shape)["member"]
        return [known_members(item, v) for v in value]
    return value


_RESOLVED: dict[str, Mapping[str, Shape]] = {}


def _members(shape: Shape) -> Mapping[str, Shape]:
    """A structure's members, or a list's ``member`` / a map's ``value``, resolved once per shape name.

    botocore builds new Shape objects on every ``members``/``member`` access, so caching by object would
    grow without bound and re-resolving costs microseconds per request; shape names are stable.
    """
    found = _RESOLVED.get(shape.name)
    if found is None:
        kind = shape.type_name
        if kind == "structure":
            found = dict(shape.members)
        elif kind == "list":
            found = {"member": shape.member}
        else:
            found = {"value": shape.value}
        _RESOLVED[shape.name] = found
    return found


def _from_query(shape: Shape, values: list[str]) -> Any:
    if shape.type_name == "list":
        return [_convert(shape.member, v) for v in values]
    return _convert(shape, values[0])


def _convert(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long") and _INTEGER.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # more digits than int() accepts from a string: leave it for validation
            return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _compile(name: str, implemented: bool) -> Route:
    info = operation(name)
    shape = info.input_shape
    members = _members(shape) if shape is not None else {}
    uri_members = {
        member.serialization.get("name", member_name): member_name
        for member_name, member in members.items()
        if member.serialization.get("location") == "uri"
    }
    template = info.request_uri
    labels: list[str] = []
    parts: list[str] = []
    literals = 0
    for segment in template.split("/"):
        label = _LABEL.fullmatch(segment)
        if label is None:
            parts.append(re.escape(segment))
            literals += 1 if segment else 0
            continue
        key = label.group(1)
        greedy = key.endswith("+")  # {name+} spans segments (no family's operation has one today)
        key = key.rstrip("+")
        labels.append(uri_members.get(key, key))
        # Empty labels still match, so a missing identifier is reported by validation (400), not as 404.
        parts.append("(.*)" if greedy else "([^/]*)")
    query = tuple(
        _QueryMember(member.serialization.get("name", member_name), member_name, member)
        for member_name, member in members.items()
        if member.serialization.get("location") == "querystring"
    )
    body = {member_name: member for member_name, member in members.items() if not member.serialization.get("location")}
    return Route(
        operation=name,
        method=info.http_method,
        template=template,
        implemented=implemented,
        pattern=re.compile("/".join(parts)),
        labels=tuple(labels),
        literals=literals,
        query=query,
        body=body,
    )
