from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conformance.scenario.list_matchers import ContainsMatcher
from conformance.scenario.matchers import match
from conformance.scenario.templating import (
    TemplateError,
    compile_string,
    compile_tree,
    has_template,
    is_template,
    referenced_actors,
    references,
    render,
)
from conformance.scenario.value_matchers import GteMatcher, RegexMatcher, UuidMatcher

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
        "{{ steps[1].x }}{{ accounts.member }}{{ accounts['outsider'] }}{{ collab|upper }}{{ steps[-2] }}{{ cycler }}"
    )
    assert refs.names == {"steps", "accounts", "collab", "cycler"}  # no jinja globals: `cycler` is just a name
    assert refs.actors == {"member", "outsider"}
    assert refs.steps == {1, -2}


def test_is_template() -> None:
    assert is_template("a {{ b }}")
    assert is_template("{% if x %}{% endif %}")
    assert is_template("{# c #}")
    assert not is_template('{"changes": [}')
    assert not is_template("a { b }")


# --- the sandbox: templates come from untrusted files ------------------------------------------------------

ESCAPE = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (ESCAPE, "calls"),
        ("{{ run_id.upper() }}", "calls"),
        ("{{ range(3) }}", "calls"),
        ("{{ steps.__class__ }}", "'__class__': names starting with '_'"),
        ("x-{{ steps[0].__class__.__mro__ }}", "names starting with '_'"),
        ("{{ steps['__globals__'] }}", "'__globals__'"),
        ("{{ steps[0].collaboration.createTime.mro }}", "'mro' is an interpreter internal"),
        ("{{ steps | sort(attribute='__class__') }}", "'__class__'"),
        ("{{ run_id | center(10) }}", "filter 'center' is not available"),
        ("{{ run_id | attr('upper') }}", "filter 'attr' is not available"),
        ("{{ run_id is callable }}", "test 'callable' is not available"),
        ("{% for x in steps %}{{ x }}{% endfor %}", "{% for %} is not available"),
        ("{% set x = 1 %}{{ x }}", "{% set %} is not available"),
        ("{% include 'x' %}", "{% include %} is not available"),
        ("{{ self }}", "'self' is jinja's own name"),
    ],
)
def test_what_the_sandbox_does_not_offer_is_refused_when_parsed(source: str, problem: str) -> None:
    with pytest.raises(TemplateError) as caught:
        references(source)  # the loader's load-time check
    assert "refused: " in str(caught.value)
    assert problem in str(caught.value)
    with pytest.raises(TemplateError, match="refused: "):
        compile_string(source)  # and nothing compiles it later either


@pytest.mark.parametrize(
    ("source", "context", "problem"),
    [
        # A key known only from the data: jinja's sandbox refuses the attribute it falls back to.
        ("{{ steps[0][name] }}", {"name": "__class__"}, "access to attribute '__class__'"),
        ("id {{ steps[0][name] }}", {"name": "__init__"}, "access to attribute '__init__'"),
        # The plain-lookup fast path applies the sandbox's attribute rule too (a code object's are internal).
        ("{{ code.co_name }}", {"code": test_is_template.__code__}, "code.co_name is unsafe"),
        ("x {{ code.co_name }}", {"code": test_is_template.__code__}, "code.co_name is unsafe"),
        ("{{ run_id * n }}", {"n": 10**7}, "exceeds 1,000,000"),
        ("{{ [1, 2] * n }}", {"n": 10**6}, "exceeds 1,000,000"),
        ("{{ 2 ** n }}", {"n": 10**6}, "larger than 10000 bits"),
        ("{{ '%999999999d' % n }}", {"n": 1}, "'%' formatting of text"),
    ],
)
def test_what_only_the_data_reveals_is_refused_when_rendered(
    source: str, context: dict[str, object], problem: str
) -> None:
    references(source)  # nothing to refuse when the file is loaded
    with pytest.raises(TemplateError) as caught:
        compile_string(source)({**CONTEXT, **context})
    assert "refused by the template sandbox" in str(caught.value)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("{{ 't' * 10241 }}", "t" * 10241),  # the library's largest repetition
        ("{{ 2 ** 10 }}", 1024),
        ("{{ count % 2 }}", 1),
        ("{{ steps[0].collaboration.types | join(',') | lower }}", "add_member"),
        ("{{ steps[0].collaboration.createTime.year }}", 2025),  # attributes of a value are fine
        ("{{ steps[0].collaboration.id if count is odd else 'even' }}", "c-1"),
        ("{{ steps[0].collaboration.missing | default('none') }}", "none"),
    ],
)
def test_the_documented_language_still_works(source: str, value: object) -> None:
    assert compile_string(source)(CONTEXT) == value


def test_referenced_actors_reads_keys_values_and_matcher_arguments() -> None:
    tree = [
        {"{{ accounts.member }}": {"status": "PENDING"}},
        "{{ accounts['member2'] }}-x",
        ContainsMatcher([{"id": "{{ accounts.outsider }}"}]),
        None,
        "plain text",
        "{{ accounts.__class__ }}",  # refused by the sandbox: names nothing
    ]
    assert referenced_actors(tree) == {"member", "member2", "outsider"}
