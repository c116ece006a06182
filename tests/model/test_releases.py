from __future__ import annotations

from datetime import date

import pytest

from conformance.model.releases import (
    APPROVALS,
    CHANGE_REQUESTS,
    EXPORT_LOG_ABILITY,
    FIRST_MODEL,
    LATEST,
    LATEST_MODEL,
    RELEASES,
    ModelAt,
)
from conformance.model.service import operation_names, service_model


def test_releases_are_in_date_order_and_end_at_latest() -> None:
    dates = [release.date for release in RELEASES]
    assert dates == sorted(dates)
    assert dates[0] == FIRST_MODEL
    assert dates[-1] == LATEST


def test_every_name_in_the_table_exists_in_the_installed_model() -> None:
    """A typo in the table would silently keep a member or value in an old model: every name must resolve."""
    model = service_model()
    shapes = set(model.shape_names)
    for release in RELEASES:
        assert release.operations <= set(operation_names()), release.date
        for shape, member in release.members | release.now_optional | set(release.caps_dropped):
            assert shape in shapes, (release.date, shape)
            assert member in model.shape_for(shape).members, (release.date, shape, member)
        for shape, values in release.enum_values.items():
            assert values <= set(model.shape_for(shape).enum), (release.date, shape)


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
