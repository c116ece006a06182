from __future__ import annotations

import pytest

from conformance.fuzz.builders import full_value, minimal_value
from conformance.fuzz.refs import placeholders
from conformance.fuzz.seeds import ID_REFS
from conformance.model.service import operation, operation_names
from conformance.model.shapecheck import check_input


@pytest.mark.parametrize("builder", [minimal_value, full_value])
def test_built_values_of_every_operation_satisfy_the_model(builder) -> None:  # type: ignore[no-untyped-def]
    for name in operation_names():
        shape = operation(name).input_shape
        if shape is None:
            continue
        value = builder(shape, ID_REFS)
        assert check_input(name, placeholders(value)) == [], name


def test_full_value_sets_optional_members_and_minimal_only_required() -> None:
    shape = operation("CreateCollaboration").input_shape
    assert "description" in full_value(shape)
    assert "description" not in minimal_value(shape)
    assert set(minimal_value(shape)) == set(shape.required_members)
