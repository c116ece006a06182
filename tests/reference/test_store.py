"""The store's clock and reset."""

from __future__ import annotations

import itertools

from conformance.reference.store import Store


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


def test_reset_empties_every_index() -> None:
    store = Store("us-east-1")
    store.index_collaboration("111111111111", "c")
    store.reset()
    assert store.collaborations_by_account == {}
