"""Allure labels for a scenario: where it sits in Allure's Behaviors tree, and its evidence level as a tag.

Plain ``(name, value)`` pairs, so this layer needs no Allure import; the glue hands them to
``allure.dynamic.label`` when Allure is installed and asked for, and adds the ``parameter`` (target) itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from .families import OTHER, family_order, operation_family
from .records import ScenarioRecord


def allure_labels(scenario: ScenarioRecord, operations: Sequence[str]) -> list[tuple[str, str]]:
    """``epic`` (operation family), ``feature`` (each operation), ``story`` (title), ``tag`` (evidence, tags).

    ``operations`` are the operations the scenario's steps call, in step order. A workflow calls several
    families (almost every scenario starts with CreateCollaboration), so the epic is the most specific family
    it reaches, in the order change requests > memberships > members > collaborations: a change-request
    scenario belongs under "change requests" even though it creates a collaboration first.
    """
    distinct = list(dict.fromkeys(operations))
    families = {operation_family(op) for op in distinct} - {OTHER}
    epic = max(families, key=family_order) if families else OTHER
    labels = [("epic", epic)]
    labels.extend(("feature", op) for op in distinct)
    labels.append(("story", scenario.title or scenario.scenario_id))
    labels.append(("tag", scenario.evidence_level))
    labels.extend(("tag", tag) for tag in scenario.tags if tag != scenario.evidence_level)
    return labels
