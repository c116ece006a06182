"""Operation families: the four groups of the API the suite is about, for report grouping and Allure epics."""

from __future__ import annotations

import re

FAMILIES = ("collaborations", "members", "memberships", "change requests")
OTHER = "other"

_VERB = re.compile(r"^(?:BatchGet|Create|Get|List|Update|Delete|Start|Populate|Preview|Disallow|Tag|Untag)")
_NOUNS = {
    "Collaboration": "collaborations",
    "Member": "members",
    "Membership": "memberships",
    "CollaborationChangeRequest": "change requests",
}


def operation_family(operation: str) -> str:
    """``CreateCollaborationChangeRequest`` → ``change requests``; operations outside the four → ``other``.

    Decided by the resource noun after the verb, not by a substring, because many unrelated operations
    contain "Collaboration" (``ListCollaborationPrivacyBudgets``).
    """
    noun = _VERB.sub("", operation)
    noun = noun[:-1] if noun.endswith("s") else noun
    return _NOUNS.get(noun, OTHER)


def family_order(family: str) -> int:
    """Position for sorting: the four families in API order, then ``other``."""
    return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)
