from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.fuzz.fixtures import SETUP, FixturePool
from conformance.model import families
from conformance.model.exchange import CallResult
from conformance.targets import RunningTarget

ACCOUNTS = {"creator": "111111111111", "member": "222222222222", "member2": "444444444444", "outsider": "333333333333"}


def test_a_fixture_binds_every_name_on_the_reference(healthy: RunningTarget) -> None:
    pool = FixturePool(lambda a, o, p: healthy.call(a, o, p), healthy.accounts)
    fixture = pool.acquire()
    assert {"collab", "membership", "member_membership", "request", "accounts.member", "new_account"} <= set(
        fixture.bindings
    )
    assert {r.ref for r in families.RESOURCES} <= set(fixture.bindings)  # every family's resource
    assert fixture.steps == SETUP
    assert fixture.failures == ()
    assert pool.acquire() is fixture  # the clean one is lent again
    assert pool.acquire(fresh=True) is not fixture


def test_refused_setup_steps_leave_names_unbound_and_dirty_fixtures_are_deleted() -> None:
    calls: list[tuple[str, str]] = []

    def call(actor: str, operation: str, params: Mapping[str, Any]) -> CallResult:
        calls.append((actor, operation))
        if operation == "CreateCollaboration":
            return CallResult(operation, parsed={"collaboration": {"id": "c-1"}})
        return CallResult(operation, error_code="UnknownOperationException")

    pool = FixturePool(call, ACCOUNTS)
    fixture = pool.acquire()
    assert fixture.bindings["collab"] == "c-1"
    assert "request" not in fixture.bindings
    assert len(fixture.failures) == 3
    pool.release(fixture, clean=False)
    assert calls[-1] == ("creator", "DeleteCollaboration")
    assert pool.acquire() is not fixture


def test_a_second_clean_fixture_and_the_last_one_are_deleted() -> None:
    deleted: list[str] = []
    made = iter(f"c-{n}" for n in range(1, 10))

    def call(actor: str, operation: str, params: Mapping[str, Any]) -> CallResult:
        if operation == "CreateCollaboration":
            return CallResult(operation, parsed={"collaboration": {"id": next(made)}})
        if operation == "DeleteCollaboration":
            deleted.append(str(params["collaborationIdentifier"]))
        return CallResult(operation, parsed={})

    pool = FixturePool(call, ACCOUNTS)
    shared = pool.acquire()
    fresh = pool.acquire(fresh=True)
    pool.release(fresh, clean=True)  # a refused call left it as it was, but one clean fixture is enough
    assert deleted == [fresh.bindings["collab"]]
    pool.release(shared, clean=True)
    assert pool.acquire() is shared
    pool.close()
    assert deleted == [fresh.bindings["collab"], shared.bindings["collab"]]
    pool.close()  # nothing left to delete
    assert len(deleted) == 2
