"""What the Clean Rooms model held at each SDK release: one table for ``since:``, the fuzz layer and the emulator.

The installed botocore model is the latest one; an implementation of an older API (``--api-version=2025-09-03``)
must be judged only on what existed then. Each :class:`Release` lists what it *added* (operations, structure
members, enum values) or relaxed (members that stopped being required, list caps that were dropped), so the
model as it was on a date is the installed model minus everything added later. The dates and contents come from
the botocore git history and changelogs (behaviour reference, "History of the change-request API"; MODEL, CHLOG).

Only the shapes the suite's operation families use are tracked; anything not listed here is taken to have existed
since the first model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Release:
    """One SDK release that changed the Clean Rooms model, and what it changed."""

    date: date
    botocore: str
    summary: str
    operations: frozenset[str] = frozenset()
    """Operations that first appeared in this release."""
    members: frozenset[tuple[str, str]] = frozenset()
    """``(structure shape, member)`` pairs that first appeared."""
    enum_values: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Enum shape name → the values that first appeared."""
    now_optional: frozenset[tuple[str, str]] = frozenset()
    """``(structure shape, member)`` pairs that were required before this release and optional from it."""
    caps_dropped: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """``(structure shape, list member)`` → the item cap that applied before this release."""


FIRST_MODEL = date(2023, 1, 12)
CHANGE_REQUESTS = date(2025, 9, 3)
RESULT_REGIONS = date(2025, 10, 3)
MEMBER_CAP_DROPPED = date(2025, 12, 1)
APPROVALS = date(2025, 12, 18)
METRICS = date(2026, 1, 2)
RECEIVE_RESULTS_ALLOWED = date(2026, 4, 17)
ML_AND_PAYER_CHANGES = date(2026, 5, 21)
DESCRIPTION_OPTIONAL = date(2026, 6, 30)
EXPORT_LOG_ABILITY = date(2026, 8, 11)

_CHANGE_REQUEST_SHAPES = ("CollaborationChangeRequest", "CollaborationChangeRequestSummary")

