"""The checks each schemathesis response goes through, and the evidence level of a failed one.

Checks run, and why the others are left out:

* ``not_a_server_error``, ``status_code_conformance``, ``content_type_conformance``,
  ``response_headers_conformance``, ``response_schema_conformance``: the model defines statuses, bodies and
  (through restJson1) the JSON content type.
* ``negative_data_rejection``: an input the schema rejects must get a 4xx.
* :func:`positive_data_not_field_refused` instead of ``positive_data_acceptance``: the service may refuse
  model-valid input for reasons the model cannot express (400 INVALID_CONFIGURATION: an analytics engine no
  longer offered, the creator listed as a member, A11/A12), so only a *field-validation* refusal of valid data
  is a failure.
* Patterns: the document's request schemas read them anchored, its response schemas as Smithy does
  (:mod:`conformance.model.openapi`), so positive cases match whole (a strict server accepts them too) and a
  response value that matches only somewhere conforms. A negative case whose only broken constraints are patterns
  that match somewhere (Smithy's reading accepts the value, SMITHY-C) may be accepted: both answers are
  defensible there (A14, :func:`failure_level`).
* The document is the one of the campaign's release (``--api-version``): operations, members and enum values of
  that model only.
* Left out: ``unsupported_method`` and ``allow_header_conformance`` (AWS front doors answer an unknown method
  with an UnknownOperation error, not 405 with ``Allow``); ``ignored_auth`` (it sends requests without
  credentials; emulators take the caller from the access key and need not check signatures, and IAM is not
  part of the model); ``missing_required_header`` (the model has no required headers); ``use_after_free``,
  ``ensure_resource_availability`` and ``object_level_authorization`` (stateful and multi-user checks: the
  stateful fuzzer and the scenarios cover lifecycles and A16 with the spec's own rules); ``max_response_time``
  (no latency contract).
"""

from __future__ import annotations

from typing import Any

from botocore.model import Shape
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conformance.fuzz.seeds import OPAQUE_MEMBERS
from conformance.model.exchange import read_json
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.shapecheck import check_input
from conformance.model.vocabulary import EvidenceLevel


def positive_data_not_field_refused(ctx: Any, response: Any, case: Any) -> bool | None:
    """Valid data (by the schema) may be refused, but not with a field-validation error."""
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode is None or not mode.is_positive or response.status_code != 400:
        return None
    try:
        body = read_json(response.content or b"{}")
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("reason") == "FIELD_VALIDATION_FAILED":
        fields = {str(f.get("name", "")) for f in body.get("fieldList") or () if isinstance(f, dict)}
        if fields and fields <= OPAQUE_MEMBERS:
            return None  # a made-up pagination token is rightly refused (A15)
        raise AssertionError(
            f"valid data (by the model) was refused with FIELD_VALIDATION_FAILED: {body.get('message', '')}"
        )
    return None


CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_not_field_refused,
)


def engaged(status: int, body: bytes) -> bool:
    """Whether an answer to valid data shows the target judged the request: a success, or a semantic refusal.

    Random valid data for a change request mostly breaks rules the model cannot express, and the service refuses
    it with 400 INVALID_CONFIGURATION or 409 (§3, A10-A12): a correct answer. A constant 403, 404 or bare 400
    is not one, so a check in which every answer was of that kind is not a PASS.
    """
    if 200 <= status < 300 or status == 409:
        return True
    if status != 400:
        return False
    try:
        document = read_json(body)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("reason") == "INVALID_CONFIGURATION"


def failure_level(
    name: str, case: Any, exc: BaseException, *, mode: GenerationMode, at: ModelAt = LATEST_MODEL
) -> EvidenceLevel:
    """``inferred`` when the only failure is an accepted negative case that breaks nothing but anchored patterns.

    Schemathesis builds negative cases from the anchored request schemas, so a value that matches its pattern
    somewhere (``'   '`` for ``keyPrefix``) is negative data to it, while Smithy's reading accepts it: accepting
    such a case departs only from the suite's best reading (A14), which accepts both answers, so the caller counts
    it as passed. The model checker of the release tells the two apart.
    """
    failures = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    if mode is not GenerationMode.NEGATIVE or not all(isinstance(f, AcceptedNegativeData) for f in failures):
        return EvidenceLevel.MODEL
    found = check_input(name, case_params(name, case, at), at=at)
    return (
        EvidenceLevel.INFERRED
        if found and all(v.evidence == EvidenceLevel.INFERRED for v in found)
        else EvidenceLevel.MODEL
    )


def case_params(name: str, case: Any, at: ModelAt = LATEST_MODEL) -> dict[str, Any]:
    """A schemathesis case as input members by name (path, query and body), as the model checker takes them."""
    by_wire = members_by_wire(at.operation(name).input_shape)
    params: dict[str, Any] = {}
    for location, values in (("uri", case.path_parameters or {}), ("querystring", case.query or {})):
        for wire, value in values.items():
            params[by_wire.get((location, wire), wire)] = value
    body = case.body if has_body(case) else None
    if isinstance(body, dict):
        for wire, value in body.items():
            params[by_wire.get((None, wire), wire)] = value
    return params


def members_by_wire(shape: Shape | None) -> dict[tuple[str | None, str], str]:
    """``(location, wire name)`` → member name (location None for body members)."""
    members = shape.members.items() if shape is not None else ()
    return {(m.serialization.get("location"), m.serialization.get("name", n)): n for n, m in members}


def has_body(case: Any) -> bool:
    """Whether the case carries a body (schemathesis marks a missing one with ``NotSet``)."""
    body = getattr(case, "body", None)
    return body is not None and type(body).__name__ != "NotSet"
