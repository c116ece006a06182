"""The generic AWS errors any Clean Rooms call may get besides the ones its operation declares.

An operation's ``errors`` list in the model is not exhaustive: the AWS front door answers bad signatures,
expired tokens, throttling and outages with errors no operation declares. The wire checker treats an error as
*known* when the operation declares it or it is one of these; anything else is an undeclared error.
The statuses are those the sources give; the wire checker holds only modelled errors to a status, because
the common-error pages disagree between revisions (AccessDeniedException is 400 on the older page, 403 now).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from conformance.model.service import operation

COMMON_ERRORS: Mapping[str, int] = MappingProxyType(
    {
        # The Clean Rooms API reference's Common Error Types page [API-ERR]
        # (https://docs.aws.amazon.com/clean-rooms/latest/apireference/CommonErrors.html, current revision;
        # the same template as the other REST-JSON services' pages, e.g. CloudWatch RUM, Panorama).
        "AccessDeniedException": 403,
        "ExpiredTokenException": 403,
        "IncompleteSignature": 403,
        "InternalFailure": 500,
        "MalformedHttpRequestException": 400,
        "NotAuthorized": 401,
        "OptInRequired": 403,
        "RequestAbortedException": 400,
        "RequestEntityTooLargeException": 413,
        "RequestExpired": 400,
        "RequestTimeoutException": 408,
        "ServiceUnavailable": 503,
        "ThrottlingException": 400,
        "UnknownOperationException": 404,
        "UnrecognizedClientException": 403,
        "ValidationError": 400,
        # The older revision of the same page (still served for many services, e.g. Athena's and
        # DataBrew's Common Errors): two names the current one dropped.
        "InvalidAction": 400,
        "InvalidClientTokenId": 403,
        # What the front door of a REST-JSON service sends before the service sees the request; not on the
        # page. A missing or mismatched SigV4 signature is a 403 (IAM user guide, "Troubleshoot signed
        # requests for AWS APIs"); a body that is not valid JSON is SerializationException, 400 (the JSON
        # services' exception tables, e.g. the Storage Gateway API reference).
        "InvalidSignatureException": 403,
        "MissingAuthenticationTokenException": 403,
        "SerializationException": 400,
    }
)


def is_known_error(operation_name: str, code: str) -> bool:
    """Whether ``code`` is declared by the operation or is a common AWS error."""
    return code in operation(operation_name).errors or code in COMMON_ERRORS
