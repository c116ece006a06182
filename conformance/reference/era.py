"""The Clean Rooms API as it was at one SDK release, for an emulator of an older API (``api_version``).

Everything comes from the one release table (:class:`conformance.model.releases.ModelAt`); nothing here names a
member or a value. For one date it answers which operations exist and which change types, and it compiles, per
operation, a walk over the input and the output shape that does what an implementation of that era would:

* An input member added later is *ignored* (dropped before validation, so it is neither stored nor echoed).
  Smithy's protocol tests say so for servers: "The server should skip over additional fields that are not part
  of the structure. This allows a client generated against a newer Smithy model to be able to communicate with a
  server that is generated against an older Smithy model." (smithy-lang/smithy,
  ``smithy-protocol-tests/model/rpcv2Cbor/cbor-structs.smithy``, RpcV2CborExtraFieldsInTheBodyShouldBeSkippedByServers;
  the same case for rpcv2Json). The restJson1 front of this emulator already ignores unknown members.
* A *union* member added later is refused, as any unknown union member is: "When an unknown union member is
  received, the response should be a 400" (``smithy-aws-protocol-tests/model/restJson1/malformedRequests/
  malformed-union.smithy``, RestJsonMalformedUnionUnknownMember).
* An enum value added later is refused (400, an enum violation), a member required then is required, a list
  cap dropped later applies.
* An output member added later is never sent.

A walk is compiled only for what the date changes, so an operation the table does not touch costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from botocore.model import Shape

from conformance.model.releases import ModelAt
from conformance.model.service import operation, service_model
from conformance.model.violations import Violation, ViolationKind

Walk = Callable[[object, str, list[Violation]], None]
"""Changes ``value`` (found at ``path``) in place and appends what the era refuses in it."""


class Era:
    """What the emulated API has at ``at`` (None: the installed model, where nothing is taken away)."""

    def __init__(self, at: date | None, operations: Iterable[str]) -> None:
        self.at = at
        self.active = at is not None
        model = ModelAt(at)
        self.model = model
        self.label = f"the Clean Rooms API of {at.isoformat()}" if at is not None else "the latest Clean Rooms API"
        self.operations = frozenset(name for name in operations if model.has_operation(name))
        self.change_types = frozenset(model.enum_values("ChangeType", service_model().shape_for("ChangeType").enum))
        self.voting = model.has_operation("UpdateCollaborationChangeRequest")
        """False before UpdateCollaborationChangeRequest existed: nobody can vote on or commit a request."""
        self._inputs: dict[str, Walk] = {}
        self._outputs: dict[str, Walk] = {}
        if self.active:
            for name in self.operations:
                info = operation(name)
                found = _Compiler(model, self.label, for_input=True).compile(info.input_shape)
                if found is not None:
                    self._inputs[name] = found
                found = _Compiler(model, self.label, for_input=False).compile(info.output_shape)
                if found is not None:
                    self._outputs[name] = found

    def adapt_input(self, operation_name: str, params: dict[str, object]) -> list[Violation]:
        """Drop the members ``params`` may not have had then; return what that API would refuse."""
        found: list[Violation] = []
        walk = self._inputs.get(operation_name)
        if walk is not None:
            walk(params, "", found)
        return found

    def adapt_output(self, operation_name: str, body: dict[str, object]) -> None:
        """Drop the output members that API did not have."""
        walk = self._outputs.get(operation_name)
        if walk is not None:
            walk(body, "", [])


class _Compiler:
    """One walk per shape name (memoised, so recursive shapes terminate); None where the era changes nothing."""

    def __init__(self, model: ModelAt, label: str, *, for_input: bool) -> None:
        self.model = model
        self.label = label
        self.for_input = for_input
        self.memo: dict[str, Walk | None] = {}
        self.cells: dict[str, list[Walk]] = {}

    def compile(self, shape: Shape | None) -> Walk | None:
        if shape is None:
            return None
        name = shape.name
        if name in self.memo:
            return self.memo[name]
        if name in self.cells:
            # Reached again while being compiled (a recursive shape): route through the finished walk.
            cell = self.cells[name]
            return lambda value, path, out: cell[0](value, path, out) if cell else None
        self.cells[name] = []
        built = self._build(shape)
        if built is not None:
            self.cells[name].append(built)
        self.memo[name] = built
        return built

    def _build(self, shape: Shape) -> Walk | None:
        kind = shape.type_name
        if kind == "structure" and not shape.metadata.get("document"):
            return self._structure(shape)
        if kind == "list":
            return _each_item(self.compile(shape.member))
        if kind == "map":
            return _each_value(self.compile(shape.value))
        if kind == "string" and self.for_input and shape.enum:
            return self._enum(shape)
        return None

    def _structure(self, shape: Shape) -> Walk | None:
        model, label, shape_name = self.model, self.label, shape.name
        union = bool(shape.metadata.get("union"))
        members = dict(shape.members)
        later = tuple(m for m in members if not model.has_member(shape_name, m))
        children = {
            m: walk for m, member in members.items() if m not in later and (walk := self.compile(member)) is not None
        }
        required_now = set(shape.required_members)
        required = (
            tuple(m for m in members if model.is_required(shape_name, m, m in required_now) and m not in required_now)
            if self.for_input
            else ()
        )
        caps = {m: cap for m in members if (cap := model.item_cap(shape_name, m)) is not None} if self.for_input else {}
        if not (later or children or required or caps):
            return None
        refuse_later = self.for_input and union

        def adapt(value: object, path: str, out: list[Violation]) -> None:
            if not isinstance(value, dict):
                return  # a wrong type is input validation's business
            for member in later:
                if member in value:
                    if refuse_later:
                        message = f"union {shape_name} has no member {member!r} in {label}"
                        out.append(Violation(_join(path, member), ViolationKind.UNKNOWN_MEMBER, message))
                    else:
                        del value[member]
            for member in required:
                if member not in value:
                    message = f"required member {member!r} of {shape_name} is missing (it is required in {label})"
                    out.append(Violation(_join(path, member), ViolationKind.MISSING_REQUIRED, message))
            for member, cap in caps.items():
                items = value.get(member)
                if isinstance(items, list) and len(items) > cap:
                    message = f"expected at most {cap} items, found {len(items)} ({label} caps {member} at {cap})"
                    out.append(Violation(_join(path, member), ViolationKind.ITEM_COUNT, message))
            for member, child in children.items():
                item = value.get(member)
                if item is not None:
                    child(item, _join(path, member), out)

        return adapt

    def _enum(self, shape: Shape) -> Walk | None:
        values = list(shape.enum)
        then = self.model.enum_values(shape.name, values)
        later = frozenset(values) - frozenset(then)
        if not later:
            return None
        expected = f"one of {shape.name} ({', '.join(then)})"
        label = self.label

        def walk(value: object, path: str, out: list[Violation]) -> None:
            if isinstance(value, str) and value in later:  # another type is input validation's business
                message = f"expected {expected}, found {value!r}, which is not in {label}"
                out.append(Violation(path, ViolationKind.ENUM, message))

        return walk


def _each_item(child: Walk | None) -> Walk | None:
    if child is None:
        return None

    def walk(value: object, path: str, out: list[Violation]) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                if item is not None:
                    child(item, f"{path}[{index}]", out)

    return walk


def _each_value(child: Walk | None) -> Walk | None:
    if child is None:
        return None

    def walk(value: object, path: str, out: list[Violation]) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                if item is not None:
                    child(item, f"{path}[{key!r}]", out)

    return walk


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
