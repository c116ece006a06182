"""The watchdog on its own: it shuts the socket of a call past its deadline, and only that one."""

from __future__ import annotations

import socket
import time
from types import SimpleNamespace

from conformance.targets import watchdog


def test_a_blocked_read_ends_at_the_deadline() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        connection = SimpleNamespace(sock=ours)
        started = time.monotonic()
        with watchdog.watching(time.monotonic() + 0.3) as watch:
            watch.attach(connection)
            assert ours.recv(1) == b""  # no byte ever comes: only the shutdown ends this read
        assert 0.25 < time.monotonic() - started < 1.5
        assert watch.fired
        assert watch.shut


def test_a_call_done_in_time_is_left_alone() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        with watchdog.watching(time.monotonic() + 0.2) as watch:
            watch.attach(SimpleNamespace(sock=ours))
        time.sleep(0.4)
        theirs.sendall(b"x")
        assert ours.recv(1) == b"x"  # still open: the disarmed watch never fired
        assert not watch.fired
        assert not watch.shut


def test_a_watch_that_fired_before_the_socket_existed_shuts_it_when_attached() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        connection = SimpleNamespace(sock=None)
        with watchdog.watching(time.monotonic() + 0.05) as watch:
            watch.attach(connection)  # still connecting
            time.sleep(0.3)
            assert watch.fired
            assert not watch.shut
            connection.sock = ours  # connected after all
            watch.attach(connection)
            assert watch.shut
            assert ours.recv(1) == b""


def test_spent_watches_do_not_pile_up() -> None:
    far = time.monotonic() + 3600
    for _ in range(5000):
        with watchdog.watching(far):
            pass
    assert len(watchdog._WATCHDOG._heap) <= 2100


def test_watched_pools_are_made_once_per_class() -> None:
    from urllib3 import HTTPConnectionPool

    first = watchdog.watched_pool(HTTPConnectionPool)
    assert first is watchdog.watched_pool(HTTPConnectionPool)
    assert issubclass(first, HTTPConnectionPool)
    assert issubclass(first.ConnectionCls, HTTPConnectionPool.ConnectionCls)
