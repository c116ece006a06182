"""Ends a call at its deadline while the status line and headers are still arriving: a watchdog on the socket.

Why a watchdog. The body of an answer is read by :func:`conformance.targets.bounded.read_within`, which
checks the clock between socket reads. The status line and headers are not: ``http.client`` reads them inside
urllib3's ``urlopen`` with one socket timeout *per read*, so a target that sends one header byte a second keeps a
call alive for ever (until 100 header lines of 64 KiB each). Nothing between two of those reads runs code of
ours, so the only way to stop the wait is from outside: at the deadline another thread shuts the socket down
(``shutdown(SHUT_RDWR)``, which wakes a blocked ``recv`` on every platform the suite runs on; ``close`` from
another thread would not, and could close a reused descriptor). The blocked read then sees the end of the
stream, urllib3 raises, and the caller, seeing :attr:`Watch.shut`, reports the deadline instead of a dropped
connection. The connection is closed by urllib3 on that error, never handed back to its pool.

Why this way, and what it costs. One daemon thread serves every call of the process (a heap of deadlines under
one lock), so a call costs a heap push and a flag, not a thread. The watchdog needs the socket of the call, and
only the connection object knows it: the pools of a client are given connection classes
(:func:`watched_pool`) that, when asked to send a request, tell the calling thread's :class:`Watch` which
connection is theirs, and that connect within the time left. Outside :func:`watching` they behave exactly as
urllib3's and botocore's own.

The watch covers connecting (the connect timeout shrinks to the time left, plus a quarter second so that the
watchdog, not the timeout, ends a TLS handshake that trickles), sending the request, and the wait for the status
line and headers. The body is left to ``read_within`` (its clock is exact and needs no thread).
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Watch:
    """The deadline of one call, and the connection it is using (set by the connection when it sends)."""

    __slots__ = ("_connection", "deadline", "done", "fired", "shut")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        """True once the deadline passed while the call was still under watch."""
        self.shut = False
        """True when the watchdog shut the call's connected socket: the wait for an answer ended at the deadline
        (a call still connecting ends on its own connect timeout, which is no longer than the time left)."""
        self.done = False
        self._connection: Any = None

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def attach(self, connection: Any) -> None:
        """``connection`` is the one this call uses; shut at once if the deadline has already passed."""
        with _WATCHDOG.lock:
            self._connection = connection
            if self.fired:
                self.shut = _shut(connection) or self.shut

    def _fire(self) -> None:  # under the watchdog's lock
        if self.done:
            return
        self.fired = True
        if self._connection is not None:
            self.shut = _shut(self._connection)

    def _disarm(self) -> bool:  # under the watchdog's lock
        self.done = True
        self._connection = None
        return self.fired


def _shut(connection: Any) -> bool:
    sock = getattr(connection, "sock", None)
    if sock is None:
        return False  # still connecting: the connect timeout is already no longer than the time left
    with contextlib.suppress(OSError):  # already closed by the other side or by urllib3
        sock.shutdown(socket.SHUT_RDWR)
    return True


class _Watchdog:
    """One thread that fires every watch whose deadline has passed."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._cancelled = 0

    def arm(self, deadline: float) -> Watch:
        watch = Watch(deadline)
        with self.lock:
            earliest = self._heap[0][0] if self._heap else None
            heapq.heappush(self._heap, (deadline, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="conformance-call-deadline", daemon=True)
                self._thread.start()
            elif earliest is None or deadline < earliest:
                self.lock.notify()
        return watch

    def disarm(self, watch: Watch) -> bool:
        """Stop watching; True when the watch had already fired (the call's socket was shut down)."""
        with self.lock:
            fired = watch._disarm()
            if not fired:  # a fired watch has already left the heap
                self._cancelled += 1
            # Disarmed watches leave the heap when their deadline comes; with a minute's deadline a busy run
            # would keep tens of thousands, so the heap is rebuilt once most of it is dead.
            if self._cancelled > 1024 and self._cancelled * 2 > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
                self._cancelled = 0
            return fired

    def _run(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    _, _, watch = heapq.heappop(self._heap)
                    if watch.done:
                        self._cancelled = max(self._cancelled - 1, 0)
                    watch._fire()
                self.lock.wait(self._heap[0][0] - now if self._heap else None)


_WATCHDOG = _Watchdog()
_current = threading.local()


@contextmanager
def watching(deadline: float) -> Iterator[Watch]:
    """Watch the calls this thread sends inside the block; at ``deadline`` (:func:`time.monotonic`) shut them.

    After the block, :attr:`Watch.shut` says whether the deadline ended the wait for an answer.
    """
    watch = _WATCHDOG.arm(deadline)
    previous = getattr(_current, "watch", None)
    _current.watch = watch
    try:
        yield watch
    finally:
        _current.watch = previous
        _WATCHDOG.disarm(watch)


def current() -> Watch | None:
    """The watch of the call this thread is sending, if any."""
    watch: Watch | None = getattr(_current, "watch", None)
    return watch if watch is not None and not watch.done else None


_CONNECT_GRACE = 0.25
"""Seconds a connect may run past the deadline (see :meth:`_WatchedConnection.connect`)."""


class _WatchedConnection:
    """Mixed into a urllib3 (or botocore) connection class: connects within the time left, tells the watch."""

    sock: Any
    timeout: Any

    def connect(self) -> None:
        watch = current()
        if watch is not None:
            # Attached before connecting too: urllib3 sets ``sock`` before the TLS handshake, so a handshake that
            # trickles is shut like trickling headers.
            watch.attach(self)
            if isinstance(self.timeout, int | float):
                # A little past the deadline: once a socket exists (a TLS handshake, whose socket timeout Python
                # applies to the handshake as a whole), the watchdog ends it first and names the deadline.
                self.timeout = max(min(float(self.timeout), watch.left() + _CONNECT_GRACE), 0.001)
        super().connect()  # type: ignore[misc]
        if watch is not None:
            watch.attach(self)  # a deadline that passed while connecting: shut the new socket now

    def request(self, *args: Any, **kwargs: Any) -> Any:
        watch = current()
        if watch is not None:
            watch.attach(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


@functools.cache
def watched_pool(pool_class: type[Any]) -> type[Any]:
    """``pool_class`` (a urllib3 connection pool class) whose connections obey the calling thread's watch."""
    connection_class = pool_class.ConnectionCls
    watched = type(f"Watched{connection_class.__name__}", (_WatchedConnection, connection_class), {})
    return type(f"Watched{pool_class.__name__}", (pool_class,), {"ConnectionCls": watched})
