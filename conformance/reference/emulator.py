"""The transport-independent core: one HTTP request in, one restJson1 response out.

Order of work for every request: route (404 UnknownOperationException) → caller identity (403) → body
decoding (400 SerializationException) → model validation (400 ValidationException) → the handler, under the
store lock. Any exception that is not a modelled error becomes a 500 InternalServerException, so an emulator
bug is a visible answer rather than a dropped connection.

The config's readings (``docs/emulator-readings.md``) are settled here once, so a request pays nothing for the
ones that are off: the era (``api_version``) narrows the routes and, only when set, adapts inputs and outputs.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from conformance.model.service import operation
from conformance.reference.config import EmulatorConfig
from conformance.reference.defective import DefectiveChangeRequests, DefectiveViews, with_defects
from conformance.reference.defects import Defects
from conformance.reference.era import Era
from conformance.reference.errors import ApiError, access_denied, internal, serialization, undecodable
from conformance.reference.handlers import HANDLERS, Call
from conformance.reference.identity import caller_account
from conformance.reference.pagination import Pager
from conformance.reference.protocol import Response, decode_body, failure, success
from conformance.reference.routing import Router, build_params
from conformance.reference.store import Store
from conformance.reference.validation import Validator


class Emulator:
    """An in-memory Clean Rooms service for the 14 collaboration, membership and change-request operations."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config if config is not None else EmulatorConfig()
        self.defects = Defects(self.config.defects)
        self.store = Store(self.config.region)
        # The defect seam wraps the handlers, views and change-request rules once; with no defect on they act as
        # the plain ones (each defect is read per request, so set_defects works on a running server).
        self._views = DefectiveViews(self.defects)
        self._changes = DefectiveChangeRequests(self.defects)
        self._handlers = with_defects(HANDLERS, self.defects)
        self._pager = Pager()
        self._era = Era(self.config.api_version, HANDLERS)
        absent = {
            name: f"This emulator serves {self._era.label}, which has no operation"
            for name in HANDLERS
            if name not in self._era.operations
        }
        self._router = Router(self._era.operations, absent)
        self._descending = self.config.list_order == "descending"
        self._deny_unknown = self.config.unknown_ids == "access-denied"
        self._refuse_body = undecodable if self.config.bad_json == "validation" else serialization
        self._validator = Validator(self.config)
        self._success_status = {name: operation(name).success_status for name in HANDLERS}

    def handle(self, method: str, target: str, authorization: str | None, body: bytes) -> Response:
        """Answer one request; ``target`` is the request target (path and query, percent-encoded)."""
        request_id = str(uuid.uuid4())
        try:
            return self._handle(method, target, authorization, body, request_id)
        except ApiError as error:
            return self.error_response(error, request_id)
        except Exception as exc:
            # Never a dropped connection or a stack trace: a bug answers as the modelled server fault.
            fault = internal(f"Internal error in the reference emulator ({type(exc).__name__})")
            return self.error_response(fault, request_id)

    def error_response(self, error: ApiError, request_id: str | None = None) -> Response:
        if error.code == "ResourceNotFoundException" and self.defects.active("not-found-as-forbidden"):
            error = access_denied(error.message)
        typed = not self.defects.active("untyped-errors")
        return failure(error, request_id or str(uuid.uuid4()), typed=typed)

    def _handle(self, method: str, target: str, authorization: str | None, body: bytes, request_id: str) -> Response:
        if not target.startswith("/"):
            # Absolute-form request target (a proxy-style client): keep only path and query.
            parts = urlsplit(target)
            target = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
        path, _, query = target.partition("?")
        match = self._router.resolve(method, path)
        caller = caller_account(authorization)
        name = match.route.operation
        data = decode_body(body, self._refuse_body) if match.route.body else None
        params = build_params(match, query, data)
        era = self._era
        refused_then = era.adapt_input(name, params) if era.active else ()
        self._validator.validate(name, params, self.defects.skipped_kinds, refused_then)
        call = Call(
            caller,
            params,
            self.store,
            self._views,
            self._changes,
            self._pager,
            self._descending,
            era,
            self._deny_unknown,
        )
        with self.store.lock:
            reply = self._handlers[name](call)
        if era.active and reply.body is not None:
            era.adapt_output(name, reply.body)  # a rendered body is the caller's own copy
        return success(reply.status or self._success_status[name], reply.body, request_id)
