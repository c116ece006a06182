"""The connections of the reference emulator's HTTP front: a dispatcher, a bounded worker pool, a cap on connections.

``cleanrooms-conformance serve`` may be left running for a team's CI, so no client may starve the others, and
no number of clients may exhaust the machine (one thread per connection made 902 threads for 900 idle ones):

* One dispatcher thread accepts connections and watches every connection no worker is serving (idle
  keep-alive ones, slow senders). It reads what they send without blocking into the connection's buffer and
  hands the connection to a worker only once a whole request is there (head, and a Content-Length body up to
  64 KiB). Idle and slow connections hold no thread, however many there are.
* At most ``max_workers`` worker threads parse and answer. After answering, a worker keeps its connection for up
  to :data:`LINGER_S` for the next request (a client's back-to-back calls, the hot path: no hand-over between
  threads, the same two system calls a request as a thread per connection), then parks it with the dispatcher;
  it parks it at once when other connections are waiting for a worker.
* At most ``max_connections`` are open. One more makes room by closing the parked connection that has been quiet
  longest (an idle keep-alive connection, which HTTP clients re-open transparently, or a slow sender); when
  every open connection is being served, the new one is answered 503 ServiceUnavailableException and closed.
  Parked connections quiet for :data:`IDLE_TIMEOUT_S` are closed as well.

The defaults (:class:`ServerLimits`) suit a team's CI: a suite run uses a few connections per xdist worker.
The connection handling is hand-written: no stdlib server bounds both threads and connections, and an asyncio
front would put an event-loop hop on every request. Requests themselves are parsed and answered by :mod:`.http1`.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from conformance.reference.emulator import Emulator
from conformance.reference.errors import ApiError
from conformance.reference.http1 import REASONS, RECV_BYTES, Connection, Request, request_ready

#: Parked connections (idle keep-alive, or a slow sender) are closed after this many quiet seconds.
IDLE_TIMEOUT_S = 120.0
#: How long a worker keeps a connection after answering, waiting for its next request.
LINGER_S = 0.5
DEFAULT_MAX_WORKERS = 32
DEFAULT_MAX_CONNECTIONS = 512
# A worker's socket waits in slices this long, so it can notice others waiting (and stopping) while it lingers.
_SLICE_S = 0.05


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """How many threads and connections the HTTP front may use (``serve --max-workers/--max-connections``)."""

    max_workers: int = DEFAULT_MAX_WORKERS
    """Requests answered at the same time (threads); more wait in line, a fraction of a second."""
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    """Open connections; one more closes the quietest parked one, or gets a 503 when all are busy."""

    def __post_init__(self) -> None:
        if self.max_workers < 1 or self.max_connections < 1:
            raise ValueError(
                f"max_workers and max_connections must be at least 1, got {self.max_workers} and {self.max_connections}"
            )


class HttpServer:
    """The listening socket, the dispatcher loop, the worker pool and the open connections."""

    def __init__(self, host: str, port: int, emulator: Emulator, limits: ServerLimits | None = None) -> None:
        self.emulator = emulator
        self.limits = limits or ServerLimits()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._listener.bind((host, port))
            self._listener.listen(128)
        except OSError:
            self._listener.close()
            raise
        self._listener.setblocking(False)
        self.server_address = self._listener.getsockname()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_in.setblocking(False)
        self._wake_out.setblocking(False)
        self._selector.register(self._wake_in, selectors.EVENT_READ, self._wake_in)
        self._workers = ThreadPoolExecutor(self.limits.max_workers, thread_name_prefix="cleanrooms-reference-worker")
        self._lock = threading.Lock()
        self._open: set[Connection] = set()
        self._parked: dict[socket.socket, Connection] = {}  # dispatcher thread only
        self._returned: list[Connection] = []  # parked by workers, registered by the dispatcher
        self._waiting = 0  # connections handed to the pool and not yet taken by a worker
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    # -- the dispatcher ----------------------------------------------------------------------------------------

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._stopped.clear()
        try:
            next_sweep = time.monotonic() + 1.0
            while not self._stopping.is_set():
                for key, _ in self._selector.select(timeout=poll_interval):
                    if key.data is None:
                        self._accept()
                    elif key.data is self._wake_in:
                        self._take_returned()
                    else:
                        self._readable(key.data)
                if time.monotonic() >= next_sweep:
                    self._close_quiet()
                    next_sweep = time.monotonic() + 1.0
        finally:
            self._stopped.set()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return  # the listener was closed (stopping), or the peer reset before accept
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.open_connections >= self.limits.max_connections and not self._evict_quietest():
                self._refuse(sock)
                continue
            conn = Connection(sock)
            with self._lock:
                self._open.add(conn)
            self._park_here(conn)

    def _park_here(self, conn: Connection) -> None:
        conn.sock.setblocking(False)
        self._parked[conn.sock] = conn
        try:
            self._selector.register(conn.sock, selectors.EVENT_READ, conn)
        except (ValueError, OSError):  # closed meanwhile
            self._close(conn)
            return
        if request_ready(conn.buffer):  # a pipelined request already buffered
            self._dispatch(conn)

    def _readable(self, conn: Connection) -> None:
        try:
            chunk = conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._close(conn)
            return
        conn.buffer += chunk
        conn.last_active = time.monotonic()
        if request_ready(conn.buffer):
            self._dispatch(conn)

    def _dispatch(self, conn: Connection) -> None:
        self._unpark(conn)
        with self._lock:
            self._waiting += 1
        try:
            self._workers.submit(self._serve, conn)
        except RuntimeError:  # the pool is shut down: stopping
            self._close(conn)

    def _unpark(self, conn: Connection) -> None:
        if self._parked.pop(conn.sock, None) is not None:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self._selector.unregister(conn.sock)

    def _take_returned(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            self._wake_in.recv(4096)
        with self._lock:
            returned, self._returned = self._returned, []
        for conn in returned:
            self._park_here(conn)

    def _evict_quietest(self) -> bool:
        """Close the parked connection heard from least recently; False when none is parked."""
        if not self._parked:
            return False
        quietest = min(self._parked.values(), key=lambda c: c.last_active)
        self._close(quietest)
        return True

    def _refuse(self, sock: socket.socket) -> None:
        error = ApiError(
            "ServiceUnavailableException",
            503,
            f"All {self.limits.max_connections} connections are busy; retry shortly "
            "(raise the cap with `cleanrooms-conformance serve --max-connections`)",
        )
        response = self.emulator.error_response(error)
        lines = [f"HTTP/1.1 503 {REASONS[503]}", *(f"{n}: {v}" for n, v in response.headers)]
        lines += [f"Content-Length: {len(response.body)}", "Retry-After: 1", "Connection: close"]
        with contextlib.suppress(OSError):
            sock.settimeout(1.0)
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body)
        sock.close()

    def _close_quiet(self) -> None:
        limit = time.monotonic() - IDLE_TIMEOUT_S
        for conn in [c for c in self._parked.values() if c.last_active < limit]:
            self._close(conn)

    # -- the workers -------------------------------------------------------------------------------------------

    def _serve(self, conn: Connection) -> None:
        with self._lock:
            self._waiting -= 1
        try:
            conn.sock.settimeout(_SLICE_S)
            while not self._stopping.is_set():
                if not request_ready(conn.buffer) and not self._next_request(conn):
                    return  # parked, or closed
                if not Request(conn).serve(self.emulator):
                    break
                conn.last_active = time.monotonic()
        except OSError:
            pass  # the client reset the connection, or the server is stopping
        self._forget(conn)

    def _next_request(self, conn: Connection) -> bool:
        """Wait up to LINGER_S for a whole next request; park the connection (False) when none comes."""
        deadline = time.monotonic() + LINGER_S
        while True:
            # An int read needs no lock; a stale value only delays parking by one slice.
            if self._waiting > 0 or time.monotonic() >= deadline:
                self._park(conn)
                return False
            try:
                chunk = conn.sock.recv(RECV_BYTES)
            except TimeoutError:
                continue
            if not chunk:
                self._forget(conn)
                return False
            conn.buffer += chunk
            conn.last_active = time.monotonic()
            if request_ready(conn.buffer):
                return True

    def _park(self, conn: Connection) -> None:
        with self._lock:
            self._returned.append(conn)
        with contextlib.suppress(OSError):
            self._wake_out.send(b"\0")

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def _close(self, conn: Connection) -> None:
        """Close a connection the dispatcher holds (dispatcher thread only)."""
        self._unpark(conn)
        self._forget(conn)

    def _forget(self, conn: Connection) -> None:
        """Close a connection and stop counting it (a worker's, or one the dispatcher has unparked)."""
        with self._lock:
            self._open.discard(conn)
        with contextlib.suppress(OSError):
            conn.sock.close()

    def shutdown(self) -> None:
        """Stop the dispatcher loop and wait for it to end."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_out.send(b"\0")
        self._stopped.wait()

    def close_connections(self) -> None:
        """Wake every worker blocked on a read and close every connection, so stopping leaves nothing behind."""
        with self._lock:
            open_now = list(self._open)
        for conn in open_now:
            with contextlib.suppress(OSError):  # already closed by the peer
                conn.sock.shutdown(socket.SHUT_RDWR)
        for conn in list(self._parked.values()):
            self._close(conn)

    def server_close(self) -> None:
        self._workers.shutdown(wait=False, cancel_futures=True)
        for closable in (self._selector, self._listener, self._wake_in, self._wake_out):
            with contextlib.suppress(OSError):
                closable.close()
