"""cleanrooms-conformance: a contract-test and conformance suite for AWS Clean Rooms implementations."""

from __future__ import annotations

__version__ = "0.1.0"
