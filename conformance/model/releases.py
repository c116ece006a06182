"""What the Clean Rooms model held at each SDK release: one table for ``since:``, the fuzz layer and the emulator.

The installed botocore model is the latest one; an implementation of an older API (``--api-version=2025-09-03``)
must be judged only on what existed then. Each :class:`Release` lists what it *added* (operations, structure
members, enum values), relaxed or tightened (members that stopped or started being required, list caps and other
``min``/``max``/``pattern`` constraints that changed, a member that got a constrained shape), so the model as it
was on a date is the installed model minus everything added later, with the older constraints put back.
:meth:`ModelAt.service_model` builds that model as a botocore ``ServiceModel``, so every layer that walks shapes
(the shape checker, the generators, the OpenAPI converter) works on it unchanged.

Sources: the botocore git history and changelogs (behaviour reference, "History of the change-request API";
MODEL, CHLOG). From 2025-09-03 on the table covers the *whole* model: it was checked against the
``cleanrooms/2022-02-17/service-2.json`` of every botocore release it names (1.40.23 ... 1.43.69) and of the
installed 1.44.5; a change first seen in a release of the table may have arrived in an untabled release before it,
so the table is exact on its own dates. Changes between 1.43.69 and the installed model, whose release dates the
table does not know, are in :data:`UNDATED`: every ``--api-version`` date leaves them out. Before 2025-09-03 only
the change-request family is tracked.

The table itself (:class:`Release` rows and the named dates) is :mod:`conformance.model.release_table`; this
module turns it into answers (:class:`ModelAt`) and re-exports its names.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

from botocore.model import ServiceModel

from conformance.model.release_table import (
    APPROVALS,
    CHANGE_REQUESTS,
    DESCRIPTION_OPTIONAL,
    EXPORT_LOG_ABILITY,
    FIRST_MODEL,
    LATEST,
    MEMBER_CAP_DROPPED,
    METRICS,
    ML_AND_PAYER_CHANGES,
    RECEIVE_RESULTS_ALLOWED,
    RELEASE_DATES,
    RELEASES,
    RESULT_REGIONS,
    UNDATED,
    Release,
)
from conformance.model.service import (
    SERVICE_NAME,
    OperationInfo,
    UnknownOperationError,
    isolated_session,
    operation,
    operation_names,
    service_model,
)


def _after(at: date | None) -> tuple[Release, ...]:
    """The releases later than ``at``, oldest first (none when ``at`` is None: the installed model is the latest)."""
    if at is None:
        return ()
    return (*(release for release in RELEASES if release.date > at), UNDATED)


class NotYetReleasedError(LookupError):
    """An operation of the installed model that did not exist at the selected release."""

    def __init__(self, name: str, at: date) -> None:
        super().__init__(f"{name} did not exist at {at.isoformat()} (--api-version): it came with a later release")
        self.name = name
        self.at = at


@dataclass(frozen=True, slots=True)
class ModelAt:
    """The model as it was at one release: ask it whether an operation, member or enum value existed then.

    ``ModelAt(None)`` is the installed (latest) model, for which every question answers "yes". The layers take one
    as a keyword argument (default :data:`LATEST_MODEL`) and read shapes through :meth:`operation`, so the same code
    generates and checks against any release.
    """

    at: date | None = None

    def has_operation(self, name: str) -> bool:
        return not any(name in release.operations for release in _after(self.at))

    def has_member(self, shape: str, member: str) -> bool:
        return not any((shape, member) in release.members for release in _after(self.at))

    def enum_values(self, shape: str, values: Iterable[str]) -> tuple[str, ...]:
        """``values`` (the installed enum) without the ones added after ``at``, in their order."""
        later = {value for release in _after(self.at) for value in release.enum_values.get(shape, ())}
        return tuple(value for value in values if value not in later)

    def is_required(self, shape: str, member: str, required_now: bool) -> bool:
        """Whether ``member`` was required at ``at`` (it may have been relaxed, or made required, since)."""
        later = _after(self.at)
        if any((shape, member) in release.now_optional for release in later):
            return True
        return required_now and not any((shape, member) in release.now_required for release in later)

    def item_cap(self, shape: str, member: str) -> int | None:
        """A list cap that applied at ``at`` and was dropped later (None: no such cap)."""
        caps = [
            release.caps_dropped[(shape, member)]
            for release in _after(self.at)
            if (shape, member) in release.caps_dropped
        ]
        return min(caps) if caps else None

    def add_member_allows(self, ability: str) -> bool:
        """Whether the documentation of ``at`` lets a new member's change specification carry ``ability`` (A12).

        CAN_QUERY and CAN_RUN_JOB are never allowed there; CAN_RECEIVE_RESULTS only from 2026-04-17 (the
        grant to an existing member came with its change type on 2025-12-18); an ability added to the enum
        later only from its release.
        """
        if ability in _NEVER_IN_MEMBER_SPECS:
            return False
        return not any(ability in release.add_member_abilities for release in _after(self.at))

    @property
    def label(self) -> str:
        """``2025-09-03`` or ``latest`` (for messages and reports)."""
        return self.at.isoformat() if self.at is not None else "latest"

    def service_model(self) -> ServiceModel:
        """The botocore model as it was at ``at`` (the installed model itself for ``ModelAt(None)``)."""
        return service_model() if self.at is None else _dated_model(self.at)

    def operation_names(self) -> tuple[str, ...]:
        """The operations that existed at ``at``, in the installed model's order."""
        return tuple(name for name in operation_names() if self.has_operation(name))

    def operation(self, name: str) -> OperationInfo:
        """An operation with its shapes as they were at ``at``.

        Raises :class:`~conformance.model.service.UnknownOperationError` for a name the model never had and
        :class:`NotYetReleasedError` for one that came later.
        """
        info = operation(name)
        if self.at is None:
            return info
        if not self.has_operation(name):
            raise NotYetReleasedError(name, self.at)
        return replace(info, model=_dated_model(self.at).operation_model(name))


