"""Input validation against the model, before any existence or permission check.

The model walker is the suite's own (:func:`conformance.model.shapecheck.check_input`, compiled and cached),
so the emulator enforces exactly the constraints the suite checks. Rules the model cannot express are the
handlers' business (400 INVALID_CONFIGURATION). Two readings act here, and only once a violation was found, so
a valid request costs what it always did:

* ``patterns="smithy"`` (SMITHY-C): the shape checker reports a value that matches a pattern only under the
  unanchored reading with evidence ``inferred``; those violations are dropped, so only values that fail
  ``re.search`` are refused.
* ``bad_json="serialization"``: a member of the wrong JSON type is a body the server cannot deserialize, so
  the request is refused as 400 SerializationException, as Smithy's malformed-request protocol tests have it
  (``smithy-aws-protocol-tests/model/restJson1/malformedRequests/malformed-integer.smithy``,
  RestJsonBodyIntegerMalformedValueRejected and the query-string cases), before any constraint is looked at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from conformance.model.releases import ModelAt
from conformance.model.shapecheck import check_input
from conformance.model.violations import Violation, ViolationKind
from conformance.model.vocabulary import EvidenceLevel
from conformance.reference.config import EmulatorConfig
from conformance.reference.errors import ApiError, field_validation, serialization


class Validator:
    """Input validation with one emulator's readings."""

    __slots__ = ("_anchored", "_at", "_type_errors_undecodable")

    def __init__(self, config: EmulatorConfig) -> None:
        # An emulator of an older API holds requests to that release's constraints (a list minimum dropped
        # since, e.g. customMLMemberAbilities' min 1 before 2026-05-21, still applies there).
        self._at = ModelAt(config.api_version)
        self._anchored = config.patterns == "anchored"
        self._type_errors_undecodable = config.bad_json == "serialization"

    def validate(
        self,
        operation: str,
        params: Mapping[str, object],
        skipped: frozenset[ViolationKind],
        extra: Sequence[Violation] = (),
    ) -> None:
        """Raise 400 listing every violation not in ``skipped``; ``extra`` are the era's (api_version)."""
        found = check_input(operation, params, at=self._at)
        if extra:
            # The era's walk and the release's shapes often see the same thing (an enum value added later).
            seen = {(v.path, v.kind) for v in found}
            found = [*found, *(v for v in extra if (v.path, v.kind) not in seen)]
        if not found:
            return
        if skipped:
            # The skip-*-check defects: each drops one kind of violation (defects.SKIPPED_KINDS).
            found = [v for v in found if v.kind not in skipped]
        if not self._anchored:
            found = [v for v in found if not (v.kind is ViolationKind.PATTERN and v.evidence is EvidenceLevel.INFERRED)]
        if self._type_errors_undecodable:
            wrong = [v for v in found if v.kind is ViolationKind.WRONG_TYPE]
            if wrong:
                details = "; ".join(f"'{v.path}': {v.message}" for v in wrong)
                raise serialization(f"The request cannot be deserialized: {details}")
        if found:
            raise _refusal(found)


def _refusal(found: Sequence[Violation]) -> ApiError:
    """400 ValidationException (FIELD_VALIDATION_FAILED) with one ``fieldList`` entry per violation."""
    count = len(found)
    # A13: the usual AWS wording; tests should rely on code, status and reason, not on this text.
    details = "; ".join(f"Value at '{v.path}' failed to satisfy constraint: {v.message}" for v in found)
    noun = "error" if count == 1 else "errors"
    return field_validation([(v.path, v.message) for v in found], f"{count} validation {noun} detected: {details}")
