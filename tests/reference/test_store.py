"""The store's clock and reset."""

from __future__ import annotations

import itertools

from conformance.reference.store import ANY_STANDING, CollaborationRecord, MemberRecord, Store


def test_the_clock_is_strictly_increasing_at_millisecond_precision() -> None:
    store = Store("us-east-1")
    stamps = [store.now() for _ in range(1000)]
    assert all(later > earlier for earlier, later in itertools.pairwise(stamps))
    assert all(round(stamp, 3) == stamp for stamp in stamps)


def test_ids_are_lowercase_uuid4() -> None:
    value = Store.new_id()
    assert value == value.lower()
    assert value[14] == "4"
    assert len(value) == 36


def _row(account: str, status: str = "INVITED") -> MemberRecord:
    return MemberRecord(account, account, status, [], None, {}, 0.0, 0.0)


def test_reset_empties_every_index() -> None:
    store = Store("us-east-1")
    store.index_member("c", _row("111111111111"))
    store.reset()
    assert store.collaborations_by_account == {}
    assert store.visible_by_account == {}


def _collaboration(store: Store, collab_id: str, *rows: MemberRecord) -> CollaborationRecord:
    collab = CollaborationRecord(
        collab_id, "arn", "n", None, "111111111111", "c", 0.0, 0.0, "DISABLED", None, None, None, None, None, None, None
    )
    for row in rows:
        collab.add_member(row)
        store.index_member(collab_id, row)
    store.collaborations[collab_id] = collab
    return collab


def test_an_account_lists_what_it_has_standing_in_until_the_collaboration_is_deleted() -> None:
    store = Store("us-east-1")
    account = "222222222222"
    rows = [_row(account) for _ in range(4)]
    collabs = [_collaboration(store, f"c{n}", row) for n, row in enumerate(rows)]
    store.set_member_status(collabs[1], rows[1], "ACTIVE")
    store.set_member_status(collabs[2], rows[2], "REMOVED")
    store.delete_collaboration(collabs[3])
    visible = store.visible_by_account[account]
    assert list(visible.positions(ANY_STANDING)) == [0, 1]
    assert list(visible.positions("INVITED")) == [0]
    assert list(visible.positions("ACTIVE")) == [1]
    assert list(visible.positions("REMOVED")) == []
