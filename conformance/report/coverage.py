"""Model coverage: which operations, error shapes, enum values and constrained inputs a run exercised.

Everything is read back from what the checks sent and received (request parameters, response status,
error type and body), walked against the operation's shapes, so the numbers describe the run, not the
scenario files. A constrained member counts as exercised when a value for it was sent; ``violated`` says a
value breaking the constraint was sent too (a negative test), as judged by the model's own checker
(:func:`conformance.model.shapecheck.check_shape`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from botocore.model import Shape

from conformance.model.service import operation
from conformance.model.shapecheck import check_shape
from conformance.model.violations import ViolationKind

from .exchanges import error_code
from .families import family_order, operation_family
from .records import CheckRecord
from .results import Results

_CONSTRAINT_KINDS = frozenset(
    {
        ViolationKind.LENGTH,
        ViolationKind.RANGE,
        ViolationKind.ITEM_COUNT,
        ViolationKind.PATTERN,
        ViolationKind.ENUM,
    }
)


@dataclass(frozen=True, slots=True)
class CoverageItem:
    """One thing the model declares, and whether the run exercised it."""

    group: str
    """operations: the family; errors and constraints: the operation; enum values: the enum shape."""
    name: str
    """The operation, error shape, enum value or member path (``members[].displayName``, ``tags{key}``)."""
    exercised: bool
    detail: str = ""
    violated: bool = False
    """Constraints only: a value breaking the constraint was sent."""


@dataclass(frozen=True, slots=True)
class CoverageGroup:
    """The items of one group (an operation, a family or an enum shape), in model order."""

    name: str
    items: tuple[CoverageItem, ...]

    @property
    def exercised(self) -> tuple[CoverageItem, ...]:
        return tuple(i for i in self.items if i.exercised)

    @property
    def missing(self) -> tuple[CoverageItem, ...]:
        return tuple(i for i in self.items if not i.exercised)

    @property
    def detail(self) -> str:
        """The detail every item shares (an enum's users), said once for the group; else empty."""
        details = {i.detail for i in self.items}
        return details.pop() if len(details) == 1 and len(self.items) > 1 else ""


@dataclass(frozen=True, slots=True)
class CoverageSection:
    title: str
    items: tuple[CoverageItem, ...]
    group_label: str = "group"
    """What the items' ``group`` is in this section (``family``, ``operation``, ``enum``)."""

    @property
    def groups(self) -> tuple[CoverageGroup, ...]:
        grouped: dict[str, list[CoverageItem]] = {}
        for item in self.items:
            grouped.setdefault(item.group, []).append(item)
        return tuple(CoverageGroup(name, tuple(items)) for name, items in grouped.items())

    @property
    def exercised(self) -> int:
        return sum(1 for i in self.items if i.exercised)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def missing(self) -> tuple[CoverageItem, ...]:
        return tuple(i for i in self.items if not i.exercised)


@dataclass(frozen=True, slots=True)
class Coverage:
    operations: CoverageSection
    errors: CoverageSection
    enums: CoverageSection
    constraints: CoverageSection

    @property
    def sections(self) -> tuple[CoverageSection, ...]:
        return (self.operations, self.errors, self.enums, self.constraints)


@dataclass(frozen=True, slots=True)
class _Constraint:
    path: str
    detail: str
    shape: Shape


@dataclass(slots=True)
class _Seen:
    """What the checks exercised, filled while walking requests and responses."""

    operations: set[str] = field(default_factory=set)
    errors: set[tuple[str, str]] = field(default_factory=set)
    enum_values: set[tuple[str, str]] = field(default_factory=set)
    constrained: set[tuple[str, str]] = field(default_factory=set)
    violated: set[tuple[str, str]] = field(default_factory=set)


def coverage(results: Results, operations: Iterable[str]) -> Coverage:
    """Coverage of ``operations`` (model names) by the checks of ``results``."""
    ops = tuple(dict.fromkeys(operations))
    seen = _Seen()
    wanted = set(ops)
    for check in results.checks:
        if check.operation in wanted and _sent(check):
            _observe(check, check.operation, seen)
    return Coverage(
        operations=CoverageSection(
            "Operations",
            tuple(
                CoverageItem(operation_family(op), op, op in seen.operations)
                for op in sorted(ops, key=lambda o: (family_order(operation_family(o)), ops.index(o)))
            ),
            "family",
        ),
        errors=CoverageSection(
            "Error shapes",
            tuple(
                CoverageItem(op, name, (op, name) in seen.errors, f"HTTP {status}")
                for op in ops
                for name, status in operation(op).errors.items()
            ),
            "operation",
        ),
        enums=CoverageSection("Enum values", _enum_items(ops, seen), "enum"),
        constraints=CoverageSection(
            "Constrained input members",
            tuple(
                CoverageItem(op, c.path, (op, c.path) in seen.constrained, c.detail, (op, c.path) in seen.violated)
                for op in ops
                for c in _constraints(op)
            ),
            "operation",
        ),
    )


def _sent(check: CheckRecord) -> bool:
    return check.response is not None or bool(check.request and check.request.get("method"))


def _observe(check: CheckRecord, op: str, seen: _Seen) -> None:
    info = operation(op)
    seen.operations.add(op)
    params = check.request.get("params") if check.request else None
    if isinstance(params, Mapping):
        constraints = {c.path: c for c in _constraints(op)}
        for path, shape, value in _walk(info.input_shape, params, "", by_wire_name=False):
            _note_enum(shape, value, seen)
            if path in constraints:
                seen.constrained.add((op, path))
                if _violates(shape, value):
                    seen.violated.add((op, path))
    response = check.response
    if not response:
        return
    code = error_code(response)
    body = response.get("body")
    if code is None:
        shape = info.output_shape
    else:
        if code in info.errors:
            seen.errors.add((op, code))
        shape = next((s for s in info.model.error_shapes if s.name == code), None)
    if isinstance(body, Mapping):
        for _, member_shape, value in _walk(shape, body, "", by_wire_name=True):
            _note_enum(member_shape, value, seen)


def _note_enum(shape: Shape, value: Any, seen: _Seen) -> None:
    enum = getattr(shape, "enum", None)
    if enum and isinstance(value, str) and value in enum:
        seen.enum_values.add((shape.name, value))


def _walk(shape: Shape | None, value: Any, path: str, *, by_wire_name: bool) -> Iterator[tuple[str, Shape, Any]]:
    """(member path, shape, value) for every value present, outermost first."""
    if shape is None:
        return
    if path:
        yield path, shape, value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        for name, member in shape.members.items():
            key = member.serialization.get("name", name) if by_wire_name else name
            if key in value:
                yield from _walk(member, value[key], _join(path, name), by_wire_name=by_wire_name)
            elif by_wire_name and name in value:
                yield from _walk(member, value[name], _join(path, name), by_wire_name=by_wire_name)
    elif kind == "list" and isinstance(value, list):
        for item in value:
            yield from _walk(shape.member, item, f"{path}[]", by_wire_name=by_wire_name)
    elif kind == "map" and isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(shape.key, key, f"{path}{{key}}", by_wire_name=by_wire_name)
            yield from _walk(shape.value, item, f"{path}{{value}}", by_wire_name=by_wire_name)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@cache
def _constraints(op: str) -> tuple[_Constraint, ...]:
    """Every input member path of ``op`` that carries a length, range, pattern, enum or item-count rule."""
    found: list[_Constraint] = []

    def visit(shape: Shape, path: str, stack: tuple[str, ...]) -> None:
        if shape.name in stack:  # recursive shapes: one expansion is enough for coverage
            return
        stack = (*stack, shape.name)
        detail = _describe(shape)
        if path and detail:
            found.append(_Constraint(path, detail, shape))
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                visit(member, _join(path, name), stack)
        elif shape.type_name == "list":
            visit(shape.member, f"{path}[]", stack)
        elif shape.type_name == "map":
            visit(shape.key, f"{path}{{key}}", stack)
            visit(shape.value, f"{path}{{value}}", stack)

    shape = operation(op).input_shape
    if shape is not None:
        visit(shape, "", ())
    return tuple(found)


def _describe(shape: Shape) -> str:
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    parts: list[str] = []
    if low not in (None, 0) or high is not None:
        bounds = f"{low}" if low == high else f"{low if low is not None else 0}..{high if high is not None else '∞'}"
        label = {"string": "len", "list": "items", "map": "items"}.get(shape.type_name, "range")
        parts.append(f"{label} {bounds}")
    if meta.get("pattern"):
        parts.append("pattern")
    enum = getattr(shape, "enum", None)
    if enum:
        parts.append(f"enum ({len(enum)})")
    return ", ".join(parts)


def _violates(shape: Shape, value: Any) -> bool:
    # Only the member's own rules count here; its nested members are constrained items of their own.
    return any(v.path == "" and v.kind in _CONSTRAINT_KINDS for v in check_shape(shape, value, wire=True))


def _enum_items(ops: tuple[str, ...], seen: _Seen) -> tuple[CoverageItem, ...]:
    users: dict[str, tuple[Shape, list[str]]] = {}

    def visit(shape: Shape | None, owner: str, path: str, stack: tuple[str, ...]) -> None:
        if shape is None or shape.name in stack:
            return
        stack = (*stack, shape.name)
        if getattr(shape, "enum", None):
            entry = users.setdefault(shape.name, (shape, []))
            if f"{owner}: {path}" not in entry[1]:
                entry[1].append(f"{owner}: {path}")
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                visit(member, owner, _join(path, name), stack)
        elif shape.type_name == "list":
            visit(shape.member, owner, f"{path}[]", stack)
        elif shape.type_name == "map":
            visit(shape.key, owner, f"{path}{{key}}", stack)
            visit(shape.value, owner, f"{path}{{value}}", stack)

    for op in ops:
        info = operation(op)
        visit(info.input_shape, f"{op} input", "", ())
        visit(info.output_shape, f"{op} output", "", ())
        for error in info.model.error_shapes:
            visit(error, error.name, "", ())
    items: list[CoverageItem] = []
    for name, (shape, where) in users.items():
        detail = "; ".join(where[:3]) + (f"; and {len(where) - 3} more" if len(where) > 3 else "")
        items.extend(CoverageItem(name, value, (name, value) in seen.enum_values, detail) for value in shape.enum)
    return tuple(items)
