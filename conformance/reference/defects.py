"""The defect seam: named, documented ways to break the reference emulator on purpose.

The suite's self-tests switch these on to prove that scenarios and fuzzers catch real bugs. Each defect is
checked with :meth:`Defects.active` at the one spot it affects, at the edges of the emulator: around a handler,
in a view or in one decision of the change-request state machine (:mod:`.defective`), in input validation
(:mod:`.validation`) or in error rendering (:mod:`.emulator`), so grepping for its name finds its whole effect
and the domain code names none. Switching is one attribute assignment (atomic under the GIL), so a running
server can be changed between requests without a lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from conformance.model.violations import ViolationKind

#: Input-validation defects: each one drops every violation of one kind before the 400 is decided.
SKIPPED_KINDS: Mapping[str, ViolationKind] = MappingProxyType(
    {
        "skip-length-check": ViolationKind.LENGTH,
        "skip-pattern-check": ViolationKind.PATTERN,
        "skip-enum-check": ViolationKind.ENUM,
        "skip-required-check": ViolationKind.MISSING_REQUIRED,
        "skip-item-count-check": ViolationKind.ITEM_COUNT,
        "skip-union-check": ViolationKind.UNION,
        "skip-range-check": ViolationKind.RANGE,
    }
)

#: Defect name → what it breaks (one line each).
DEFECTS: Mapping[str, str] = MappingProxyType(
    {
        **{name: f"input validation ignores {kind.value} violations" for name, kind in SKIPPED_KINDS.items()},
        "refused-update-mutates": "a refused APPROVE/DENY still records the caller's vote",
        "last-approval-stays-pending": "a change request stays PENDING after every voter approved",
        "auto-approved-as-approved": "auto-approved requests come back APPROVED (not applied), not COMMITTED",
        "list-drops-last-item": "list operations omit the last item of the final page",
        "outsider-can-read": "accounts without standing get 200 on Get/ListCollaborationChangeRequest(s)",
        "member-can-commit": "an ACTIVE member other than the creator may COMMIT a change request",
        "delete-returns-200": "DeleteCollaboration answers 200 with {} instead of 204",
        "iso-timestamps": "timestamps are ISO-8601 strings instead of epoch-second numbers",
        "drop-update-time": "change requests are rendered without updateTime",
        "untyped-errors": "error responses carry no X-Amzn-ErrorType header (nor __type/code)",
        "not-found-as-forbidden": "ResourceNotFoundException (404) is answered as AccessDenied (403)",
        "descending-order": "lists return the newest items first whatever the configured order",
        "ignore-max-results": "list operations ignore maxResults and use the default page size",
        "creator-votes": "the creator is listed in approvals and may APPROVE/DENY its own request",
        "deny-ignored": "DENY records the vote but leaves the change request PENDING",
        "add-member-active": "a committed ADD_MEMBER makes the new member ACTIVE instead of INVITED",
        "server-error-on-tab": "a tab character in a collaboration name answers 500 InternalServerException",
    }
)


def checked_names(names: Iterable[str]) -> frozenset[str]:
    """``names`` as a frozenset, or ValueError naming the unknown ones and listing the valid ones."""
    if isinstance(names, str):
        # A bare string would otherwise be taken letter by letter.
        names = (names,)
    chosen = frozenset(names)
    unknown = sorted(chosen - DEFECTS.keys())
    if unknown:
        raise ValueError(f"unknown defect(s) {', '.join(unknown)}; valid defects: {', '.join(sorted(DEFECTS))}")
    return chosen


class Defects:
    """The set of defects active right now."""

    __slots__ = ("_state",)

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._state: tuple[frozenset[str], frozenset[ViolationKind]] = (frozenset(), frozenset())
        self.set(names)

    def set(self, names: Iterable[str]) -> None:
        chosen = checked_names(names)
        skipped = frozenset(kind for name, kind in SKIPPED_KINDS.items() if name in chosen)
        self._state = (chosen, skipped)  # one assignment, so a request never sees half a switch

    @property
    def names(self) -> frozenset[str]:
        return self._state[0]

    @property
    def skipped_kinds(self) -> frozenset[ViolationKind]:
        """Violation kinds that input validation ignores (the ``skip-*-check`` defects)."""
        return self._state[1]

    def active(self, name: str) -> bool:
        if name not in DEFECTS:
            # A typo at a call site would silently disable a defect; fail loudly instead.
            raise KeyError(f"no defect named {name!r}")
        return name in self._state[0]
