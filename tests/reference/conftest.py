"""Fixtures: one reference server per session (per xdist worker) and the wire check of every response."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.reference import ReferenceServer

from .support import LOG, Actors, actors


@pytest.fixture(scope="session")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as running:
        yield running


@pytest.fixture(scope="session")
def who(server: ReferenceServer) -> Actors:
    """Recording clients for creator, member and outsider (and a raw creator) on the session server."""
    return actors(server.url)


@pytest.fixture(autouse=True)
def _every_response_conforms() -> Iterator[None]:
    """Each exchange a recording client made during the test passes check_output and check_wire."""
    LOG.clear()
    yield
    found = LOG.violations()
    assert not found, "responses that break the model or the wire rules:\n" + "\n".join(
        f"  {operation} HTTP {status}: {violation}" for operation, status, violation in found
    )
