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
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from botocore.model import ServiceModel

from conformance.model.service import (
    SERVICE_NAME,
    OperationInfo,
    UnknownOperationError,
    isolated_session,
    operation,
    operation_names,
    service_model,
)


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
    now_required: frozenset[tuple[str, str]] = frozenset()
    """``(structure shape, member)`` pairs that were optional before this release and required from it."""
    constraints: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Shape name → the ``min``/``max``/``pattern`` values it had before this release (None: it had none)."""
    retargeted: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """``(structure shape, member)`` → the shape the member targeted before this release."""
    add_member_abilities: frozenset[str] = frozenset()
    """Member abilities a *new* member's specification (an ADD_MEMBER change) may carry from this release (A12)."""


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
_INTERMEDIATE_TABLE_OPERATIONS = (
    "CreateIntermediateTable",
    "CreateIntermediateTableAnalysisRule",
    "DeleteIntermediateTable",
    "DeleteIntermediateTableAnalysisRule",
    "DisallowIntermediateTable",
    "GetIntermediateTable",
    "GetIntermediateTableAnalysisRule",
    "ListIntermediateTableVersions",
    "ListIntermediateTables",
    "PopulateIntermediateTable",
    "UpdateIntermediateTable",
    "UpdateIntermediateTableAnalysisRule",
)
_TEXT_CLASS = r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t\r\n]*"

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
        "allowedResultRegions; access budgets, table regions, protected-job compute (outside the CR family)",
        members=frozenset(
            {
                ("CreateCollaborationInput", "allowedResultRegions"),
                ("Collaboration", "allowedResultRegions"),
                ("AthenaTableReference", "region"),
                ("GlueTableReference", "region"),
                ("ListCollaborationPrivacyBudgetsInput", "accessBudgetResourceArn"),
                ("ListPrivacyBudgetsInput", "accessBudgetResourceArn"),
                ("PopulateIdMappingTableInput", "jobType"),
                ("PrivacyBudget", "accessBudget"),
                ("PrivacyBudgetTemplateParametersInput", "accessBudget"),
                ("PrivacyBudgetTemplateParametersOutput", "accessBudget"),
                ("PrivacyBudgetTemplateUpdateParameters", "accessBudget"),
                ("ProtectedJob", "computeConfiguration"),
                ("StartProtectedJobInput", "computeConfiguration"),
                ("Schema", "resourceArn"),
                ("SchemaSummary", "resourceArn"),
            }
        ),
        enum_values={"PrivacyBudgetType": frozenset({"ACCESS_BUDGET"})},
        now_optional=frozenset({("CreatePrivacyBudgetTemplateInput", "autoRefresh")}),
    ),
    Release(
        MEMBER_CAP_DROPPED,
        "1.41.6",
        "no 9-member cap on CreateCollaboration.members; synthetic data generation (payment configs, templates)",
        members=frozenset(
            {
                ("MLPaymentConfig", "syntheticDataGeneration"),
                ("MembershipMLPaymentConfig", "syntheticDataGeneration"),
                ("AnalysisTemplate", "syntheticDataParameters"),
                ("AnalysisTemplateSummary", "isSyntheticData"),
                ("CollaborationAnalysisTemplate", "syntheticDataParameters"),
                ("CollaborationAnalysisTemplateSummary", "isSyntheticData"),
                ("CreateAnalysisTemplateInput", "syntheticDataParameters"),
                ("WorkerComputeConfiguration", "properties"),
            }
        ),
        caps_dropped={("CreateCollaborationInput", "members"): 9},
        now_required=frozenset({("ProtectedJobParameters", "analysisTemplateArn")}),
        constraints={
            "AnalysisParameterList": {"max": 10},
            "AnalysisTemplateText": {"max": 90000},
            "S3LocationKeyString": {"min": None, "max": None},
        },
        retargeted={("DifferentialPrivacyColumn", "name"): "String"},
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
        constraints={"ParameterValue": {"max": 250}},
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
    Release(
        RECEIVE_RESULTS_ALLOWED,
        "1.42.91",
        "docs: CAN_RECEIVE_RESULTS allowed in member change specs; Athena catalogs, job parameters",
        members=frozenset(
            {
                ("AthenaTableReference", "catalogName"),
                ("ProtectedJobParameters", "parameters"),
                ("ProtectedJobWorkerComputeConfiguration", "properties"),
            }
        ),
        constraints={
            "AnalysisTemplateArn": {
                "pattern": r"arn:aws:cleanrooms:[\w]{2}-[\w]{4,9}-[\d]:[\d]{12}:membership/[\d\w-]+"
                r"/analysistemplate/[\d\w-]+"
            },
            "ProtectedJobWorkerComputeConfigurationNumberInteger": {"max": 128},
        },
        add_member_abilities=frozenset({"CAN_RECEIVE_RESULTS"}),
    ),
    Release(
        ML_AND_PAYER_CHANGES,
        "1.43.13",
        "payer candidates and ML output change types; compute payers of queries and jobs",
        members=frozenset(
            {
                ("MemberChangeSpecification", "mlMemberAbilities"),
                ("MemberChangeSpecification", "paymentConfiguration"),
                ("ProtectedJob", "jobComputePayerAccountId"),
                ("ProtectedJobSummary", "jobComputePayerAccountId"),
                ("StartProtectedJobInput", "jobComputePayerAccountId"),
                ("ProtectedQuery", "queryComputePayerAccountId"),
                ("ProtectedQuerySummary", "queryComputePayerAccountId"),
                ("StartProtectedQueryInput", "queryComputePayerAccountId"),
                ("UpdateMembershipInput", "membershipPaymentConfiguration"),
            }
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
        "CreateCollaboration description optional (and may be empty); intermediate tables",
        operations=frozenset(_INTERMEDIATE_TABLE_OPERATIONS),
        members=frozenset(
            {
                ("AnalysisRuleCustom", "allowedAdditionalAnalyses"),
                ("AnalysisRuleCustom", "allowedResultReceivers"),
                ("ConfiguredTableAssociation", "childResources"),
                ("IdMappingTable", "childResources"),
                ("IdMappingTableSchemaTypeProperties", "idMappingTableId"),
                ("ProtectedQueryOutputConfiguration", "intermediateTable"),
                ("ProtectedQuerySummary", "intermediateTableConfiguration"),
                ("SchemaTypeProperties", "configuredTableAssociation"),
                ("SchemaTypeProperties", "intermediateTable"),
            }
        ),
        enum_values={
            "SchemaStatusReasonCode": frozenset(
                {
                    "INTERMEDIATE_TABLE_ANALYSIS_RULE_MISSING",
                    "INTERMEDIATE_TABLE_BASE_TABLE_REMOVED",
                    "INTERMEDIATE_TABLE_DISALLOWED_BY_DATA_PROVIDER",
                    "INTERMEDIATE_TABLE_INHERITED_CONSTRAINTS_VIOLATED",
                    "INTERMEDIATE_TABLE_NOT_POPULATED",
                    "INTERMEDIATE_TABLE_RETENTION_PERIOD_EXPIRED",
                }
            ),
            "SchemaType": frozenset({"INTERMEDIATE_TABLE"}),
        },
        now_optional=frozenset({("CreateCollaborationInput", "description")}),
        constraints={
            # Before this release a description could not be empty: min 1 and "not blank" (now "not only blanks").
            "CollaborationDescription": {"min": 1, "pattern": r"(?!\s*$)" + _TEXT_CLASS},
            "CustomMLMemberAbilities": {"min": 1},
            "BudgetedResourceArn": {
                "pattern": r"arn:aws:[\w]+:[\w]{2}-[\w]{4,9}-[\d]:[\d]{12}:membership/[\d\w-]+"
                r"/configuredtableassociation/[\d\w-]+"
            },
            "WorkerComputeConfigurationNumberInteger": {"max": 400},
        },
    ),
    Release(
        EXPORT_LOG_ABILITY,
        "1.43.69",
        "CAN_EXPORT_QUERY_ANALYSIS_LOG and its change types; analysis-log exports",
        operations=frozenset({"GetAnalysisLogExport", "ListAnalysisLogExports", "StartAnalysisLogExport"}),
        enum_values={
            "MemberAbility": frozenset({"CAN_EXPORT_QUERY_ANALYSIS_LOG"}),
            "ChangeType": frozenset(
                {"GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY", "REVOKE_EXPORT_QUERY_ANALYSIS_LOG_ABILITY"}
            ),
            "AutoApprovedChangeType": frozenset(
                {"GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY", "REVOKE_EXPORT_QUERY_ANALYSIS_LOG_ABILITY"}
            ),
            "WorkerComputeType": frozenset({"CR.8X"}),
        },
        add_member_abilities=frozenset({"CAN_EXPORT_QUERY_ANALYSIS_LOG"}),
    ),
)

UNDATED = Release(
    date.max,
    "1.43.70 to 1.44.5",
    "after 1.43.69, in releases whose dates the table does not know: every --api-version date leaves them out",
    members=frozenset(
        {
            ("ProtectedJobS3OutputConfigurationInput", "resultFormat"),
            ("AnalysisRuleCustom", "aggregationThresholds"),
            ("AnalysisRuleCustom", "comparisonControls"),
            ("ConsolidatedPolicyCustom", "aggregationThresholds"),
            ("ConsolidatedPolicyCustom", "comparisonControls"),
            ("IntermediateTableAnalysisRuleCustom", "aggregationThresholds"),
            ("IntermediateTableAnalysisRuleCustom", "comparisonControls"),
            ("ConfiguredTable", "tableType"),
            ("ConfiguredTableSummary", "tableType"),
            ("ProtectedJobError", "retry"),
            ("ProtectedQueryError", "retry"),
            ("TableReference", "databricks"),
        }
    ),
    enum_values={"AnalysisFormat": frozenset({"PYSPARK_2_0"})},
)
"""Changes found in the installed model after the last dated release (see the module docstring)."""

RELEASE_DATES = frozenset(release.date for release in RELEASES)
"""The dates a scenario's ``since`` and ``--api-version`` may name."""
LATEST = max(RELEASE_DATES)


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
    "LATEST",
    "LATEST_MODEL",
    "RELEASES",
    "RELEASE_DATES",
    "UNDATED",
    "ModelAt",
    "NotYetReleasedError",
    "Release",
    "UnknownOperationError",
]
