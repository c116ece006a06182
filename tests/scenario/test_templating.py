from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conformance.scenario.matchers import ContainsMatcher, GteMatcher, RegexMatcher, UuidMatcher, match
from conformance.scenario.templating import (
    TemplateError,
    compile_string,
    compile_tree,
    has_template,
    is_template,
    references,
    render,
)

NOW = datetime(2025, 12, 1, tzinfo=UTC)
CONTEXT = {
    "run_id": "r1",
    "scenario_id": "sc",
    "accounts": {"creator": "111111111111", "member": "222222222222"},
    "steps": [{"collaboration": {"id": "c-1", "types": ["ADD_MEMBER"], "createTime": NOW}}, {"code": "X"}],
    "collab": "c-1",
    "count": 3,
}


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("{{ steps[0].collaboration.types }}", ["ADD_MEMBER"]),  # a list stays a list
        ("{{ steps[0].collaboration.createTime }}", NOW),
        ("{{ count }}", 3),
        ("{{ steps[-1].code }}", "X"),
        ("{{ steps[0]['collaboration'].id }}", "c-1"),
        ("{{ accounts.member }}", "222222222222"),
        ("{{ count + 1 }}", 4),  # jinja expression, native type kept
        ("{{ steps[0].collaboration.types | length }}", 1),
        ("{{- collab -}}", "c-1"),
    ],
)
def test_a_whole_value_expression_keeps_its_type(source: str, value: object) -> None:
    assert compile_string(source)(CONTEXT) == value


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("cr-{{ run_id }}", "cr-r1"),
        ("{{ run_id }}-{{ count }}", "r1-3"),
        (" {{ collab }}", " c-1"),
        ("{{ scenario_id }}/{{ accounts['creator'] }}", "sc/111111111111"),
        ("{% if count > 2 %}many{% endif %}", "many"),
        ("{{ run_id | upper }}!", "R1!"),
    ],
)
def test_anything_else_is_interpolated_into_text(source: str, text: str) -> None:
    assert compile_string(source)(CONTEXT) == text


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{{ nope }}", "'nope' is undefined"),
        ("x-{{ nope }}", "'nope' is undefined"),
        ("{{ nope | length }}", "'nope' is undefined"),
        ("{{ steps[0].collaboration.arn }}", "steps[0].collaboration has no key 'arn' (it has: id, types, createTime)"),
        ("{{ steps[5] }}", "steps has 2 item(s); index 5 does not exist"),
        ("{{ steps[1].code.x }}", "steps[1].code is 'X'; it has no 'x'"),
        ("{% if nope %}x{% endif %}", "'nope' is undefined"),
        ("{{ count | int / 0 }}", "ZeroDivisionError"),
    ],
)
def test_undefined_names_are_clear_errors(source: str, problem: str) -> None:
    with pytest.raises(TemplateError) as caught:
        compile_string(source)(CONTEXT)
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"template {source!r}: ")


def test_syntax_errors_are_template_errors() -> None:
    with pytest.raises(TemplateError, match="syntax error"):
        compile_string("{{ a. }}")
    with pytest.raises(TemplateError, match="syntax error"):
        references("{% if %}")


def test_trees_render_keys_values_and_matcher_arguments() -> None:
    tree = {
        "name": "cr-{{ run_id }}",
        "{{ accounts.member }}": {"status": "PENDING"},
        "items": [1, "{{ count }}", {"id": "{{ collab }}"}],
        "id": UuidMatcher(),
        "list": ContainsMatcher([{"id": "{{ collab }}"}]),
        "since": GteMatcher("{{ steps[0].collaboration.createTime }}", templated=True),
        "pattern": RegexMatcher("{{ run_id }}-[a-z]+", templated=True),
        "plain": {"a": [1, 2]},
    }
    rendered = render(tree, CONTEXT)
    assert rendered["name"] == "cr-r1"
    assert rendered["222222222222"] == {"status": "PENDING"}
    assert rendered["items"] == [1, 3, {"id": "c-1"}]
    assert rendered["id"] is tree["id"]  # constant parts are reused as they are
    assert rendered["plain"] is tree["plain"]
    assert rendered["list"] == ContainsMatcher([{"id": "c-1"}])
    assert rendered["since"] == GteMatcher(NOW)
    assert match(rendered["pattern"], "r1-abc") == []


def test_a_constant_tree_renders_to_itself() -> None:
    tree = {"a": [1, {"b": UuidMatcher()}]}
    assert compile_tree(tree)(CONTEXT) is tree
    assert not has_template(tree)
    assert has_template({"a": [ContainsMatcher(["{{ x }}"])]})


def test_a_matcher_whose_rendered_argument_is_unusable_is_a_template_error() -> None:
    tree = {"p": RegexMatcher("{{ bad }}", templated=True)}
    with pytest.raises(TemplateError, match="unusable argument"):
        render(tree, {**CONTEXT, "bad": "("})


def test_compiling_is_cached_per_text() -> None:
    assert compile_string("cr-{{ run_id }}") is compile_string("cr-{{ run_id }}")


def test_references_for_load_time_checks() -> None:
    refs = references(
        "{{ steps[1].x }}{{ accounts.member }}{{ accounts['outsider'] }}{{ collab|upper }}{{ steps[-2] }}{{ range(2) }}"
    )
    assert refs.names == {"steps", "accounts", "collab"}  # jinja's own globals (range) are not names
    assert refs.actors == {"member", "outsider"}
    assert refs.steps == {1, -2}


def test_is_template() -> None:
    assert is_template("a {{ b }}")
    assert is_template("{% if x %}{% endif %}")
    assert is_template("{# c #}")
    assert not is_template('{"changes": [}')
    assert not is_template("a { b }")
