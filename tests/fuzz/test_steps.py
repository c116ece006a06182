"""Fuzz plan steps in the scenario language: what the step engine runs and the reproducer writes."""

from __future__ import annotations

import pytest

from conformance.fuzz.plan import NO_BODY, PlanStep, RawText, StepRef
from conformance.fuzz.refs import Ref
from conformance.fuzz.steps import ABSENT, ANY, Context, Tag, literal, mismatches, raw_body_text, to_step
from conformance.model.vocabulary import EvidenceLevel
from conformance.scenario.list_matchers import ContainsMatcher, UnorderedMatcher
from conformance.scenario.templating import compile_tree

CTX = Context(steps=[None, {"collaboration": {"id": "c1", "name": "n"}}], bindings={"collab": "c1"})


def test_mappings_match_partially_lists_exactly_scalars_without_type_mixing() -> None:
    assert mismatches({"a": 1}, {"a": 1, "b": 2}, CTX) == []
    assert mismatches({"a": [1, 2]}, {"a": [1]}, CTX) == [
        "a: expected 2 item(s), got 1: [1] (use !contains to allow other items)"
    ]
    assert mismatches({"a": True}, {"a": 1}, CTX) != []
    assert mismatches({"a": 1}, {"a": 1.0}, CTX) == []
    assert mismatches({"gone": ABSENT, "here": ANY}, {"here": None}, CTX) == []
    assert mismatches({"gone": ABSENT}, {"gone": 1}, CTX) == ["gone: expected no such key, got 1"]


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
    assert mismatches(Tag("exact", {"a": 1}), {"a": 1, "b": 2}, CTX) == ["b: unexpected key (value 2)"]
    assert mismatches(Tag("one_of", ["A", "B"]), "B", CTX) == []
    assert mismatches(Tag("regex", "a+"), "aaa", CTX) == []
    with pytest.raises(KeyError, match="nope"):
        mismatches(Tag("nope"), 1, CTX)
    assert mismatches({"id": Ref("unbound")}, {"id": 1}, CTX) != []  # a reference nothing binds matches nothing


def test_a_plan_step_becomes_the_scenario_step_a_file_would_load_as() -> None:
    plan_step = PlanStep(
        "round trip",
        "member",
        "GetMembership",
        {"membershipIdentifier": StepRef(3, "membership.id"), "x": Ref("accounts.member"), "y": "{{ not a ref }}"},
        expect={"membership": Tag("all_of", [StepRef(3, "membership"), {"abilities": Tag("unordered", ["A", "B"])}])},
    )
    step = to_step(plan_step, 5)
    assert step.index == 5
    assert step.evidence.level is EvidenceLevel.INFERRED
    assert step.params["membershipIdentifier"] == "{{ steps[3].membership.id }}"
    assert step.params["x"] == "{{ accounts.member }}"
    context = {"steps": [None, None, None, {"membership": {"id": "m1"}}], "accounts": {"member": "111"}}
    assert compile_tree(dict(step.params))(context) == {
        "membershipIdentifier": "m1",
        "x": "111",
        "y": "{{ not a ref }}",
    }
    assert step.expect is not None
    rendered = compile_tree(step.expect)(context)
    assert rendered["membership"].arg[0] == {"id": "m1"}
    assert isinstance(rendered["membership"].arg[1]["abilities"], UnorderedMatcher)
    assert step.raw_body is None


def test_generated_text_renders_back_exactly_and_raw_bodies_hold_no_markup() -> None:
    for text in ("{{ x }}", "a{%b", "{#", "plain"):
        assert compile_tree(literal(text))({}) == text
    body = raw_body_text({"name": "{{ x }}", "n": 7, "ref": Ref("collab")})
    assert body == '{"name": "\\u007b\\u007b x \\u007d\\u007d", "n": 7, "ref": "{{ collab }}"}'
    assert compile_tree(raw_body_text(RawText("{{ not json")))({}) == "{{ not json"
    assert raw_body_text(NO_BODY) is None
    assert isinstance(
        to_step(PlanStep("l", "c", "ListMembers", {}, expect={"m": Tag("contains", [1])}), 0).expect["m"],
        ContainsMatcher,
    )
