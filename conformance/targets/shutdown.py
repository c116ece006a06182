"""Makes sure a real-AWS run's cleanup runs on normal exit, on Ctrl-C and on SIGTERM.

Ctrl-C already raises ``KeyboardInterrupt`` in the main thread, which unwinds through the ``with`` block that
owns the target. SIGTERM (CI cancelling a job, ``kill``) would end the process without unwinding anything, so
while a cleanup is pending it is turned into ``SystemExit`` in the main thread. ``atexit`` catches the rest
(a target that was never closed, an exception nobody handled).
"""

from __future__ import annotations

import atexit
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any


class ExitCleanup:
    """Runs ``close`` at interpreter exit and turns SIGTERM into ``SystemExit`` until uninstalled."""

    def __init__(self, close: Callable[[], None]) -> None:
        self._close = close
        self._previous: Any = None
        self._installed_signal = False

    def install(self) -> None:
        atexit.register(self._close)
        # Signal handlers can only be set from the main thread, and a handler someone else installed is
        # theirs to keep (pytest, an application embedding the suite).
        if threading.current_thread() is threading.main_thread():
            current = signal.getsignal(signal.SIGTERM)
            if current is signal.SIG_DFL:
                self._previous = current
                signal.signal(signal.SIGTERM, self._on_sigterm)
                self._installed_signal = True

    def uninstall(self) -> None:
        atexit.unregister(self._close)
        if self._installed_signal and threading.current_thread() is threading.main_thread():
            if signal.getsignal(signal.SIGTERM) == self._on_sigterm:
                signal.signal(signal.SIGTERM, self._previous)
            self._installed_signal = False

    @property
    def handles_sigterm(self) -> bool:
        return self._installed_signal

    @staticmethod
    def _on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)
