"""Checks a value against a botocore shape and reports every violation with its exact path.

Two readings of a value (``wire``):

* ``wire=True`` — the JSON a restJson1 peer put in a body, as :func:`json.loads` returns it: timestamps are
  epoch-second numbers, blobs base64 strings, and members bound to headers/status are not in the body.
* ``wire=False`` — what boto3 parsed: timestamps are timezone-aware datetimes, blobs bytes.

The same walker validates requests in the reference emulator (:func:`check_input`), so it is compiled: each
shape becomes a tree of small closures once (per shape object and mode, cached weakly) and a check is a walk
of closures with no per-call model lookups. This module holds the entry points and chooses the mode; the walker
is :mod:`conformance.model.shape_walk`, the scalar rules and messages :mod:`conformance.model.shape_rules`.
The paths it reports (``changes[0].specification.member``) are
the ``fieldList[].name`` form of a ValidationException.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from botocore.model import Shape

from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.service import operation, service_model
from conformance.model.shape_rules import unknown
from conformance.model.shape_walk import Mode, run
from conformance.model.violations import Violation
from conformance.model.vocabulary import EvidenceLevel

__all__ = ["check_error_body", "check_input", "check_output", "check_shape"]


#: Keys of an error body that name the error for the protocol (SMITHY) rather than carry a member.
_PROTOCOL_KEYS = frozenset({"__type", "code", "Code"})

_OUTPUT_WIRE = Mode(wire=True)
_PARSED = Mode(wire=False)
_INPUT = Mode(wire=True, all_locations=True, ignore_unknown=True, anchored=True)


def check_shape(shape: Shape, value: object, *, wire: bool, path: str = "") -> list[Violation]:
    """Every way ``value`` breaks ``shape`` (see the module docstring for the two modes)."""
    if not wire and not path and isinstance(value, dict) and "ResponseMetadata" in value:
        value = {k: v for k, v in value.items() if k != "ResponseMetadata"}  # boto3 adds it to every output
    return run(shape, _OUTPUT_WIRE if wire else _PARSED, value, path)


def check_output(
    operation_name: str, value: Mapping[str, object], *, wire: bool, at: ModelAt = LATEST_MODEL
) -> list[Violation]:
    """Every way an operation's response (body JSON or parsed dict) breaks its output shape.

    At an older release (``at``, ``--api-version``) a response must conform to the model of that release *or* to
    the installed one, whichever allows more: only a violation under both is reported. A member that was optional
    then is not required (no output member added after 2025-09-03 is required today, but
    ``ProtectedJobParameters.analysisTemplateArn`` became required later), and a member or enum value that came
    later is no fault of an implementation that already returns it.
    """
    shape = operation(operation_name).output_shape
    if shape is None:
        extra = [key for key in value if wire or key != "ResponseMetadata"]
        return [unknown(key, f"{operation_name} has no output") for key in extra]
    found = check_shape(shape, dict(value), wire=wire)
    if not found or at == LATEST_MODEL or not at.has_operation(operation_name):
        return found
    then = at.operation(operation_name).output_shape
    if then is None:
        return found
    also_then = {(v.path, v.kind) for v in check_shape(then, dict(value), wire=wire)}
    return [v for v in found if (v.path, v.kind) in also_then]


def check_input(operation_name: str, params: Mapping[str, object], *, at: ModelAt = LATEST_MODEL) -> list[Violation]:
    """Every way request parameters break the operation's input shape (server-side validation, as of ``at``).

    ``params`` holds every input member by name, whatever its HTTP location, with wire (JSON) values. Unknown
    structure members are ignored, as a restJson1 server ignores them; an unknown union member is reported.
    At an older release, a member added since is such an unknown member, and an enum value added since is no
    value of the enum.
    """
    shape = at.operation(operation_name).input_shape
    if shape is None:
        return []
    return run(shape, _INPUT, dict(params), "")


def check_error_body(error_code: str, body: Mapping[str, object]) -> list[Violation]:
    """Every way a decoded error body breaks the modelled error shape named ``error_code``.

    The protocol's own keys (``__type``, ``code``, ``Code``) are not members and are skipped. ``Message`` is
    what botocore also reads as the message, but the modelled member is ``message``; it is reported as an
    unknown member with inferred evidence. A code that names no modelled error shape (a common AWS error)
    has no body contract here: the result is empty.
    """
    shape = _error_shape(error_code)
    if shape is None:
        return []
    members = shape.members
    found: list[Violation] = []
    cleaned: dict[str, object] = {}
    for key, item in body.items():
        if key == "Message" and key not in members:
            message = (
                f"{shape.name} models 'message' (lowercase); botocore also reads 'Message', "
                "but it is not the modelled member"
            )
            found.append(unknown(key, message, evidence=EvidenceLevel.INFERRED))
        elif key in members or key not in _PROTOCOL_KEYS:
            cleaned[key] = item
    return found + run(shape, _OUTPUT_WIRE, cleaned, "")


@cache
def _error_shape(error_code: str) -> Shape | None:
    model = service_model()
    if error_code not in model.shape_names:
        return None
    shape = model.shape_for(error_code)
    return shape if shape.metadata.get("exception") else None
