from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from conformance.model.json_schema_patterns import pattern_for_json_schema
from conformance.model.openapi import OPENAPI_VERSION, REQUEST_SUFFIX, document, dumps
from conformance.model.patterns import compile_pattern
from conformance.model.releases import CHANGE_REQUESTS, ModelAt
from conformance.model.service import operation_names, service_model

DOC = document()


def operations() -> dict[str, dict]:  # type: ignore[type-arg]
    return {op["operationId"]: op for item in DOC["paths"].values() for op in item.values()}


def resolve(schema: dict) -> dict:  # type: ignore[type-arg]
    while "$ref" in schema:
        schema = DOC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_the_document_validates_and_covers_every_operation() -> None:
    validate(DOC)
    assert DOC["openapi"] == OPENAPI_VERSION
    assert set(operations()) == set(operation_names())
    assert len(operations()) == 103
    assert json.loads(dumps()) == DOC


def test_bindings_parameters_and_body() -> None:
    update = DOC["paths"]["/collaborations/{collaborationIdentifier}/changeRequests/{changeRequestIdentifier}"]["patch"]
    assert update["operationId"] == "UpdateCollaborationChangeRequest"
    assert {(p["name"], p["in"], p["required"]) for p in update["parameters"]} == {
        ("collaborationIdentifier", "path", True),
        ("changeRequestIdentifier", "path", True),
    }
    body = update["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["action"]
    assert body["properties"]["action"]["enum"] == ["APPROVE", "DENY", "CANCEL", "COMMIT"]
    listing = operations()["ListCollaborations"]
    max_results = next(p for p in listing["parameters"] if p["name"] == "maxResults")
    assert max_results["in"] == "query"
    assert max_results["schema"]["minimum"] == 1
    assert max_results["schema"]["maximum"] == 100
    assert "requestBody" not in listing


def test_responses_success_errors_and_common_errors() -> None:
    delete = operations()["DeleteCollaboration"]["responses"]
    assert "204" in delete
    assert "content" not in delete["204"]
    create = operations()["CreateCollaborationChangeRequest"]["responses"]
    assert {"200", "400", "402", "403", "404", "409", "429", "500", "503"} <= set(create)
    assert "ServiceQuotaExceededException" in create["402"]["description"]
    assert "ConflictException" in create["409"]["description"]
    forbidden = create["403"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/CommonAwsError"} in forbidden["anyOf"]
    not_found = resolve(create["404"]["content"]["application/json"]["schema"]["anyOf"][0])
    assert set(not_found["required"]) == {"message", "resourceId", "resourceType"}


def test_unions_timestamps_maps_and_constraints() -> None:
    specification = resolve({"$ref": "#/components/schemas/ChangeSpecification"})
    assert [alt["required"] for alt in specification["oneOf"]] == [["member"], ["collaboration"]]
    assert all(alt["additionalProperties"] is False for alt in specification["oneOf"])
    request = resolve({"$ref": "#/components/schemas/CollaborationChangeRequest"})
    assert request["properties"]["createTime"]["type"] == "number"
    tags = resolve({"$ref": "#/components/schemas/TagMap"})
    assert tags["maxProperties"] == 200
    assert tags["propertyNames"]["minLength"] == 1
    name = operations()["CreateCollaboration"]["requestBody"]["content"]["application/json"]["schema"]
    name_schema = name["properties"]["name"]
    assert (name_schema["minLength"], name_schema["maxLength"]) == (1, 100)
    assert "x-smithy-pattern" in name_schema


SAMPLES = [
    "abc",
    "   ",
    "",
    "a\nb",
    "x😀",
    "123",
    "١٢٣",
    "a.b",
    "arn:aws:iam::1:role/x",
    "ab\n",
    "\t",
    "A" * 3,
    "00000000-0000-0000-0000-000000000000",
    "1.2.3",
    "my-bucket",
    "\ufffe",
]


def model_patterns() -> list[str]:
    model = service_model()
    shapes = (model.shape_for(name) for name in model.shape_names)
    return sorted({shape.metadata["pattern"] for shape in shapes if "pattern" in shape.metadata})


@pytest.mark.parametrize("pattern", model_patterns())
def test_json_schema_patterns_accept_what_the_model_pattern_fully_matches(pattern: str) -> None:
    translated = re.compile(pattern_for_json_schema(pattern))
    model = compile_pattern(pattern)
    for sample in SAMPLES:
        assert bool(translated.search(sample)) == bool(model.fullmatch(sample)), (pattern, sample)


def test_portable_patterns_avoid_python_only_syntax() -> None:
    text = pattern_for_json_schema(r"(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t]*")
    assert "\\Z" not in text
    assert "\\U" not in text
    assert text.startswith("^(?:")
    assert text.endswith("(?![\\s\\S])")
    assert "[^" in text  # the near-universal class is written as what it leaves out
    assert pattern_for_json_schema(r"\d+") == "^(?:[0-9]+)(?![\\s\\S])"


def _validator(name: str, doc: dict = DOC) -> Draft202012Validator:  # type: ignore[type-arg]
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": doc["components"]})


def test_requests_read_patterns_anchored_and_responses_as_smithy_does() -> None:
    """A value that matches only somewhere conforms in a response (SMITHY-C) and is never generated for a request."""
    create = operations()["CreateMembership"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    result_config = body["properties"]["defaultResultConfiguration"]["$ref"]
    assert result_config.endswith("MembershipProtectedQueryResultConfiguration" + REQUEST_SUFFIX)
    s3 = {"resultFormat": "CSV", "bucket": "fuzz-results", "keyPrefix": "   "}  # '[\w!.=*/-]*' matches the empty string
    response_shape = _validator("ProtectedQueryS3OutputConfiguration")
    request_shape = _validator("ProtectedQueryS3OutputConfiguration" + REQUEST_SUFFIX)
    assert list(response_shape.iter_errors(s3)) == []
    assert [e.validator for e in request_shape.iter_errors(s3)] == ["pattern"]
    # A value no reading accepts fails both.
    bucket = {**s3, "keyPrefix": "ok", "bucket": "Not A Bucket!"}
    assert [e.validator for e in response_shape.iter_errors(bucket)] == ["pattern"]
    assert [e.validator for e in request_shape.iter_errors(bucket)] == ["pattern"]
    # Parameters are sent: anchored.
    get = operations()["GetCollaboration"]["parameters"][0]["schema"]["pattern"]
    assert get.startswith("^(?:")
    # Structures without a pattern inside have one component only.
    components = DOC["components"]["schemas"]
    assert {"TagMap", "DataEncryptionMetadata"} <= set(components)
    assert not {"TagMap" + REQUEST_SUFFIX, "DataEncryptionMetadata" + REQUEST_SUFFIX} & set(components)


@pytest.mark.parametrize("pattern", model_patterns())
def test_unanchored_json_schema_patterns_match_where_the_model_pattern_matches_somewhere(pattern: str) -> None:
    translated = re.compile(pattern_for_json_schema(pattern, anchored=False))
    model = compile_pattern(pattern)
    for sample in SAMPLES:
        assert bool(translated.search(sample)) == bool(model.search(sample)), (pattern, sample)


def test_the_document_of_a_release_has_only_what_existed_then() -> None:
    old = document(ModelAt(CHANGE_REQUESTS))
    validate(old)
    assert old["info"]["x-api-version"] == "2025-09-03"
    names = {op["operationId"] for item in old["paths"].values() for op in item.values()}
    assert "UpdateCollaborationChangeRequest" not in names
    assert "CreateCollaborationChangeRequest" in names
    assert names == set(ModelAt(CHANGE_REQUESTS).operation_names())
    create = old["paths"]["/collaborations"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "isMetricsEnabled" not in create["properties"]
    assert "description" in create["required"]
    assert create["properties"]["members"]["$ref"]
    schemas = old["components"]["schemas"]
    assert schemas["MemberList" + REQUEST_SUFFIX]["maxItems"] == 9
    assert schemas["AutoApprovedChangeTypeList"]["items"]["enum"] == ["ADD_MEMBER"]
    assert "approvals" not in schemas["CollaborationChangeRequest"]["properties"]
    assert [alt["required"] for alt in schemas["ChangeSpecification"]["oneOf"]] == [["member"]]
    assert old["info"]["x-api-version"] != DOC["info"]["x-api-version"] == "latest"
