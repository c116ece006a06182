"""Operation families for report grouping and Allure epics, read from :mod:`conformance.model.families`."""

from __future__ import annotations

import re

from conformance.model.families import FAMILIES as _REGISTRY

#: The families' report names, in the order reports list them.
FAMILIES = tuple(family.name for family in _REGISTRY)
OTHER = "other"

_VERB = re.compile(r"^(?:BatchGet|Create|Get|List|Update|Delete|Start|Populate|Preview|Disallow|Tag|Untag)")
_NOUNS = {noun: family.name for family in _REGISTRY for noun in family.nouns}


def operation_family(operation: str) -> str:
    """``CreateCollaborationChangeRequest`` → ``change requests``; operations outside every family → ``other``.

    Decided by the resource noun after the verb, not by a substring, because many unrelated operations
    contain "Collaboration" (``ListCollaborationPrivacyBudgets``). Every model operation with a family's noun
    counts, judged or not (``UpdateMembership`` is a membership operation the suite does not judge yet).
    """
    noun = _VERB.sub("", operation)
    noun = noun[:-1] if noun.endswith("s") else noun
    return _NOUNS.get(noun, OTHER)


def family_order(family: str) -> int:
    """Position for sorting: the families in registry order, then ``other``."""
    return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)
