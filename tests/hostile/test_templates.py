"""Black-box: a scenario template never runs code; what the sandbox refuses is a collection error at file:line
(or, when only the data reveals it, a step failure naming the refusal), and the other files still run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugin.conftest import CREATE_AND_GET, outcomes

HEADER = "scenario: hostile\nsince: 2023-01-12\nevidence: {level: model, source: MODEL}\n"


def escape(marker: Path) -> str:
    """The classic jinja escape: reaches ``os`` through a global's function globals and runs a shell command."""
    return f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"


def create_with(name: str) -> str:
    return (
        HEADER
        + "steps:\n  - as: creator\n    call: CreateCollaboration\n"
        + f'    with: {{name: "{name}", members: [], creatorMemberAbilities: [],\n'
        + "           creatorDisplayName: creator, queryLogStatus: DISABLED}\n"
    )


# name: (file text built from the marker path, line the error must name, words the message must contain)
AT_LOAD: dict[str, tuple[Callable[[Path], str], int, str]] = {
    "in_with": (lambda m: create_with(escape(m)), 7, "calls (`f(...)`"),
    "in_expect": (
        lambda m: (
            HEADER
            + "steps:\n  - as: creator\n    call: ListCollaborations\n"
            + f'    expect: {{collaborationList: "{escape(m)}"}}\n'
        ),
        7,
        "calls (`f(...)`",
    ),
    "in_a_key": (
        lambda m: (
            HEADER
            + "steps:\n  - as: creator\n    call: ListCollaborations\n    expect:\n"
            + f'      "{escape(m)}": 1\n'
        ),
        8,
        "calls (`f(...)`",
    ),
    "dunder": (lambda m: create_with("{{ run_id.__class__.__mro__ }}"), 7, "names starting with '_'"),
    "filter": (lambda m: create_with("{{ run_id | attr('__class__') }}"), 7, "filter 'attr' is not available"),
    "loop": (lambda m: create_with("{% for x in accounts %}{{ x }}{% endfor %}"), 7, "{% for %} is not available"),
}


@pytest.mark.parametrize("kind", sorted(AT_LOAD))
def test_a_template_reaching_outside_the_sandbox_is_a_collection_error_and_never_runs(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path], kind: str
) -> None:
    build, line, words = AT_LOAD[kind]
    marker = pytester.path / "ran"
    folder = scenario_dir(good=CREATE_AND_GET, **{kind: build(marker)})
    result = pytester.runpytest(str(folder), "--target=reference", "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(passed=1, errors=1)
    output = result.stdout.str()
    assert f"{kind}.yaml:{line}: " in output, output
    assert "refused: " in output, output
    assert words in output, output
    assert not marker.exists(), "the template ran a shell command"
    assert outcomes(pytester.path / "r") == {"good": "PASS", kind: "ERROR"}  # the broken file is a report row


def test_a_description_is_text_never_a_template(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    # A guard rather than a reproduction: descriptions were never rendered; they must stay so.
    marker = pytester.path / "ran"
    text = CREATE_AND_GET.replace("scenario:", f'description: "{escape(marker)}"\nscenario:', 1)
    folder = scenario_dir(good=CREATE_AND_GET.replace("scenario:", "id: good2\nscenario:", 1), described=text)
    result = pytester.runpytest(str(folder), "--target=reference", "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(passed=2)
    assert not marker.exists()


def test_a_refusal_only_the_data_reveals_fails_the_step_and_says_what_was_refused(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    # The key is computed from a saved value, so only rendering can tell that it names an internal attribute.
    hostile = (
        HEADER
        + "steps:\n  - as: creator\n    call: ListCollaborations\n    with: {maxResults: 1}\n"
        + "    save: {key: \"'__class__'\"}\n"
        + "  - as: creator\n    call: ListCollaborations\n"
        + '    with: {nextToken: "x{{ steps[0][key] }}"}\n'
    )
    folder = scenario_dir(good=CREATE_AND_GET, computed=hostile)
    result = pytester.runpytest(str(folder), "--target=reference", "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "refused by the template sandbox: access to attribute '__class__'" in output, output
    assert outcomes(pytester.path / "r") == {"good": "PASS", "computed": "FAIL"}
