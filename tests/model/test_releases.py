from __future__ import annotations

from datetime import date

import pytest

from conformance.model.releases import (
    APPROVALS,
    CHANGE_REQUESTS,
    DESCRIPTION_OPTIONAL,
    EXPORT_LOG_ABILITY,
    FIRST_MODEL,
    LATEST,
    LATEST_MODEL,
    MEMBER_CAP_DROPPED,
    RECEIVE_RESULTS_ALLOWED,
    RELEASES,
    UNDATED,
    ModelAt,
    NotYetReleasedError,
)
from conformance.model.service import UnknownOperationError, operation, operation_names, service_model
from conformance.model.shapecheck import check_input, check_output


def test_releases_are_in_date_order_and_end_at_latest() -> None:
    dates = [release.date for release in RELEASES]
    assert dates == sorted(dates)
    assert dates[0] == FIRST_MODEL
    assert dates[-1] == LATEST


def test_every_name_in_the_table_exists_in_the_installed_model() -> None:
    """A typo in the table would silently keep a member or value in an old model: every name must resolve."""
    model = service_model()
    shapes = set(model.shape_names)
    for release in (*RELEASES, UNDATED):
        assert release.operations <= set(operation_names()), release.date
        pairs = release.members | release.now_optional | release.now_required
        for shape, member in pairs | set(release.caps_dropped) | set(release.retargeted):
            assert shape in shapes, (release.date, shape)
            assert member in model.shape_for(shape).members, (release.date, shape, member)
        for shape, values in release.enum_values.items():
            assert values <= set(model.shape_for(shape).enum), (release.date, shape)
        for shape, old in release.constraints.items():
            assert shape in shapes, (release.date, shape)
            assert set(old) <= {"min", "max", "pattern"}, (release.date, shape)
        assert set(release.retargeted.values()) <= shapes, release.date


def test_the_first_change_request_release() -> None:
    at = ModelAt(CHANGE_REQUESTS)
    assert at.has_operation("CreateCollaborationChangeRequest")
    assert not at.has_operation("UpdateCollaborationChangeRequest")
    assert at.has_member("Collaboration", "autoApprovedChangeTypes")
    assert not at.has_member("CollaborationChangeRequest", "approvals")
    assert not at.has_member("ChangeSpecification", "collaboration")
    all_types = service_model().shape_for("AutoApprovedChangeType").enum
    assert at.enum_values("AutoApprovedChangeType", all_types) == ("ADD_MEMBER",)
    assert at.enum_values("ChangeSpecificationType", ["MEMBER", "COLLABORATION"]) == ("MEMBER",)
    assert at.is_required("CreateCollaborationInput", "description", required_now=False)
    assert at.item_cap("CreateCollaborationInput", "members") == 9


def test_before_change_requests_there_are_none() -> None:
    at = ModelAt(FIRST_MODEL)
    assert not at.has_operation("ListCollaborationChangeRequests")
    assert not at.has_member("CreateCollaborationInput", "autoApprovedChangeRequestTypes")


@pytest.mark.parametrize("at", [None, LATEST])
def test_the_latest_model_has_everything(at: date | None) -> None:
    model = ModelAt(at)
    assert model.has_operation("UpdateCollaborationChangeRequest")
    values = service_model().shape_for("ChangeType").enum
    assert model.enum_values("ChangeType", values) == tuple(values)
    assert not model.is_required("CreateCollaborationInput", "description", required_now=False)
    assert model.item_cap("CreateCollaborationInput", "members") is None
    assert ModelAt(None) == LATEST_MODEL


def test_export_log_ability_arrives_on_its_release_date() -> None:
    abilities = service_model().shape_for("MemberAbility").enum
    assert "CAN_EXPORT_QUERY_ANALYSIS_LOG" not in ModelAt(date(2026, 8, 10)).enum_values("MemberAbility", abilities)
    assert "CAN_EXPORT_QUERY_ANALYSIS_LOG" in ModelAt(EXPORT_LOG_ABILITY).enum_values("MemberAbility", abilities)
    assert ModelAt(APPROVALS).has_operation("UpdateCollaborationChangeRequest")


def test_the_model_at_a_release_is_a_botocore_model_without_what_came_later() -> None:
    at = ModelAt(CHANGE_REQUESTS)
    create = at.operation("CreateCollaboration").input_shape
    assert create is not None
    assert "isMetricsEnabled" not in create.members
    assert "allowedResultRegions" not in create.members
    assert "description" in create.required_members  # required until 2026-06-30
    assert create.members["members"].metadata["max"] == 9  # the cap dropped on 2025-12-01
    assert create.members["autoApprovedChangeRequestTypes"].member.enum == ["ADD_MEMBER"]
    description = create.members["description"].metadata
    assert (description["min"], description["pattern"].startswith("(?!\\s*$)")) == (1, True)
    specification = at.operation("CreateCollaborationChangeRequest").input_shape
    assert specification is not None
    change = specification.members["changes"].member
    assert list(change.members["specification"].members) == ["member"]
    assert "mlMemberAbilities" not in change.members["specification"].members["member"].members
    output = at.operation("GetCollaborationChangeRequest").output_shape
    assert output is not None
    assert "approvals" not in output.members["collaborationChangeRequest"].members
    # The installed model itself is untouched, and ModelAt(None) is that very model.
    assert "isMetricsEnabled" in operation("CreateCollaboration").model.input_shape.members
    assert LATEST_MODEL.service_model() is service_model()
    assert LATEST_MODEL.operation("CreateCollaboration") is operation("CreateCollaboration")


