"""Six loopback servers that give every request the same answer: implementations that do nothing.

* ``always-403`` — 403 AccessDeniedException (JSON body, ``X-Amzn-ErrorType``).
* ``always-400`` — 400 ValidationException.
* ``always-404`` — 404 ResourceNotFoundException (with the ``resourceId``/``resourceType`` its shape requires).
* ``always-500`` — 500 InternalServerException.
* ``always-200-empty`` — 200 ``{}``.
* ``echo`` — 200 with the request's own body.

A check that PASSes against one of them would pass against a server that does nothing, so none may. Used by
``tests/fuzz/test_null_servers.py``; ``constant_server(kind)`` is a context manager, ``constant_target(kind)`` a
running target pointed at it::

    with constant_target("always-403") as (server, target):
        campaign = Campaign(target, target.accounts, region=target.spec.region)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from types import MappingProxyType

from conformance.targets import RunningTarget, Timeouts, parse_target, start_target
from tests.targets.misbehaving import CannedResponse, MisbehavingServer

_JSON = {"Content-Type": "application/json"}


def _error(status: int, code: str, **members: str) -> CannedResponse:
    body = json.dumps({"message": f"always {code}", **members}).encode()
    return CannedResponse(status, body, MappingProxyType({**_JSON, "X-Amzn-ErrorType": code}))


#: kind → (MisbehavingServer mode, canned response or None for the mode's own).
CONSTANT_SERVERS: dict[str, tuple[str, CannedResponse | None]] = {
    "always-403": ("canned", _error(403, "AccessDeniedException")),
    "always-400": ("canned", _error(400, "ValidationException")),
    "always-404": (
        "canned",
        _error(
            404,
            "ResourceNotFoundException",
            resourceId="00000000-0000-4000-8000-000000000000",
            resourceType="COLLABORATION",
        ),
    ),
    "always-500": ("canned", _error(500, "InternalServerException")),
    "always-200-empty": ("canned", CannedResponse(200, b"{}")),
    "echo": ("echo", None),
}
KINDS = tuple(sorted(CONSTANT_SERVERS))


@contextmanager
def constant_server(kind: str) -> Iterator[MisbehavingServer]:
    """A started loopback server of one kind (stopped on exit)."""
    mode, response = CONSTANT_SERVERS[kind]
    with MisbehavingServer(mode, response=response) as server:
        yield server


@contextmanager
def constant_target(kind: str) -> Iterator[tuple[MisbehavingServer, RunningTarget]]:
    """A constant server and a running URL target pointed at it (short timeouts: the server answers at once)."""
    with (
        constant_server(kind) as server,
        start_target(parse_target(server.url, timeouts=Timeouts(connect=2.0, read=5.0))) as target,
    ):
        yield server, target
