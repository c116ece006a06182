"""The errors the emulator answers with, as values: shape name, HTTP status, message and modelled members.

Handlers raise :class:`ApiError`; the protocol layer turns it into a restJson1 error response. The
constructors below fill the members each error shape carries (docs/behaviour.md §6), so no handler builds a
body by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

ResourceType = Literal["COLLABORATION", "MEMBERSHIP"]
ConflictReason = Literal["ALREADY_EXISTS", "INVALID_STATE", "SUBRESOURCES_EXIST"]


class ApiError(Exception):
    """A service error with its restJson1 shape name, status and body members (``message`` included)."""

    def __init__(self, code: str, status: int, message: str, **members: Any) -> None:
        super().__init__(f"{code} ({status}): {message}")
        self.code = code
        self.status = status
        self.message = message
        self.members: Mapping[str, Any] = MappingProxyType({k: v for k, v in members.items() if v is not None})

    def body(self) -> dict[str, Any]:
        return {"message": self.message, **self.members}


def field_validation(fields: Sequence[tuple[str, str]], message: str) -> ApiError:
    """400 ValidationException, FIELD_VALIDATION_FAILED, one ``fieldList`` entry per (name, message)."""
    return ApiError(
        "ValidationException",
        400,
        message,
        reason="FIELD_VALIDATION_FAILED",
        fieldList=[{"name": name, "message": text} for name, text in fields],
    )


def invalid_configuration(message: str, field: str | None = None) -> ApiError:
    """400 ValidationException, INVALID_CONFIGURATION: input the model accepts but the service does not."""
    field_list = [{"name": field, "message": message}] if field is not None else None
    return ApiError("ValidationException", 400, message, reason="INVALID_CONFIGURATION", fieldList=field_list)


def access_denied(message: str) -> ApiError:
    return ApiError("AccessDeniedException", 403, message, reason="INSUFFICIENT_PERMISSIONS")


def not_found(resource_type: ResourceType, resource_id: str, what: str) -> ApiError:
    """404 ResourceNotFoundException; ``resourceId`` and ``resourceType`` are required by the model."""
    return ApiError(
        "ResourceNotFoundException",
        404,
        f"{what} {resource_id} not found",
        resourceId=resource_id,
        resourceType=resource_type,
    )


def conflict(
    reason: ConflictReason,
    message: str,
    resource_type: ResourceType | None = None,
    resource_id: str | None = None,
) -> ApiError:
    return ApiError(
        "ConflictException", 409, message, reason=reason, resourceType=resource_type, resourceId=resource_id
    )


def serialization(message: str) -> ApiError:
    return ApiError("SerializationException", 400, message)


def undecodable(message: str) -> ApiError:
    """400 ValidationException for a body that cannot be read (the ``bad_json=validation`` reading).

    No ``reason`` or ``fieldList``: the body as a whole is at fault, not a named field.
    """
    return ApiError("ValidationException", 400, message)


def unknown_operation(message: str) -> ApiError:
    return ApiError("UnknownOperationException", 404, message)


def internal(message: str) -> ApiError:
    return ApiError("InternalServerException", 500, message)
