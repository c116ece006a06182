from __future__ import annotations

import pytest

from conformance.fuzz.expect import ABSENT, ANY, Context, StepRef, Tag, mismatches
from conformance.fuzz.refs import Ref

CTX = Context(steps=[None, {"collaboration": {"id": "c1", "name": "n"}}], bindings={"collab": "c1"})


def test_mappings_match_partially_lists_exactly_scalars_without_type_mixing() -> None:
    assert mismatches({"a": 1}, {"a": 1, "b": 2}, CTX) == []
    assert mismatches({"a": [1, 2]}, {"a": [1]}, CTX) == ["a: expected 2 items, got 1"]
    assert mismatches({"a": True}, {"a": 1}, CTX) != []
    assert mismatches({"a": 1}, {"a": 1.0}, CTX) == []
    assert mismatches({"gone": ABSENT, "here": ANY}, {"here": None}, CTX) == []
    assert mismatches({"gone": ABSENT}, {"gone": 1}, CTX) == ["gone: expected absent, got 1"]


def test_references_resolve_to_earlier_steps_and_bindings() -> None:
    expected = {"collaboration": StepRef(1, "collaboration"), "id": Ref("collab")}
    assert mismatches(expected, {"collaboration": {"id": "c1", "name": "n", "x": 1}, "id": "c1"}, CTX) == []
    assert mismatches(expected, {"collaboration": {"id": "c1", "name": "m"}, "id": "c1"}, CTX) != []
    assert mismatches({Ref("collab"): 1}, {"c1": 1}, CTX) == []


def test_matcher_tags() -> None:
    assert mismatches(Tag("unordered", [1, 2]), [2, 1], CTX) == []
    assert mismatches(Tag("unordered", [1, 2]), [2, 2], CTX) != []
    assert mismatches(Tag("contains", [{"id": 1}]), [{"id": 2}, {"id": 1}], CTX) == []
    assert mismatches(Tag("contains", [{"id": 3}]), [{"id": 2}], CTX) != []
    assert mismatches(Tag("all_of", [Tag("len", 2), Tag("contains", [1])]), [1, 5], CTX) == []
    assert mismatches(Tag("len", {"min": 3}), [1], CTX) != []
    assert mismatches(Tag("exact", {"a": 1}), {"a": 1, "b": 2}, CTX) == ["the value: unexpected keys b"]
    assert mismatches(Tag("one_of", ["A", "B"]), "B", CTX) == []
    assert mismatches(Tag("regex", "a+"), "aaa", CTX) == []
    with pytest.raises(ValueError, match="unknown matcher"):
        mismatches(Tag("nope"), 1, CTX)
