"""The properties every fuzzed call is held to, as functions from a call's result to its problems.

* A valid input gets a success that fits the output shape; never a server fault, never a body that breaks the
  model, and never a refusal unless the variant's plan says why one is an expected answer (:class:`Planned`: a
  caller without standing, an id that exists nowhere, a rule of the spec beyond the model). An unplanned
  refusal is ``rejected-valid``: ``documented`` for 403/404 (the standing caller, on what it made, §7),
  ``inferred`` for other refusals (a service may have rules the suite does not know of: A7, A10-A12).
* An input that breaks one constraint gets 400 ValidationException (SerializationException is also right for
  a wrong JSON type or a malformed union, as restJson1 servers answer those while decoding) naming the field.
* Every error names an error type the operation declares or a common AWS error; an error with no type, or an
  HTML/plain-text page, is a routing miss.

Whether a target implements an operation at all is decided first, by the same rule the scenario runner uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.model.exchange import CallResult, read_json
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.shapecheck import check_output
from conformance.model.violations import ViolationKind
from conformance.model.vocabulary import EvidenceLevel
from conformance.model.wire import check_wire
from conformance.model.wire import unsupported_reason as wire_unsupported_reason

#: Constraint kinds that a restJson1 server may refuse while decoding the body, before model validation.
DECODING_KINDS = frozenset({"wrong-type", "two-union-members", "zero-union-members"})
_REFUSAL_CODES = frozenset({"ValidationException"})
_DECODING_CODES = frozenset({"ValidationException", "SerializationException"})


@dataclass(frozen=True, slots=True)
class Planned:
    """Why a refusal is an expected answer to a valid input, and which refusals answer it."""

    reason: str
    codes: frozenset[str] = frozenset()
    """The error codes that are an expected answer; empty: any declared (or common) error."""

    def allows(self, code: str | None) -> bool:
        return code is not None and (not self.codes or code in self.codes)

    def __or__(self, other: Planned | None) -> Planned:
        if other is None:
            return self
        codes = frozenset() if not self.codes or not other.codes else self.codes | other.codes
        return Planned(f"{self.reason}; {other.reason}", codes)


#: Refusals that say the resource is not there for this caller (§7, A16).
STANDING_CODES = frozenset({"AccessDeniedException", "ResourceNotFoundException"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One property a call broke."""

    kind: str
    """``accepted-invalid``, ``wrong-refusal``, ``field-not-named``, ``server-error``, ``rejected-valid``,
    ``shape``, ``wire``, ``transport``, ``state-changed``, ``echo``, ``read-consistency``, ``model-mismatch``."""
    message: str
    level: EvidenceLevel = EvidenceLevel.MODEL
    source: str = "MODEL"
    path: str = ""

    def __str__(self) -> str:
        return f"[{self.kind}, {self.level}] {self.path + ': ' if self.path else ''}{self.message}"


def unsupported_reason(result: CallResult) -> str | None:
    """Why the answer says the target lacks the operation, or None (the model layer's one rule)."""
    exchange = result.exchange
    headers = exchange.response_headers if exchange is not None else {}
    body = exchange.response_body if exchange is not None else b""
    return wire_unsupported_reason(result.status, result.error_code, headers, body)


def model_problems(operation_name: str, result: CallResult, *, at: ModelAt = LATEST_MODEL) -> list[Problem]:
    """The wire and output-shape rules (of the model at ``at``), on the raw exchange (as the scenario runner does)."""
    exchange = result.exchange
    if exchange is None or not exchange.status:
        return []
    problems = [
        Problem("wire", v.message, _level(v.evidence), "SMITHY" if v.kind in _SMITHY_KINDS else "MODEL", v.path)
        for v in check_wire(operation_name, exchange.status, exchange.response_headers, exchange.response_body)
    ]
    if 200 <= exchange.status < 300:
        # An empty success body is the empty object on the wire: it lacks every required output member.
        body = exchange.response_body
        document = _json(body) if body.strip() else {}
        if isinstance(document, dict):
            seen = {p.message for p in problems}
            problems += [
                Problem("shape", v.message, _level(v.evidence), "MODEL", v.path)
                for v in check_output(operation_name, document, wire=True, at=at)
                if v.message not in seen
            ]
    return problems


_SMITHY_KINDS = frozenset({ViolationKind.ERROR_TYPE, ViolationKind.BODY, ViolationKind.TIMESTAMP})


def transport_problem(result: CallResult) -> Problem | None:
    if result.transport_error is None:
        return None
    return Problem("transport", result.transport_error)


def judge_valid(
    operation_name: str,
    result: CallResult,
    *,
    opaque: bool = False,
    planned: Planned | None = None,
    at: ModelAt = LATEST_MODEL,
) -> list[Problem]:
    """Problems of the answer to a valid input.

    ``opaque`` when it carries a made-up server token (A15: a ValidationException is then right); ``planned``
    when its plan says why a refusal is an expected answer. Any other refusal is ``rejected-valid``.
    """
    broke = transport_problem(result)
    if broke is not None:
        return [broke]
    problems: list[Problem] = []
    status, code = result.status, result.error_code
    refused = code is not None or not 200 <= status < 300
    if status >= 500:
        said = f" {code}" if code else ""
        problems.append(Problem("server-error", f"a valid input got HTTP {status}{said}: a server fault"))
    elif not refused or (planned is not None and planned.allows(code)):
        pass
    elif opaque and code == "ValidationException":
        pass  # A15: a token the service never issued is rightly refused
    else:
        problems.append(_rejected(result, planned))
    return problems + model_problems(operation_name, result, at=at)


