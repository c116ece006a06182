"""Loads the Clean Rooms service model from the installed botocore and answers operation lookups.

Everything the suite knows about the API's shape comes from here; the model is never copied into the repo,
so a botocore upgrade is what changes it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "cleanrooms"
SIGNING_NAME = "cleanrooms"


class UnknownOperationError(LookupError):
    """An operation name that the installed model does not have."""

    def __init__(self, name: str, suggestions: tuple[str, ...]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown Clean Rooms operation {name!r}{hint}")
        self.name = name
        self.suggestions = suggestions


@dataclass(frozen=True, slots=True)
class OperationInfo:
    """What the model says about one operation's HTTP binding and errors."""

    name: str
    http_method: str
    """Upper-case HTTP method, e.g. ``PATCH``."""
    request_uri: str
    """The path template without any literal query part, e.g. ``/collaborations/{collaborationIdentifier}``."""
    success_status: int
    """The modelled success status (``http.responseCode``, 200 when absent)."""
    errors: Mapping[str, int]
    """Declared error shape name → its HTTP status, in model order."""
    model: OperationModel

    @property
    def input_shape(self) -> Shape | None:
        return self.model.input_shape

    @property
    def output_shape(self) -> Shape | None:
        return self.model.output_shape


@cache
def isolated_session() -> botocore.session.Session:
    """The process-wide botocore session, cut off from the user's AWS configuration.

    Reading the model (and making emulator clients) must not depend on the machine: ``AWS_PROFILE`` naming a
    missing profile, or a broken ``~/.aws/config``, would otherwise break a run whose credentials are all
    passed explicitly. One session per process also means the models are parsed once (a new session costs
    ~40 ms because the loader cache belongs to the session).
    """
    return botocore.session.Session(
        session_vars={
            "profile": (None, None, None, None),
            "config_file": (None, None, os.devnull, None),
            "credentials_file": (None, None, os.devnull, None),
        }
    )


@cache
def service_model() -> ServiceModel:
    """The Clean Rooms model of the installed botocore (loaded once per process)."""
    return isolated_session().get_service_model(SERVICE_NAME)


def botocore_version() -> str:
    return str(botocore.__version__)


@cache
def operation_names() -> tuple[str, ...]:
    return tuple(service_model().operation_names)


@cache
def operation(name: str) -> OperationInfo:
    """Look up an operation by its model name (``CreateCollaborationChangeRequest``)."""
    model = service_model()
    if name not in operation_names():
        raise UnknownOperationError(name, tuple(difflib.get_close_matches(name, operation_names(), n=3)))
    op = model.operation_model(name)
    http = op.http
    errors = {shape.name: int(shape.metadata.get("error", {}).get("httpStatusCode", 400)) for shape in op.error_shapes}
    return OperationInfo(
        name=name,
        http_method=str(http["method"]).upper(),
        request_uri=str(http["requestUri"]).split("?", 1)[0],
        success_status=int(http.get("responseCode", 200)),
        errors=MappingProxyType(errors),
        model=op,
    )


@dataclass(frozen=True, slots=True)
class Paging:
    """How an operation pages, as botocore's paginator model says (``paginators-1.json``)."""

    input_token: str
    """The request member that carries the token (``nextToken``)."""
    output_token: str
    """The response member that carries the next page's token (``nextToken``)."""
    result_key: str
    """The response member that holds the page's items (``collaborationList``)."""


@cache
def paging(name: str) -> Paging | None:
    """How ``name`` pages, or None when the model gives it no paginator."""
    operation(name)  # an unknown name is an error, not "does not page"
    paginators = isolated_session().get_paginator_model(SERVICE_NAME)
    try:
        config = paginators.get_paginator(name)
    except ValueError:  # botocore: "Paginator for operation does not exist"
        return None
    keys = (config["input_token"], config["output_token"], config["result_key"])
    if not all(isinstance(key, str) for key in keys):
        return None  # multi-token paginators exist in other services; Clean Rooms has none
    return Paging(input_token=keys[0], output_token=keys[1], result_key=keys[2])


@cache
def error_status(error_code: str) -> int | None:
    """The HTTP status of a modelled error shape (``ConflictException`` → 409), None if it is not one."""
    model = service_model()
    try:
        shape = model.shape_for(error_code)
    except Exception:  # botocore raises NoShapeFoundError; any failure means "not a modelled error"
        return None
    meta = shape.metadata
    if not meta.get("exception"):
        return None
    return int(meta.get("error", {}).get("httpStatusCode", 400))


@cache
def snake_to_operation() -> Mapping[str, str]:
    """boto3 method name (``create_collaboration``) → operation name."""
    return MappingProxyType({_snake(name): name for name in operation_names()})


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
