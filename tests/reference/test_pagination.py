"""Pages over append-only indexes: cost proportional to the page, stable cursors, signed tokens (A15)."""

from __future__ import annotations

import random

import pytest

from conformance.reference.errors import ApiError
from conformance.reference.pagination import Listing, Pager, Postings

ASC = Listing("ListThings", "scope-1", "", descending=False)
DESC = Listing("ListThings", "scope-1", "", descending=True)


class CountingSelect:
    """A select function that counts how many index entries it looked at."""

    def __init__(self, keep: set[int] | None = None) -> None:
        self.keep = keep
        self.calls = 0

    def __call__(self, item: int) -> int | None:
        self.calls += 1
        return item if self.keep is None or item in self.keep else None


def test_a_page_of_ten_thousand_costs_what_the_page_needs() -> None:
    pager = Pager()
    index = list(range(10_000))
    select = CountingSelect()
    first = pager.page(ASC, index, select, token=None, size=10)
    assert first.items == list(range(10))
    assert select.calls == 11  # the page plus one look-ahead
    select.calls = 0
    later = pager.page(ASC, index, select, token=first.next_token, size=10)
    assert later.items == list(range(10, 20))
    assert select.calls == 11  # a token is a position, not an offset re-counted from the start


def test_the_last_page_has_no_token_even_when_it_is_full() -> None:
    pager = Pager()
    page = pager.page(ASC, [1, 2, 3, 4], CountingSelect(), token=None, size=2)
    last = pager.page(ASC, [1, 2, 3, 4], CountingSelect(), token=page.next_token, size=2)
    assert last.items == [3, 4]
    assert last.next_token is None


def test_no_token_when_only_filtered_out_items_remain() -> None:
    pager = Pager()
    page = pager.page(ASC, list(range(10)), CountingSelect({0, 1}), token=None, size=2)
    assert page.items == [0, 1]
    assert page.next_token is None


def test_items_added_after_a_page_are_seen_by_the_next_one() -> None:
    pager = Pager()
    index = [1, 2, 3]
    page = pager.page(ASC, index, CountingSelect(), token=None, size=2)
    index.extend([4, 5])
    rest = pager.page(ASC, index, CountingSelect(), token=page.next_token, size=10)
    assert rest.items == [3, 4, 5]


def test_descending_pages_walk_backwards() -> None:
    pager = Pager()
    index = [1, 2, 3, 4, 5]
    page = pager.page(DESC, index, CountingSelect(), token=None, size=2)
    assert page.items == [5, 4]
    rest = pager.page(DESC, index, CountingSelect(), token=page.next_token, size=10)
    assert rest.items == [3, 2, 1]
    assert rest.next_token is None


def test_an_empty_token_means_from_the_start() -> None:
    assert Pager().page(ASC, [1, 2], CountingSelect(), token="", size=5).items == [1, 2]


@pytest.mark.parametrize(
    "other",
    [
        Listing("ListOther", "scope-1", "", descending=False),
        Listing("ListThings", "scope-2", "", descending=False),
        Listing("ListThings", "scope-1", "PENDING", descending=False),
        Listing("ListThings", "scope-1", "", descending=True),
    ],
)
def test_a_token_only_continues_its_own_listing(other: Listing) -> None:
    pager = Pager()
    token = pager.page(ASC, [1, 2, 3], CountingSelect(), token=None, size=1).next_token
    with pytest.raises(ApiError) as info:
        pager.page(other, [1, 2, 3], CountingSelect(), token=token, size=1)
    assert info.value.status == 400
    assert info.value.members["fieldList"][0]["name"] == "nextToken"


@pytest.mark.parametrize("token", ["garbage", "a.b", "é.é", "W10.AAAA", "..", "x" * 200])
def test_made_up_tokens_are_refused(token: str) -> None:
    with pytest.raises(ApiError) as info:
        Pager().page(ASC, [1, 2, 3], CountingSelect(), token=token, size=1)
    assert info.value.code == "ValidationException"
    assert info.value.members["reason"] == "FIELD_VALIDATION_FAILED"


def test_tokens_of_another_emulator_are_refused() -> None:
    token = Pager().page(ASC, [1, 2, 3], CountingSelect(), token=None, size=1).next_token
    with pytest.raises(ApiError):
        Pager().page(ASC, [1, 2, 3], CountingSelect(), token=token, size=1)


# --- sparse filters: candidate positions --------------------------------------------------------------------


def test_postings_keep_positions_sorted_by_value() -> None:
    postings = Postings()
    for position, status in enumerate(["PENDING", "APPROVED", "PENDING", "CANCELLED", "PENDING"]):
        postings.add(status, position)
    postings.move(2, "PENDING", "APPROVED")
    postings.move(0, "PENDING", "CANCELLED")
    postings.move(4, "PENDING", "PENDING")  # no change
    assert list(postings.positions("PENDING")) == [4]
    assert list(postings.positions("APPROVED")) == [1, 2]
    assert list(postings.positions("CANCELLED")) == [0, 3]
    assert list(postings.positions("DENIED")) == []


def test_a_sparse_filter_costs_what_the_page_needs() -> None:
    pager = Pager()
    index = list(range(10_000))
    wanted = {17, 5_000, 9_998}
    select = CountingSelect(wanted)
    first = pager.page(ASC, index, select, token=None, size=2, candidates=sorted(wanted))
    assert first.items == [17, 5_000]
    second = pager.page(ASC, index, select, token=first.next_token, size=2, candidates=sorted(wanted))
    assert second.items == [9_998]
    assert second.next_token is None
    assert select.calls == 4  # three items and one look-ahead, not ten thousand entries


@pytest.mark.parametrize("listing", [ASC, DESC], ids=["ascending", "descending"])
@pytest.mark.parametrize("size", [1, 2, 3, 7])
@pytest.mark.parametrize("seed", range(8))
def test_candidates_give_the_same_pages_and_tokens(listing: Listing, size: int, seed: int) -> None:
    chooser = random.Random(seed)
    index = list(range(chooser.randrange(0, 40)))
    wanted = {item for item in index if chooser.random() < 0.3}
    pager = Pager(key=b"fixed key for both walks")
    tokens: list[str | None] = [None]
    plain_pages, candidate_pages = [], []
    for token in tokens:
        plain = pager.page(listing, index, CountingSelect(wanted), token=token, size=size)
        fast = pager.page(listing, index, CountingSelect(wanted), token=token, size=size, candidates=sorted(wanted))
        plain_pages.append(plain)
        candidate_pages.append(fast)
        if plain.next_token is not None:
            tokens.append(plain.next_token)
    assert candidate_pages == plain_pages
    expected = sorted(wanted, reverse=listing.descending)
    assert [item for page in plain_pages for item in page.items] == expected