def _rejected(result: CallResult, planned: Planned | None) -> Problem:
    status, code = result.status, result.error_code
    said = f"HTTP {status} {code or ''}".rstrip()
    reason = _error_member(result, "reason")
    if code == "ValidationException" and reason == "FIELD_VALIDATION_FAILED":
        message = (
            "a valid input (it satisfies every model constraint) was refused with FIELD_VALIDATION_FAILED: "
            f"{_error_member(result, 'message') or ''}".rstrip(": ")
        )
        return Problem("rejected-valid", message, EvidenceLevel.INFERRED, "MODEL")
    expected = f" (the plan expects only {' or '.join(sorted(planned.codes))}: {planned.reason})" if planned else ""
    if code in STANDING_CODES:
        # The caller made (or was given standing in) what it names: the refusal denies what §7 grants.
        message = f"a valid input by a caller with standing was refused with {said}{expected}"
        return Problem("rejected-valid", message, EvidenceLevel.DOCUMENTED, "MODEL, UG-MANAGE, UG-JOIN")
    message = f"a valid input was refused with {said}{expected}; no rule the suite knows of refuses it"
    return Problem("rejected-valid", message, EvidenceLevel.INFERRED, "MODEL")


def judge_invalid(
    operation_name: str,
    result: CallResult,
    *,
    kind: str,
    path: str,
    member: str,
    level: EvidenceLevel = EvidenceLevel.MODEL,
    at: ModelAt = LATEST_MODEL,
) -> list[Problem]:
    """Problems of the answer to an input that breaks the constraint ``kind`` at ``path``.

    ``level`` is how firmly the input is invalid: ``inferred`` for a value that breaks its pattern only under the
    anchored reading. Smithy's own reading accepts it (SMITHY-C), so both answers are defensible (A14): taking it
    is no failure, and a refusal must still be a proper one.
    """
    broke = transport_problem(result)
    if broke is not None:
        return [broke]
    problems: list[Problem] = []
    status, code = result.status, result.error_code
    allowed = _DECODING_CODES if kind in DECODING_KINDS else _REFUSAL_CODES
    source = "MODEL" if level == "model" else "SMITHY-C, A14"
    if code is None and 200 <= status < 300:
        if level == "inferred":
            return model_problems(operation_name, result, at=at)
        message = f"an input breaking {kind} at {path} was accepted (HTTP {status})"
        problems.append(Problem("accepted-invalid", message, level, source, path))
    elif status != 400 or code not in allowed:
        wanted = " or ".join(sorted(allowed))
        message = f"an input breaking {kind} at {path} must get 400 {wanted}, got HTTP {status} {code or ''}".rstrip()
        # A server fault is one whatever reading the input is invalid under.
        firm = level if status < 500 else EvidenceLevel.MODEL
        problems.append(Problem("wrong-refusal", message, firm, "MODEL" if firm == "model" else source, path))
    elif code == "ValidationException":
        reason = _error_member(result, "reason")
        if reason is not None and reason != "FIELD_VALIDATION_FAILED":
            # §6 [inference]: a model constraint failure is FIELD_VALIDATION_FAILED; another reason means the
            # request was refused for something else, and the broken constraint may not be checked at all.
            message = f"the ValidationException for {kind} at {path} gives reason {reason}, not FIELD_VALIDATION_FAILED"
            problems.append(Problem("wrong-reason", message, EvidenceLevel.INFERRED, "MODEL", path))
        elif member and not _names(result, member):
            message = f"the ValidationException for {kind} at {path} names no field {member!r} (fieldList or message)"
            problems.append(Problem("field-not-named", message, EvidenceLevel.INFERRED, "MODEL, A13", path))
    return problems + model_problems(operation_name, result, at=at)


def _names(result: CallResult, member: str) -> bool:
    fields = _error_member(result, "fieldList")
    if isinstance(fields, list):
        for entry in fields:
            if isinstance(entry, Mapping) and member in str(entry.get("name", "")):
                return True
    message = _error_member(result, "message")
    return isinstance(message, str) and member in message


def _error_member(result: CallResult, name: str) -> Any:
    """A member of the error body as sent (botocore drops members of errors it does not model)."""
    exchange = result.exchange
    if exchange is not None:
        document = _json(exchange.response_body)
        if isinstance(document, dict):
            return document.get(name, document.get(name.capitalize()) if name == "message" else None)
    error = result.error or {}
    if name == "message":
        return (error.get("Error") or {}).get("Message")
    return error.get(name)


def _json(body: bytes) -> Any:
    try:
        return read_json(body)
    except ValueError:
        return None


def _level(evidence: str) -> EvidenceLevel:
    return EvidenceLevel.MODEL if evidence == EvidenceLevel.MODEL else EvidenceLevel.INFERRED
