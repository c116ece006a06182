"""Starts the servers the suite runs itself: the reference emulator and moto, both on 127.0.0.1, free port.

Each start returns the endpoint URL and a stop function; nothing here knows about actors or clients, except
moto's account header, which is how moto tells callers apart.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.targets.errors import TargetError

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from conformance.reference import EmulatorConfig

LOOPBACK = "127.0.0.1"
MOTO_ACCOUNT_HEADER = "x-moto-account-id"
MOTO_INSTALL_HINT = "pip install 'cleanrooms-conformance[moto]'"


@dataclass(frozen=True, slots=True)
class StartedServer:
    """A server this process started."""

    url: str
    stop: Callable[[], None]
    handle: object
    """The server object itself (``ReferenceServer`` or moto's ``ThreadedMotoServer``)."""


def start_reference(region: str, config: EmulatorConfig | None = None) -> StartedServer:
    """Start the reference emulator; its ARNs use ``region`` (a given ``config`` must agree)."""
    from conformance.reference import EmulatorConfig, ReferenceServer

    if config is None:
        try:
            config = EmulatorConfig(region=region)
        except ValueError as exc:
            raise TargetError(f"the reference emulator cannot serve region {region!r}: {exc}") from None
    elif config.region != region:
        raise TargetError(
            f"the emulator config's region {config.region!r} differs from the target's {region!r}; "
            "make them the same (the target signs requests for its region)"
        )
    server = ReferenceServer(host=LOOPBACK, port=0, config=config)
    try:
        url = str(server.start())
    except OSError as exc:
        raise TargetError(f"could not start the reference emulator on {LOOPBACK}: {exc}") from None
    return StartedServer(url=url.rstrip("/"), stop=server.stop, handle=server)


def start_moto() -> StartedServer:
    """Start moto's server in this process, with empty backends."""
    if os.environ.get("MOTO_ACCOUNT_ID"):
        # moto reads it before the header, so every actor would become the same account.
        raise TargetError(
            "MOTO_ACCOUNT_ID is set in the environment; unset it, because it overrides the per-actor "
            f"{MOTO_ACCOUNT_HEADER} header and would make every actor the same account"
        )
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        raise TargetError(f"--target=moto needs moto, which is not installed ({exc}): {MOTO_INSTALL_HINT}") from None
    werkzeug_log = logging.getLogger("werkzeug")
    if werkzeug_log.level == logging.NOTSET:
        # moto's dev server logs one line per request to stderr; keep warnings and errors, drop the chatter,
        # unless the user configured that logger themselves.
        werkzeug_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        _reset_moto(url)
    except BaseException:
        server.stop()
        raise
    return StartedServer(url=url, stop=server.stop, handle=server)


def _reset_moto(url: str) -> None:
    # moto's backends are process globals: a second moto target in one process would see the first's data.
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST", data=b"")
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
        response.read()


def select_moto_account(client: BaseClient, account_id: str) -> None:
    """Make every request of ``client`` act as ``account_id`` in moto."""

    def add_header(request: Any, **_: Any) -> None:
        request.headers[MOTO_ACCOUNT_HEADER] = account_id

    client.meta.events.register("before-sign.cleanrooms", add_header, unique_id="conformance-moto-account")
