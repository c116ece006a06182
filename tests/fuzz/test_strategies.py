from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.fuzz.execute import Variant
from conformance.fuzz.refs import Ref, placeholders
from conformance.fuzz.seeds import CORE_OPERATIONS
from conformance.fuzz.strategies import invalid_variant, strings, valid_variant, values
from conformance.fuzz.systematic import KIND_VIOLATION
from conformance.model.patterns import compile_pattern
from conformance.model.service import operation, service_model
from conformance.model.shapecheck import check_input

FAST = settings(
    max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("name", CORE_OPERATIONS)
def test_valid_and_invalid_variants_are_what_they_claim(name: str) -> None:
    @FAST
    @given(valid_variant(name), invalid_variant(name))
    def check(valid: Variant, invalid: Variant) -> None:
        assert check_input(name, placeholders(dict(valid.params))) == []
        broken = invalid.broken
        assert broken is not None
        found = check_input(name, placeholders(dict(invalid.params)))
        assert found
        assert all(v.path == broken.path for v in found)
        assert KIND_VIOLATION[broken.kind] in {v.kind for v in found}

    check()


def test_resource_members_are_mostly_references() -> None:
    # Hypothesis avoids repeating a value, so an operation whose only input is the id explores unknown ids;
    # with more members to vary, the reference dominates.
    seen: list[Any] = []

    @FAST
    @given(values(operation("UpdateCollaboration").input_shape))
    def check(value: dict[str, Any]) -> None:
        seen.append(value["collaborationIdentifier"])

    check()
    refs = [v for v in seen if isinstance(v, Ref)]
    assert len(refs) >= len(seen) / 3


@pytest.mark.parametrize("name", ["CollaborationName", "RoleArn", "ProtectedQueryS3OutputConfigurationBucketString"])
def test_strings_fit_length_and_pattern(name: str) -> None:
    shape = service_model().shape_for(name)
    pattern = compile_pattern(shape.metadata["pattern"])

    @FAST
    @given(strings(shape))
    def check(text: str) -> None:
        assert shape.metadata["min"] <= len(text) <= shape.metadata["max"]
        assert pattern.fullmatch(text)

    check()


def test_text_strategies_reach_tabs_and_other_scripts() -> None:
    shape = service_model().shape_for("CollaborationName")
    found: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(strings(shape))
    def check(text: str) -> None:
        found.update(text)

    check()
    assert "\t" in found
    assert any(ord(c) > 0x7F for c in found)


def test_unions_get_exactly_one_member() -> None:
    shape = service_model().shape_for("ChangeSpecification")

    @FAST
    @given(st.data())
    def check(data: st.DataObject) -> None:
        assert len(data.draw(values(shape))) == 1

    check()
