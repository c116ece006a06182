"""Account-wide lists: which answers show other tests' resources, and whose a listed item is.

ListCollaborations and ListMemberships list every resource of the caller's account, not one collaboration's. On
a target shared by several tests (a scenario, a fuzz check, another xdist worker), they show resources the
caller did not make; what is wrong with one of those is not the caller's finding. The scenario runner and the
fuzz executor both judge such an answer only on the items whose ids they know, with the rules below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

#: Reads that list every resource of the caller's account, not one collaboration's.
ACCOUNT_WIDE = frozenset({"ListCollaborations", "ListMemberships"})
_ID_MEMBERS = ("id", "collaborationId", "membershipId")
#: ``collaborationList[3].name`` → (``collaborationList``, 3).
_LIST_ITEM = re.compile(r"^(\w+)\[(\d+)\]")


def item_ids(item: Any) -> set[str]:
    """The ids a list item (or a written object) names: its own, its collaboration's and its membership's."""
    if not isinstance(item, Mapping):
        return set()
    return {value for key in _ID_MEMBERS if isinstance(value := item.get(key), str)}


def listed_item(operation_name: str, path: str, answer: Any) -> Mapping[str, Any] | None:
    """The item of an account-wide list answer that a finding at ``path`` is about (None: about no one item)."""
    if operation_name not in ACCOUNT_WIDE or not isinstance(answer, Mapping):
        return None
    found = _LIST_ITEM.match(path)
    if found is None:
        return None
    items = answer.get(found.group(1))
    index = int(found.group(2))
    if not isinstance(items, list) or index >= len(items) or not isinstance(items[index], Mapping):
        return None
    item: Mapping[str, Any] = items[index]
    return item


def concerns(operation_name: str, path: str, answer: Any, known: Iterable[str] | set[str]) -> bool:
    """Whether a finding at ``path`` of an answer is the caller's: about the answer as a whole, or an item it knows.

    An item that names no id at all is everyone's (a broken item cannot hide behind a missing id).
    """
    item = listed_item(operation_name, path, answer)
    if item is None:
        return True
    ids = item_ids(item)
    return not ids or bool(ids & (known if isinstance(known, set) else set(known)))
