"""The value type every model check returns: one :class:`Violation` per way a value breaks the model.

The shape checker, the wire checker and the reference emulator's input validation all speak this type, so a
report, a ValidationException's ``fieldList`` and a test assertion can use the same ``path`` and ``kind``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from conformance.model.vocabulary import EvidenceLevel


class ViolationKind(enum.StrEnum):
    """What kind of rule a value broke (the value is a stable, report-friendly name)."""

    MISSING_REQUIRED = "missing-required"
    WRONG_TYPE = "wrong-type"
    ENUM = "enum"
    LENGTH = "length"
    RANGE = "range"
    ITEM_COUNT = "item-count"
    PATTERN = "pattern"
    UNKNOWN_MEMBER = "unknown-member"
    UNION = "union"
    TIMESTAMP = "timestamp"
    STATUS = "status"
    ERROR_TYPE = "error-type"
    BODY = "body"
    UNDECLARED_ERROR = "undeclared-error"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule at one place in a value."""

    path: str
    """Where: ``collaborationChangeRequest.changes[0].types[1]``, map entries as
    ``approvals['111111111111']``, ``""`` for the value itself (for wire checks: the response as a whole)."""
    kind: ViolationKind
    message: str
    """What was expected and what was found, for a human."""
    evidence: EvidenceLevel = EvidenceLevel.MODEL
    """``model`` when the model says so outright; ``inferred`` when it rests on a reading of the model (an
    unanchored pattern read as a full match, a member name botocore forgives)."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message
