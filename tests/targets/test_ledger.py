from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from conformance.targets import TargetError
from conformance.targets.ledger import Ledger, LedgerEntry

COLLAB = LedgerEntry("collaboration", "c-1", "creator", "arn:c-1")
MEMBERSHIP = LedgerEntry("membership", "m-1", "member")


class FakeClient:
    """Records delete calls; raises what it is told to."""

    def __init__(self, log: list[str], error: Exception | None = None) -> None:
        self.log = log
        self.error = error

    def _delete(self, kind: str, **params: Any) -> dict[str, Any]:
        self.log.append(f"{kind} {params}")
        if self.error is not None:
            raise self.error
        return {}

    def delete_collaboration(self, **params: Any) -> dict[str, Any]:
        return self._delete("collaboration", **params)

    def delete_membership(self, **params: Any) -> dict[str, Any]:
        return self._delete("membership", **params)

    def get_collaboration(self, **params: Any) -> dict[str, Any]:
        return {"collaboration": {}}  # still there: a refused delete stays a failure


def test_nothing_is_written_until_something_is_created(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledgers", "cr-conf-00000001")
    assert ledger.path == tmp_path / "ledgers" / "cr-conf-00000001.jsonl"
    assert ledger.outstanding() == ()
    assert not ledger.path.parent.exists()


def test_lines_are_written_as_they_happen_and_reload(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, "run-0001")
    ledger.record_created(COLLAB)
    ledger.record_created(COLLAB)  # recorded once
    ledger.record_created(MEMBERSHIP)
    ledger.record_deleted("membership", "m-1")
    ledger.record_deleted("membership", "m-1")  # noted once
    ledger.record_deleted("collaboration", "not-ours")  # ignored
    lines = [json.loads(line) for line in ledger.path.read_text().splitlines()]
    assert [(r["event"], r["kind"], r["id"]) for r in lines] == [
        ("created", "collaboration", "c-1"),
        ("created", "membership", "m-1"),
        ("deleted", "membership", "m-1"),
    ]
    assert lines[0] == {**lines[0], "actor": "creator", "arn": "arn:c-1"}
    assert isinstance(lines[0]["at"], float)
    # A later process (cleanup) sees the same state.
    assert Ledger(tmp_path, "run-0001").outstanding() == (COLLAB,)


def test_torn_and_foreign_lines_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "run-0002.jsonl"
    good = json.dumps({"event": "created", "kind": "membership", "id": "m-1", "actor": "member"})
    foreign = json.dumps({"event": "created", "kind": "table", "id": "t-1", "actor": "creator"})
    path.write_text(f'{good}\n\n{foreign}\n{{"event": "crea')
    assert Ledger(tmp_path, "run-0002").outstanding() == (MEMBERSHIP,)
    assert f"{path}:3: skipping unreadable ledger line" in caplog.text
    assert f"{path}:4: skipping unreadable ledger line" in caplog.text


def test_drain_deletes_newest_first_as_the_creating_actor(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, "run-0003")
    ledger.record_created(COLLAB)
    ledger.record_created(MEMBERSHIP)
    calls: list[str] = []
    actors: list[str] = []

    def client_for(actor: str) -> Any:
        actors.append(actor)
        return FakeClient(calls)

    results = ledger.drain(client_for)
    assert calls == ["membership {'membershipIdentifier': 'm-1'}", "collaboration {'collaborationIdentifier': 'c-1'}"]
    assert actors == ["member", "creator"]
    assert [(r.entry, r.outcome) for r in results] == [(MEMBERSHIP, "deleted"), (COLLAB, "deleted")]
    assert ledger.outstanding() == ()
    assert ledger.drain(client_for) == ()


def test_drain_outcomes(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    ledger = Ledger(tmp_path, "run-0004")
    for n in range(4):
        ledger.record_created(LedgerEntry("collaboration", f"c-{n}", f"actor{n}"))
    not_found = ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no"}}, "DeleteCollaboration")
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DeleteCollaboration")
    errors: dict[str, Exception | None] = {
        "actor0": None,
        "actor1": not_found,
        "actor2": denied,
        "actor3": EndpointConnectionError(endpoint_url="https://x"),
    }

    def client_for(actor: str) -> Any:
        return FakeClient([], errors[actor])

    results = {r.entry.resource_id: (r.outcome, r.detail) for r in ledger.drain(client_for)}
    assert results["c-0"] == ("deleted", "")
    assert results["c-1"] == ("gone", "ResourceNotFoundException")
    assert results["c-2"][0] == "failed"
    assert "AccessDeniedException" in results["c-2"][1]
    assert results["c-3"][0] == "failed"
    assert results["c-3"][1].startswith("EndpointConnectionError: ")
    assert [e.resource_id for e in ledger.outstanding()] == ["c-2", "c-3"]
    assert "could not delete collaboration c-2 as actor2" in caplog.text


def test_an_actor_missing_from_the_target_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, "run-0005")
    ledger.record_created(COLLAB)

    def client_for(actor: str) -> Any:
        raise TargetError(f"unknown actor {actor!r}")

    (result,) = ledger.drain(client_for)
    assert (result.outcome, result.detail) == ("failed", "TargetError: unknown actor 'creator'")


def test_ctrl_c_stops_the_drain_and_keeps_the_rest(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, "run-0006")
    ledger.record_created(COLLAB)
    ledger.record_created(MEMBERSHIP)

    def client_for(actor: str) -> Any:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ledger.drain(client_for)
    assert Ledger(tmp_path, "run-0006").outstanding() == (COLLAB, MEMBERSHIP)
