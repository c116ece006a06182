from __future__ import annotations

import pytest

from conformance.fuzz import values
from conformance.model.patterns import compile_pattern, pattern_verdict
from conformance.model.service import service_model
from conformance.model.vocabulary import EvidenceLevel


def shape(name: str):  # type: ignore[no-untyped-def]
    return service_model().shape_for(name)


@pytest.mark.parametrize(
    ("name", "length"),
    [
        ("CollaborationName", 1),
        ("CollaborationName", 100),
        ("CollaborationDescription", 255),
        ("AccountId", 12),
        ("CollaborationIdentifier", 36),
        ("RoleArn", 32),
        ("RoleArn", 512),
        ("ProtectedQueryS3OutputConfigurationBucketString", 63),
    ],
)
def test_sample_string_has_the_length_and_matches_the_pattern(name: str, length: int) -> None:
    text = values.sample_string(shape(name), length)
    assert text is not None
    assert len(text) == length
    assert compile_pattern(shape(name).metadata["pattern"]).fullmatch(text)


def test_sample_string_is_deterministic() -> None:
    assert values.sample_string(shape("RoleArn"), 40) == values.sample_string(shape("RoleArn"), 40)


def test_too_long_and_too_short_cross_the_bounds_by_one() -> None:
    name = shape("CollaborationName")
    too_long = values.too_long_string(name)
    assert too_long is not None
    assert len(too_long) == 101
    assert pattern_verdict(name.metadata["pattern"], too_long) == "match"
    account = shape("AccountId")
    assert values.too_short_string(account) == "0" * 11 or len(values.too_short_string(account) or "") == 11
    assert values.too_short_string(shape("CollaborationDescription")) is None  # min 0


def test_pattern_breaker_prefers_a_value_no_reading_accepts() -> None:
    found = values.pattern_breaker(shape("CollaborationName"))
    assert found is not None
    text, level = found
    assert level is EvidenceLevel.MODEL
    assert text.strip() == ""
    key_prefix = values.pattern_breaker(shape("KeyPrefix"))  # `[\w!.=*/-]*` matches "" anywhere
    assert key_prefix is not None
    assert key_prefix[1] is EvidenceLevel.INFERRED
    assert values.pattern_breaker(shape("CollaborationQueryLogStatus")) is None  # an enum, no pattern


def test_unknown_enum_is_outside_the_enum() -> None:
    status = shape("ChangeRequestStatus")
    assert values.unknown_enum(status) not in status.metadata["enum"]
    assert values.unknown_enum(shape("CollaborationName")) is None


def test_wrong_types_never_have_the_shapes_type() -> None:
    assert all(not isinstance(v, str) for _, v in values.wrong_types(shape("CollaborationName")))
    integers = values.wrong_types(shape("MaxResults"))
    assert all(type(v) is not int for _, v in integers)
    assert values.wrong_types(shape("MaxResults"), in_query=True) == [("text", "not-of-this-type")]
    assert values.wrong_types(shape("CollaborationName"), in_query=True) == []


def test_valid_string_finds_long_patterns() -> None:
    arn = values.valid_string(shape("AnalysisTemplateArn"), 6)
    assert arn is not None
    assert compile_pattern(shape("AnalysisTemplateArn").metadata["pattern"]).fullmatch(arn)
