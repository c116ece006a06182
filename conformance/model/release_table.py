"""The release table: each SDK release that changed the Clean Rooms model, and what it added, relaxed or tightened.

:mod:`conformance.model.releases` reads it to build the model as it was on a date (see its docstring for the
sources and how exact the table is). This module holds only data: the named dates and the :data:`RELEASES` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


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
