"""Rules the built-in scenario library keeps, beyond what the loader checks in any file.

- Every scenario has a positive control: a step that only a working implementation passes, so a server that
  answers every call with one constant (an error, ``{}``, the request echoed) cannot PASS it.
- A value that breaks a pattern only under the anchored (whole-value) reading is not a ``model`` refusal:
  such a step is ``inferred`` and also accepts a success (AWS's answer is unknown; docs/behaviour.md §5).
- The library points to docs/behaviour.md, never to a spec file that users do not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.model.behaviour import reference
from conformance.model.service import operation
from conformance.model.shapecheck import check_input
from conformance.scenario.format import EvidenceLevel, Scenario, Step
from conformance.scenario.library import builtin_dir
from conformance.scenario.list_matchers import ContainsMatcher, UnorderedMatcher
from conformance.scenario.loader import load_scenarios
from conformance.scenario.templating import TemplateError, compile_tree, has_template, references
from conformance.scenario.value_matchers import AllOfMatcher, ExactMatcher, OneOfMatcher

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
ACCOUNTS = {"creator": "111111111111", "member": "222222222222", "member2": "444444444444", "outsider": "333333333333"}


def _library() -> list[Scenario]:
    scenarios, errors = load_scenarios([builtin_dir()])
    assert errors == []
    return scenarios


SCENARIOS = _library()


# --- positive controls ---------------------------------------------------------------------------------------


def _learned(text: str) -> bool:
    """A template naming something only this run knows: its run id, a saved value or an earlier response."""
    if not has_template(text):
        return False
    found = references(text)
    return bool(found.steps) or bool(found.names - {"accounts", "scenario_id"})


def _positive(expected: Any) -> bool:
    """Whether matching ``expected`` needs a learned value to be present (not merely absent or bounded)."""
    if isinstance(expected, str):
        return _learned(expected)
    if isinstance(expected, dict):
        return any(_positive(value) for value in expected.values())
    if isinstance(expected, list):
        return any(_positive(item) for item in expected)
    if isinstance(expected, ContainsMatcher | UnorderedMatcher | ExactMatcher | AllOfMatcher):
        return _positive(expected.arg)
    if isinstance(expected, OneOfMatcher):
        return all(_positive(item) for item in expected.arg)
    # !not, !excludes, !absent, comparisons, !len ...: a constant answer can satisfy them.
    return False


def _is_control(step: Step) -> bool:
    """A step that must succeed with an answer holding a learned value under a member an echo cannot supply."""
    alternatives = step.alternatives
    if not all(alternative.expect is not None for alternative in alternatives):
        return False
    shape = operation(step.operation).input_shape
    members = shape.members.items() if shape is not None else ()
    echoed = {name for name, member in members if "location" not in member.serialization}
    return all(
        any(_positive(value) for key, value in (alternative.expect or {}).items() if key not in echoed)
        for alternative in alternatives
    )


def test_the_positive_control_rule_tells_a_read_back_from_what_a_constant_server_satisfies() -> None:
    def step(expect: Any) -> Step:
        return Step(0, 1, "creator", "GetCollaboration", {}, SCENARIOS[0].evidence, expect=expect)

    assert _is_control(step({"collaboration": {"id": "{{ collab }}"}}))
    assert _is_control(step({"collaboration": ContainsMatcher([{"name": "c-{{ run_id }}"}])}))
    assert not _is_control(step({"collaboration": {"id": "00000000-0000-4000-8000-000000000000"}}))
    assert not _is_control(step({"collaboration": {"creatorAccountId": "{{ accounts.creator }}"}}))
    assert not _is_control(step({"collaboration": OneOfMatcher(["{{ collab }}", "x"])}))
    assert not _is_control(step(None))
    echo = Step(0, 1, "creator", "UpdateCollaboration", {}, SCENARIOS[0].evidence, expect={"name": "{{ collab }}"})
    assert not _is_control(echo)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_every_scenario_has_a_positive_control(scenario: Scenario) -> None:
    assert any(_is_control(step) for step in scenario.steps), (
        f"{scenario.location}: no step needs a working implementation: give one step that must succeed an "
        "`expect` holding a value only this run knows (a saved id, run_id), e.g. read back what it created"
    )


# --- anchored-only pattern violations ------------------------------------------------------------------------


def _sent(scenario: Scenario) -> Iterator[tuple[Step, dict[str, Any]]]:
    """Each step that sends `with:` (rendered with stand-ins for saved values), except those that need responses."""
    saved: dict[str, Any] = {}
    for step in scenario.steps:
        context = {"run_id": "cr-conf-0a1b2c3d", "accounts": ACCOUNTS, "scenario_id": scenario.id, "steps": []}
        context.update(saved)
        saved.update(dict.fromkeys(step.save, UNKNOWN_ID))
        if step.raw_body is not None:
            continue
        try:
            yield step, compile_tree(dict(step.params))(context)
        except TemplateError:
            continue


def _anchored_only_steps() -> list[tuple[Scenario, Step]]:
    found = []
    for scenario in SCENARIOS:
        for step, params in _sent(scenario):
            violations = check_input(step.operation, params)
            if violations and all(violation.evidence == "inferred" for violation in violations):
                found.append((scenario, step))
    return found


def test_a_value_that_breaks_only_the_anchored_reading_is_an_inferred_refusal_that_also_accepts_success() -> None:
    found = _anchored_only_steps()
    assert {(s.id, step.index) for s, step in found} >= {
        ("collaboration-name-characters", 4),
        ("cr-validation-display-name", 5),
    }
    for scenario, step in found:
        where = f"{scenario.file}:{step.line}"
        assert step.evidence.level is EvidenceLevel.INFERRED, where
        if "A14" in step.evidence.keys:
            continue  # account ids: docs/behaviour.md A14 gives the one reading (12 digits)
        assert {alternative.success for alternative in step.alternatives} == {True, False}, where


# --- pointers to the reference -------------------------------------------------------------------------------

_SPEC_POINTER = re.compile(r"spec §|cleanrooms-behaviour|\bspec/cleanrooms")


def _library_texts() -> list[Path]:
    return [
        *sorted((ROOT / "scenarios").glob("*.yaml")),
        ROOT / "scenarios" / "README.md",
        ROOT / "docs" / "scenario-format.md",
        ROOT / "docs" / "behaviour.md",
        *sorted((ROOT / "conformance" / "scenario").glob("*.py")),
        *sorted((ROOT / "conformance" / "scenario").glob("*.json")),
    ]


@pytest.mark.parametrize("path", _library_texts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_library_points_to_docs_behaviour_not_to_the_spec_file(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert not _SPEC_POINTER.search(line), f"{path}:{number}: point to docs/behaviour.md (a key or §N): {line}"


def test_the_reference_defines_every_ambiguity_and_the_new_sources() -> None:
    found = reference()
    assert list(found.ambiguities) == [f"A{n}" for n in range(1, 19)]
    assert {"CFN-NF", "TF-NF", "MODEL", "SMITHY-C", "UG-CR"} <= set(found.sources)
    assert all(location.startswith("https://") for location in found.sources.values())