RELEASES: tuple[Release, ...] = (
    Release(FIRST_MODEL, "first model", "collaborations, members, memberships; members capped at 9"),
    Release(
        CHANGE_REQUESTS,
        "1.40.23",
        "Create/Get/ListCollaborationChangeRequest(s); auto-approved ADD_MEMBER",
        operations=frozenset(
            {"CreateCollaborationChangeRequest", "GetCollaborationChangeRequest", "ListCollaborationChangeRequests"}
        ),
        members=frozenset(
            {
                ("CreateCollaborationInput", "autoApprovedChangeRequestTypes"),
                ("Collaboration", "autoApprovedChangeTypes"),
            }
        ),
        enum_values={
            "ChangeType": frozenset({"ADD_MEMBER"}),
            "AutoApprovedChangeType": frozenset({"ADD_MEMBER"}),
            "ChangeSpecificationType": frozenset({"MEMBER"}),
        },
    ),
    Release(
        RESULT_REGIONS,
        "1.40.45",
        "allowedResultRegions",
        members=frozenset(
            {("CreateCollaborationInput", "allowedResultRegions"), ("Collaboration", "allowedResultRegions")}
        ),
    ),
    Release(
        MEMBER_CAP_DROPPED,
        "1.41.6",
        "no 9-member cap on CreateCollaboration.members",
        caps_dropped={("CreateCollaborationInput", "members"): 9},
    ),
    Release(
        APPROVALS,
        "1.42.13",
        "UpdateCollaborationChangeRequest, approvals, COLLABORATION specs",
        operations=frozenset({"UpdateCollaborationChangeRequest"}),
        members=frozenset(
            {*((shape, "approvals") for shape in _CHANGE_REQUEST_SHAPES), ("ChangeSpecification", "collaboration")}
        ),
        enum_values={
            "ChangeSpecificationType": frozenset({"COLLABORATION"}),
            "ChangeType": frozenset(
                {"GRANT_RECEIVE_RESULTS_ABILITY", "REVOKE_RECEIVE_RESULTS_ABILITY", "EDIT_AUTO_APPROVED_CHANGE_TYPES"}
            ),
            "AutoApprovedChangeType": frozenset({"GRANT_RECEIVE_RESULTS_ABILITY", "REVOKE_RECEIVE_RESULTS_ABILITY"}),
        },
    ),
    Release(
        METRICS,
        "1.42.20",
        "isMetricsEnabled",
        members=frozenset(
            {
                ("CreateCollaborationInput", "isMetricsEnabled"),
                ("Collaboration", "isMetricsEnabled"),
                ("CreateMembershipInput", "isMetricsEnabled"),
                ("Membership", "isMetricsEnabled"),
            }
        ),
    ),
    Release(RECEIVE_RESULTS_ALLOWED, "1.42.91", "docs: CAN_RECEIVE_RESULTS allowed in member change specs"),
    Release(
        ML_AND_PAYER_CHANGES,
        "1.43.13",
        "payer candidates and ML output change types",
        members=frozenset(
            {("MemberChangeSpecification", "mlMemberAbilities"), ("MemberChangeSpecification", "paymentConfiguration")}
        ),
        enum_values={
            "ChangeType": frozenset(
                {
                    "ADD_PAYER_CANDIDATE",
                    "REMOVE_PAYER_CANDIDATE",
                    "GRANT_CAN_RECEIVE_MODEL_OUTPUT",
                    "GRANT_CAN_RECEIVE_INFERENCE_OUTPUT",
                    "REVOKE_CAN_RECEIVE_MODEL_OUTPUT",
                    "REVOKE_CAN_RECEIVE_INFERENCE_OUTPUT",
                }
            )
        },
    ),
    Release(
        DESCRIPTION_OPTIONAL,
        "1.43.38",
        "CreateCollaboration description optional",
        now_optional=frozenset({("CreateCollaborationInput", "description")}),
    ),
    Release(
        EXPORT_LOG_ABILITY,
        "1.43.69",
        "CAN_EXPORT_QUERY_ANALYSIS_LOG and its change types",
        enum_values={
            "MemberAbility": frozenset({"CAN_EXPORT_QUERY_ANALYSIS_LOG"}),
            "ChangeType": frozenset(
                {"GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY", "REVOKE_EXPORT_QUERY_ANALYSIS_LOG_ABILITY"}
            ),
            "AutoApprovedChangeType": frozenset(
                {"GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY", "REVOKE_EXPORT_QUERY_ANALYSIS_LOG_ABILITY"}
            ),
        },
    ),
)

RELEASE_DATES = frozenset(release.date for release in RELEASES)
"""The dates a scenario's ``since`` and ``--api-version`` may name."""
LATEST = max(RELEASE_DATES)


def _after(at: date | None) -> Iterable[Release]:
    """The releases later than ``at`` (none when ``at`` is None: the installed model is the latest)."""
    return () if at is None else (release for release in RELEASES if release.date > at)


@dataclass(frozen=True, slots=True)
class ModelAt:
    """The model as it was at one release: ask it whether an operation, member or enum value existed then.

    ``ModelAt(None)`` is the installed (latest) model, for which every question answers "yes".
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
        """Whether ``member`` was required at ``at`` (it may have been relaxed since)."""
        return required_now or any((shape, member) in release.now_optional for release in _after(self.at))

    def item_cap(self, shape: str, member: str) -> int | None:
        """A list cap that applied at ``at`` and was dropped later (None: no such cap)."""
        caps = [
            release.caps_dropped[(shape, member)]
            for release in _after(self.at)
            if (shape, member) in release.caps_dropped
        ]
        return min(caps) if caps else None


LATEST_MODEL = ModelAt(None)
