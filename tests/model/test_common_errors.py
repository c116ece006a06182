from __future__ import annotations

import pytest

from conformance.model.common_errors import COMMON_ERRORS, is_known_error
from conformance.model.service import UnknownOperationError

BRIEFED = [
    "AccessDeniedException",
    "IncompleteSignature",
    "InternalFailure",
    "InvalidAction",
    "InvalidClientTokenId",
    "NotAuthorized",
    "OptInRequired",
    "RequestExpired",
    "ServiceUnavailable",
    "ThrottlingException",
    "ValidationError",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "MissingAuthenticationTokenException",
    "SerializationException",
    "UnknownOperationException",
]


@pytest.mark.parametrize("code", BRIEFED)
def test_generic_aws_errors_are_listed_with_an_error_status(code: str) -> None:
    assert 400 <= COMMON_ERRORS[code] < 600


def test_statuses_from_the_current_common_errors_page() -> None:
    assert COMMON_ERRORS["InternalFailure"] == 500
    assert COMMON_ERRORS["ServiceUnavailable"] == 503
    assert COMMON_ERRORS["NotAuthorized"] == 401
    assert COMMON_ERRORS["ExpiredTokenException"] == 403


def test_common_errors_cannot_be_changed_at_runtime() -> None:
    with pytest.raises(TypeError):
        COMMON_ERRORS["TeapotException"] = 418  # type: ignore[index]


@pytest.mark.parametrize(
    ("op", "code", "known"),
    [
        ("CreateCollaborationChangeRequest", "ConflictException", True),  # declared
        ("CreateCollaborationChangeRequest", "ServiceQuotaExceededException", True),
        ("GetCollaboration", "ConflictException", False),  # modelled elsewhere, not declared here
        ("GetCollaboration", "ResourceNotFoundException", False),
        ("GetCollaboration", "UnrecognizedClientException", True),  # common
        ("DeleteMember", "TeapotException", False),
    ],
)
def test_is_known_error(op: str, code: str, known: bool) -> None:
    assert is_known_error(op, code) is known


def test_unknown_operation_is_refused() -> None:
    with pytest.raises(UnknownOperationError):
        is_known_error("GetCollaborations", "ConflictException")