LATEST_MODEL = ModelAt(None)

#: A12: abilities a member change specification never carries.
_NEVER_IN_MEMBER_SPECS = frozenset({"CAN_QUERY", "CAN_RUN_JOB"})


@cache
def _dated_model(at: date) -> ServiceModel:
    """The installed model's description with every later release undone, newest first."""
    description = copy.deepcopy(isolated_session().get_service_data(SERVICE_NAME))
    operations: dict[str, Any] = description["operations"]
    shapes: dict[str, Any] = description["shapes"]
    for release in reversed(_after(at)):
        for name in release.operations:
            operations.pop(name, None)
        for shape, member in release.members:
            _structure(shapes, shape)["members"].pop(member, None)
            _set_required(shapes, shape, member, required=False)
        for shape, values in release.enum_values.items():
            shapes[shape]["enum"] = [value for value in shapes[shape]["enum"] if value not in values]
        for shape, member in release.now_optional:
            _set_required(shapes, shape, member, required=True)
        for shape, member in release.now_required:
            _set_required(shapes, shape, member, required=False)
        for (shape, member), cap in release.caps_dropped.items():
            shapes[_structure(shapes, shape)["members"][member]["shape"]]["max"] = cap
        for (shape, member), target in release.retargeted.items():
            _structure(shapes, shape)["members"][member]["shape"] = target
        for shape, old in release.constraints.items():
            for key, value in old.items():
                if value is None:
                    shapes[shape].pop(key, None)
                else:
                    shapes[shape][key] = value
    return ServiceModel(description, service_name=SERVICE_NAME)


def _structure(shapes: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = shapes[name]
    if found.get("type") != "structure":
        raise ValueError(f"release table: {name} is not a structure shape")
    return found


def _set_required(shapes: dict[str, Any], shape: str, member: str, *, required: bool) -> None:
    names: list[str] = [name for name in _structure(shapes, shape).get("required", []) if name != member]
    if required:
        names.append(member)
    shapes[shape]["required"] = names


__all__ = [
    "APPROVALS",
    "CHANGE_REQUESTS",
    "DESCRIPTION_OPTIONAL",
    "EXPORT_LOG_ABILITY",
    "FIRST_MODEL",
    "LATEST",
    "LATEST_MODEL",
    "MEMBER_CAP_DROPPED",
    "METRICS",
    "ML_AND_PAYER_CHANGES",
    "RECEIVE_RESULTS_ALLOWED",
    "RELEASES",
    "RELEASE_DATES",
    "RESULT_REGIONS",
    "UNDATED",
    "ModelAt",
    "NotYetReleasedError",
    "Release",
    "UnknownOperationError",
]
