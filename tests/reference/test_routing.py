"""Routes and parameters derived from the model."""

from __future__ import annotations

import pytest

from conformance.model.families import OPERATIONS, RESOURCES
from conformance.model.service import operation, operation_names
from conformance.reference.errors import ApiError
from conformance.reference.handlers import HANDLERS
from conformance.reference.routing import Router, build_params

ROUTER = Router(HANDLERS)
SOME_ID = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_every_implemented_operation_is_routed_from_its_model_binding(name: str) -> None:
    info = operation(name)
    path = info.request_uri.replace("{accountId}", "222222222222")
    for label in (resource.id_param for resource in RESOURCES):
        path = path.replace("{" + label + "}", SOME_ID)
    assert ROUTER.resolve(info.http_method, path).route.operation == name


def test_the_emulator_implements_exactly_the_families_operations() -> None:
    assert set(HANDLERS) == set(OPERATIONS)


def test_an_operation_of_no_family_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match=r"ListConfiguredTables: not an operation of any family; declare it"):
        Router({*HANDLERS, "ListConfiguredTables"})


def test_every_model_operation_is_known_by_name() -> None:
    unimplemented = [name for name in operation_names() if name not in HANDLERS]
    for name in unimplemented:
        info = operation(name)
        path = info.request_uri
        while "{" in path:
            start, end = path.index("{"), path.index("}")
            path = path[:start] + "x" + path[end + 1 :]
        with pytest.raises(ApiError) as refused:
            ROUTER.resolve(info.http_method, path)
        assert refused.value.code == "UnknownOperationException"
        assert name in refused.value.message


def test_path_query_and_body_members_become_typed_params() -> None:
    match = ROUTER.resolve("GET", f"/collaborations/{SOME_ID}/changeRequests")
    params = build_params(match, "maxResults=7&status=PENDING&nextToken=abc&ignored=1", None)
    assert params == {"collaborationIdentifier": SOME_ID, "maxResults": 7, "status": "PENDING", "nextToken": "abc"}


@pytest.mark.parametrize("raw", ["abc", "1.5", "", "9" * 5000])
def test_unconvertible_query_values_stay_strings_for_validation(raw: str) -> None:
    match = ROUTER.resolve("GET", "/collaborations")
    assert build_params(match, f"maxResults={raw}", None)["maxResults"] == raw


def test_path_labels_are_percent_decoded_and_may_be_empty() -> None:
    assert build_params(ROUTER.resolve("GET", "/collaborations/a%2Fb"), "", None) == {"collaborationIdentifier": "a/b"}
    assert build_params(ROUTER.resolve("GET", "/collaborations/"), "", None) == {"collaborationIdentifier": ""}


def test_unknown_body_members_are_dropped_at_every_depth_except_in_unions() -> None:
    match = ROUTER.resolve("POST", f"/collaborations/{SOME_ID}/changeRequests")
    body = {
        "changes": [
            {
                "specificationType": "MEMBER",
                "specification": {"member": {"accountId": "1", "memberAbilities": [], "extra": 1}, "bogus": {}},
                "extra": True,
            }
        ],
        "unknownTopLevel": 1,
    }
    params = build_params(match, "", body)
    change = params["changes"][0]
    assert "unknownTopLevel" not in params
    assert "extra" not in change
    assert "extra" not in change["specification"]["member"]
    assert "bogus" in change["specification"]  # an unknown union member is an error validation must see


def test_the_body_of_an_operation_without_body_members_is_ignored() -> None:
    match = ROUTER.resolve("DELETE", f"/collaborations/{SOME_ID}")
    assert build_params(match, "", {"name": "x"}) == {"collaborationIdentifier": SOME_ID}
