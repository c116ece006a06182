from __future__ import annotations

import pytest

from conformance.model.service import Paging, UnknownOperationError, operation, operation_names, paging


def test_paging_comes_from_botocores_paginator_model() -> None:
    assert paging("ListCollaborations") == Paging("nextToken", "nextToken", "collaborationList")
    assert paging("ListCollaborationChangeRequests") == Paging(
        "nextToken", "nextToken", "collaborationChangeRequestSummaries"
    )
    assert paging("GetCollaboration") is None


def test_every_paging_operation_has_its_members_in_the_model() -> None:
    for name in operation_names():
        found = paging(name)
        if found is None:
            continue
        info = operation(name)
        assert info.input_shape is not None, name
        assert info.output_shape is not None, name
        assert found.input_token in info.input_shape.members, name
        assert found.result_key in info.output_shape.members, name
        assert found.output_token in info.output_shape.members, name


def test_paging_of_an_unknown_operation_is_an_error() -> None:
    with pytest.raises(UnknownOperationError):
        paging("ListCollaboration")
