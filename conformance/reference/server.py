"""The reference emulator served over HTTP: :class:`ReferenceServer` (a background thread) and :func:`serve_forever`.

Speed matters here (the suite's floor is boto3 itself, about 2,000 calls/s per core): TCP_NODELAY, one
``sendall`` per response, no logging per request. Binds 127.0.0.1 unless told otherwise. The connections and
their limits are :mod:`.connections` (:class:`ServerLimits`), each request :mod:`.http1`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

from conformance.reference.config import EmulatorConfig
from conformance.reference.connections import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_WORKERS,
    HttpServer,
    ServerLimits,
)
from conformance.reference.emulator import Emulator

# ServerLimits and its defaults are part of ReferenceServer's signature, so callers may take them from here.
__all__ = ["DEFAULT_MAX_CONNECTIONS", "DEFAULT_MAX_WORKERS", "ReferenceServer", "ServerLimits", "serve_forever"]


class ReferenceServer:
    """The reference emulator served over HTTP in a background thread (a context manager)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        config: EmulatorConfig | None = None,
        limits: ServerLimits | None = None,
    ) -> None:
        self.emulator = Emulator(config)
        self.limits = limits or ServerLimits()
        self._host = host
        self._port = port
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def config(self) -> EmulatorConfig:
        return self.emulator.config

    def start(self) -> str:
        """Start serving (idempotent) and return the base URL, e.g. ``http://127.0.0.1:40123``."""
        if self._server is None:
            server = HttpServer(self._host, self._port, self.emulator, self.limits)
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.5},
                name="cleanrooms-reference",
                daemon=True,
            )
            thread.start()
            self._server, self._thread = server, thread
        return self._server.url

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the reference server is not started; call start() first")
        return self._server.url

    @property
    def open_connections(self) -> int:
        """Connections open right now (parked and being served)."""
        return self._server.open_connections if self._server is not None else 0

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()
        self._server = self._thread = None

    def set_defects(self, defects: frozenset[str]) -> None:
        """Switch the active defects at runtime (test seam); unknown names raise ValueError."""
        self.emulator.defects.set(defects)

    def reset(self) -> None:
        """Drop all state (collaborations, members, memberships, change requests)."""
        self.emulator.store.reset()

    def __enter__(self) -> ReferenceServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_forever(
    host: str,
    port: int,
    config: EmulatorConfig,
    *,
    ready: Callable[[str], None],
    limits: ServerLimits | None = None,
) -> None:
    """Serve in the calling thread until interrupted (Ctrl-C returns cleanly); ``ready`` gets the base URL."""
    server = HttpServer(host, port, Emulator(config), limits)
    try:
        ready(server.url)
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.close_connections()
        server.server_close()
