"""Pages over the store's append-only indexes, with opaque signed ``nextToken`` values (A15).

A token carries the *position* of the next item to look at in an append-only index, plus what it belongs to
(the operation, the scope such as a collaboration id or account, the filter and the direction). Because an
index is never re-sorted and never loses entries, that position stays valid while items are added, so a page
costs what the page needs, not a sort of the whole list. A filter that keeps few entries (a status) would
still mean walking past all the others; :class:`Postings` keeps, per filter value, the sorted positions that
have it, and a page given those ``candidates`` jumps (by bisection) straight to them. The token is
base64url(JSON) with a truncated HMAC under a per-emulator random key, so a token from another list, another
filter or another emulator (or a made-up one) is refused with 400 instead of being misread.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import hmac
import itertools
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from conformance.reference.errors import ApiError, field_validation

T = TypeVar("T")
K = TypeVar("K")

#: A15: the page size when the caller gives no maxResults (the model allows 1..100).
DEFAULT_PAGE_SIZE = 50

_SIGNATURE_BYTES = 12


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class Listing:
    """What a token is bound to: one list operation, over one scope, with one filter, in one direction."""

    operation: str
    scope: str
    filter: str
    descending: bool


class Postings:
    """The positions of an append-only index grouped by a value that can change (a status), each group sorted.

    Positions are appended in order as items are added, so adding is an append; a change of value moves one
    position between two groups (bisection, then a C-level insert/delete).
    """

    __slots__ = ("_by_value",)

    def __init__(self) -> None:
        self._by_value: dict[str, list[int]] = {}

    def add(self, value: str, position: int) -> None:
        group = self._by_value.setdefault(value, [])
        if group and group[-1] > position:
            bisect.insort(group, position)
        else:
            group.append(position)

    def remove(self, value: str, position: int) -> None:
        group = self._by_value.get(value, [])
        at = bisect.bisect_left(group, position)
        if at < len(group) and group[at] == position:
            del group[at]

    def move(self, position: int, old: str, new: str) -> None:
        if old != new:
            self.remove(old, position)
            self.add(new, position)

    def positions(self, value: str) -> Sequence[int]:
        """The sorted positions whose value is ``value`` (a live view: do not keep it across changes)."""
        return self._by_value.get(value, ())


class Pager:
    """Reads pages and signs/verifies the tokens that continue them."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)

    def page(
        self,
        listing: Listing,
        index: Sequence[K],
        select: Callable[[K], T | None],
        *,
        token: str | None,
        size: int,
        candidates: Sequence[int] | None = None,
    ) -> Page[T]:
        """Up to ``size`` selected items from ``index`` starting where ``token`` points.

        ``select`` returns the item for an index entry, or None to skip it (a filter). A ``nextToken`` is
        returned only when at least one more selected item exists after the page. ``candidates``, when given,
        are the sorted positions the filter can keep (see :class:`Postings`): only they are looked at, and the
        page and its token are the same as without them.
        """
        step = -1 if listing.descending else 1
        position = self._start(listing, token, len(index))
        if candidates is not None:
            return self._page_candidates(listing, index, select, position, size, candidates)
        items: list[T] = []
        end = len(index) if step == 1 else -1
        while position != end and len(items) < size:
            item = select(index[position])
            position += step
            if item is not None:
                items.append(item)
        # Look ahead for one more selected item so a token is never handed out for an empty next page.
        probe = position
        while probe != end:
            if select(index[probe]) is not None:
                return Page(items, self._token(listing, position))
            probe += step
        return Page(items, None)

    def _page_candidates(
        self,
        listing: Listing,
        index: Sequence[K],
        select: Callable[[K], T | None],
        position: int,
        size: int,
        candidates: Sequence[int],
    ) -> Page[T]:
        # The same walk as page(), over the candidate positions only: the token still holds a position of
        # ``index`` (the one after the last item returned), so both walks hand out the same tokens.
        if listing.descending:
            at = bisect.bisect_right(candidates, position) - 1
            ahead = range(at, -1, -1)
        else:
            at = bisect.bisect_left(candidates, position)
            ahead = range(at, len(candidates))
        items: list[T] = []
        walk = iter(ahead)
        for slot in walk:
            if len(items) == size:
                # Look ahead for one more selected item, as page() does.
                for later in itertools.chain((slot,), walk):
                    if select(index[candidates[later]]) is not None:
                        return Page(items, self._token(listing, position))
                return Page(items, None)
            found = select(index[candidates[slot]])
            if found is not None:
                items.append(found)
                position = candidates[slot] + (-1 if listing.descending else 1)
        return Page(items, None)

    def _start(self, listing: Listing, token: str | None, length: int) -> int:
        if not token:
            # The model allows an empty token (length 0..10240); it can only mean "from the start".
            return length - 1 if listing.descending else 0
        position = self._position(listing, token)
        # Positions from before a reset() may point past the end; they read as "nothing left".
        if listing.descending:
            return min(position, length - 1)
        return min(position, length)

    def _token(self, listing: Listing, position: int) -> str:
        payload = json.dumps(
            [listing.operation, listing.scope, listing.filter, listing.descending, position],
            separators=(",", ":"),
        ).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def _position(self, listing: Listing, token: str) -> int:
        try:
            encoded, signature = token.split(".")
            payload = _unb64(encoded)
            valid = hmac.compare_digest(_unb64(signature), self._sign(payload))
            operation, scope, filter_value, descending, position = json.loads(payload)
        except (ValueError, TypeError, binascii.Error):
            raise _bad_token("it is not a token this emulator issued") from None
        if not valid:
            raise _bad_token("it is not a token this emulator issued")
        if (operation, scope, filter_value, descending) != (
            listing.operation,
            listing.scope,
            listing.filter,
            listing.descending,
        ):
            raise _bad_token("it was issued for another list, collaboration or filter")
        if not isinstance(position, int) or position < -1:
            raise _bad_token("it is not a token this emulator issued")
        return position

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def _bad_token(why: str) -> ApiError:
    # A15: an invalid or foreign token is a 400 on the nextToken field.
    text = f"Invalid nextToken: {why}"
    return field_validation(
        [("nextToken", text)],
        f"1 validation error detected: Value at 'nextToken' failed to satisfy constraint: {text}",
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("non-ASCII token")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
