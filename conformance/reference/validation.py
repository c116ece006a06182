"""Input validation against the model, before any existence or permission check.

The model walker is the suite's own (:func:`conformance.model.shapecheck.check_input`, compiled and cached),
so the emulator enforces exactly the constraints the suite checks. Rules the model cannot express are the
handlers' business (400 INVALID_CONFIGURATION).
"""

from __future__ import annotations

from collections.abc import Mapping

from conformance.model.shapecheck import check_input
from conformance.model.violations import ViolationKind
from conformance.reference.errors import field_validation


def validate(operation: str, params: Mapping[str, object], skipped: frozenset[ViolationKind]) -> None:
    """Raise 400 ValidationException (FIELD_VALIDATION_FAILED) listing every violation not in ``skipped``."""
    found = check_input(operation, params)
    if skipped:
        # The skip-*-check defects: each drops one kind of violation (defects.SKIPPED_KINDS).
        found = [v for v in found if v.kind not in skipped]
    if not found:
        return
    count = len(found)
    # A13: the usual AWS wording; tests should rely on code, status and reason, not on this text.
    details = "; ".join(f"Value at '{v.path}' failed to satisfy constraint: {v.message}" for v in found)
    noun = "error" if count == 1 else "errors"
    raise field_validation([(v.path, v.message) for v in found], f"{count} validation {noun} detected: {details}")
