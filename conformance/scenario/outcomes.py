"""The fixed outcomes of a check (ARCHITECTURE.md): what a scenario, a step or a fuzz finding ended as."""

from __future__ import annotations

import enum


class Outcome(enum.StrEnum):
    """How a check ended. The values are the names users see in reports and expectations files."""

    PASS = "PASS"
    FAIL = "FAIL"
    """The target answered, and the answer broke a written expectation or the model."""
    UNSUPPORTED = "UNSUPPORTED"
    """The target does not implement the operation (unknown-operation error, 404 on the route, 501)."""
    ERROR = "ERROR"
    """The target or the suite broke: timeout, refused connection, unparseable body, a suite bug."""
    XFAIL = "XFAIL"
    """Failed, and the expectations file says it would (set by the report layer, never by the runner)."""
    XPASS = "XPASS"
    """Listed as a known failure but passed: a stale expectation (set by the report layer)."""