def test_constraints_and_requirements_come_back_as_they_were() -> None:
    before, after = ModelAt(date(2025, 11, 30)), ModelAt(MEMBER_CAP_DROPPED)
    job = "ProtectedJobParameters"
    assert not before.is_required(job, "analysisTemplateArn", required_now=True)
    assert after.is_required(job, "analysisTemplateArn", required_now=True)
    assert "analysisTemplateArn" not in before.service_model().shape_for(job).required_members
    assert before.service_model().shape_for("AnalysisParameterList").metadata["max"] == 10
    assert after.service_model().shape_for("AnalysisParameterList").metadata["max"] == 50
    column = before.service_model().shape_for("DifferentialPrivacyColumn").members["name"]
    assert column.name == "String"
    ml = "CustomMLMemberAbilities"
    assert ModelAt(date(2026, 6, 29)).service_model().shape_for(ml).metadata.get("min") == 1
    assert ModelAt(DESCRIPTION_OPTIONAL).service_model().shape_for(ml).metadata.get("min") is None


def test_operations_are_listed_and_refused_by_release() -> None:
    at = ModelAt(CHANGE_REQUESTS)
    names = at.operation_names()
    assert "CreateCollaborationChangeRequest" in names
    assert "UpdateCollaborationChangeRequest" not in names
    assert "CreateIntermediateTable" not in names
    assert len(LATEST_MODEL.operation_names()) == len(operation_names()) == 103
    with pytest.raises(NotYetReleasedError, match="UpdateCollaborationChangeRequest did not exist at 2025-09-03"):
        at.operation("UpdateCollaborationChangeRequest")
    with pytest.raises(UnknownOperationError):
        at.operation("UpdateCollaborationChangeRequests")


def test_undated_changes_are_left_out_of_every_dated_model() -> None:
    """What came after the last dated release is in the installed model only."""
    job_output = "ProtectedJobS3OutputConfigurationInput"
    assert not ModelAt(LATEST).has_member(job_output, "resultFormat")
    assert "resultFormat" not in ModelAt(LATEST).service_model().shape_for(job_output).members
    assert LATEST_MODEL.has_member(job_output, "resultFormat")
    assert UNDATED.date > LATEST
    assert UNDATED.date not in {release.date for release in RELEASES}


def test_new_member_specs_allow_abilities_by_release() -> None:
    assert not ModelAt(CHANGE_REQUESTS).add_member_allows("CAN_RECEIVE_RESULTS")
    assert ModelAt(RECEIVE_RESULTS_ALLOWED).add_member_allows("CAN_RECEIVE_RESULTS")
    assert not ModelAt(RECEIVE_RESULTS_ALLOWED).add_member_allows("CAN_EXPORT_QUERY_ANALYSIS_LOG")
    assert LATEST_MODEL.add_member_allows("CAN_EXPORT_QUERY_ANALYSIS_LOG")
    assert not LATEST_MODEL.add_member_allows("CAN_QUERY")
    assert not LATEST_MODEL.add_member_allows("CAN_RUN_JOB")


def test_the_shape_checker_judges_by_the_release() -> None:
    """A member optional then is not required; an enum value added since is no value; a later member is unknown."""
    job = {"protectedJob": {"id": "j", "membershipId": "m", "membershipArn": "a", "createTime": 1_700_000_000}}
    job["protectedJob"] |= {"jobParameters": {}, "status": "SUCCESS"}
    before = ModelAt(date(2025, 11, 30))
    missing = {v.path for v in check_output("GetProtectedJob", job, wire=True)}
    assert "protectedJob.jobParameters.analysisTemplateArn" in missing
    assert "protectedJob.jobParameters.analysisTemplateArn" not in {
        v.path for v in check_output("GetProtectedJob", job, wire=True, at=before)
    }
    params = {"name": "n", "members": [], "creatorMemberAbilities": [], "creatorDisplayName": "c"}
    params |= {"queryLogStatus": "DISABLED", "autoApprovedChangeRequestTypes": ["GRANT_RECEIVE_RESULTS_ABILITY"]}
    at_first = {(v.path, v.kind.value) for v in check_input("CreateCollaboration", params, at=ModelAt(CHANGE_REQUESTS))}
    assert ("description", "missing-required") in at_first
    assert ("autoApprovedChangeRequestTypes[0]", "enum") in at_first
    assert check_input("CreateCollaboration", params) == []
    # An operation the release did not have: its answer is checked against the installed model.
    assert check_output("UpdateCollaborationChangeRequest", {}, wire=True, at=ModelAt(CHANGE_REQUESTS))


def test_an_older_release_accepts_a_response_either_model_allows() -> None:
    """What came later (approvals, a later enum value) is no fault; what no model allows still is."""
    request = {
        "id": "00000000-0000-4000-8000-000000000001",
        "collaborationId": "00000000-0000-4000-8000-000000000002",
        "createTime": 1_700_000_000,
        "updateTime": 1_700_000_000,
        "status": "PENDING",
        "isAutoApproved": False,
        "changes": [
            {
                "specificationType": "MEMBER",
                "specification": {"member": {"accountId": "1" * 12, "memberAbilities": []}},
                "types": ["ADD_MEMBER"],
            }
        ],
        "approvals": {"111111111111": {"status": "PENDING"}},
    }
    at = ModelAt(CHANGE_REQUESTS)
    body = {"collaborationChangeRequest": request}
    assert check_output("GetCollaborationChangeRequest", body, wire=True, at=at) == []
    assert [v.path for v in check_output("GetCollaborationChangeRequest", body, wire=True)] == []
    wrong = {"collaborationChangeRequest": {**request, "status": "NOPE"}}
    assert [v.path for v in check_output("GetCollaborationChangeRequest", wrong, wire=True, at=at)] == [
        "collaborationChangeRequest.status"
    ]
