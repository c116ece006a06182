"""Fixtures: one reference server per session (per xdist worker), the wire check of every response, and the
consistency of the emulator's status index after every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.reference import ReferenceServer
from conformance.reference.store import ANY_STANDING, STANDING_STATUSES, Store

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


def status_index_problems(store: Store) -> list[str]:
    """Where the store's list indexes disagree with the records (change requests, collaborations, memberships)."""
    problems = []
    with store.lock:
        seen: dict[str, dict[str, list[int]]] = {}
        for collab in store.collaborations.values():
            for row in collab.members.values():
                if not collab.deleted and row.status in STANDING_STATUSES:
                    mine = seen.setdefault(row.account_id, {})
                    mine.setdefault(ANY_STANDING, []).append(row.listed_at)
                    mine.setdefault(row.status, []).append(row.listed_at)
        for account in store.collaborations_by_account:
            postings = store.visible_by_account.get(account)
            for value in (ANY_STANDING, *STANDING_STATUSES):
                indexed = list(postings.positions(value)) if postings is not None else []
                expected = sorted(seen.get(account, {}).get(value, []))
                if indexed != expected:
                    problems.append(f"account {account} lists {value}: index {indexed}, records {expected}")
        for account, ids in store.memberships_by_account.items():
            records = [store.memberships[i] for i in ids]
            for status in {r.status for r in records} | {"ACTIVE", "REMOVED", "COLLABORATION_DELETED"}:
                expected = sorted(r.listed_at for r in records if r.status == status)
                indexed = list(store.membership_statuses[account].positions(status))
                if indexed != expected:
                    problems.append(f"account {account} memberships {status}: index {indexed}, records {expected}")
        for collab in store.collaborations.values():
            statuses = {r.status for r in collab.change_requests.values()} | {"PENDING", "APPROVED"}
            for status in statuses:
                expected = sorted(r.position for r in collab.change_requests.values() if r.status == status)
                indexed = list(collab.requests_by_status.positions(status))
                if indexed != expected:
                    problems.append(f"collaboration {collab.id} {status}: index {indexed}, requests {expected}")
    return problems


@pytest.fixture(autouse=True)
def _status_index_is_consistent(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every status change went through the store's setters (the lists' indexes rely on it)."""
    yield
    if "server" in request.fixturenames:
        server: ReferenceServer = request.getfixturevalue("server")
        problems = status_index_problems(server.emulator.store)
        assert not problems, "\n".join(problems)
