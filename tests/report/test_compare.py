from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest

from conformance.report.compare import compare, render_compare_html, render_compare_text
from conformance.report.errors import ReportError
from conformance.report.results import Results

OTHER_COLLAB = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"


def _moto(build: SimpleNamespace) -> Results:
    """The mixed run on a second target: fresh ids and accounts, one scenario passes, one response grows."""
    base = build.mixed_results("moto")
    body = build.created_collaboration(account="999999999999")
    body["collaboration"]["id"] = OTHER_COLLAB
    body["collaboration"]["arn"] = body["collaboration"]["arn"].replace(build.collab, OTHER_COLLAB)
    grown = {"collaboration": {**body["collaboration"], "analyticsEngine": "SPARK"}}
    checks = list(base.checks)
    checks[0] = dataclasses.replace(checks[0], response={"status": 200, "headers": {}, "body": grown})
    checks[1] = dataclasses.replace(checks[1], response={"status": 200, "headers": {}, "body": body})
    checks[5] = dataclasses.replace(checks[5], response={"status": 200, "headers": {}, "body": body})
    checks[2] = dataclasses.replace(
        checks[2],
        outcome="PASS",
        failures=(),
        response={"status": 200, "headers": {}, "body": {"collaborationChangeRequest": {"status": "COMMITTED"}}},
    )
    scenarios = [
        dataclasses.replace(s, outcome="PASS") if s.scenario_id == "auto-approved-add-member" else s
        for s in base.scenarios
    ]
    run = dataclasses.replace(base.run, extra={"accounts": {"creator": "999999999999"}})
    return Results(run, tuple(scenarios), tuple(checks))


def test_disagreement_is_marked_with_the_first_differing_step(build: SimpleNamespace) -> None:
    comparison = compare([build.mixed_results(), _moto(build)])

    assert comparison.targets == ("reference", "moto")
    [row] = comparison.disagreements
    assert row.scenario_id == "auto-approved-add-member"
    assert row.outcomes == ("FAIL", "PASS")
    assert row.step == 1  # step 0 is the same collaboration once ids and accounts are placeholders
    assert [s.status for s in row.sides] == [409, 200]
    assert [s.error for s in row.sides] == ["ConflictException", None]
    [(label, text)] = row.differences
    assert label == "reference → moto"
    assert "root['status']" in text


def test_same_outcome_different_response_is_marked_softly(build: SimpleNamespace) -> None:
    comparison = compare([build.mixed_results(), _moto(build)])

    [row] = comparison.differing_responses
    assert row.scenario_id == "create-collaboration"
    assert not row.disagree
    assert row.step == 0
    assert "analyticsEngine" in row.differences[0][1]


def test_identical_behaviour_agrees(build: SimpleNamespace) -> None:
    comparison = compare([build.mixed_results("a"), build.mixed_results("b")])

    assert not comparison.disagreements
    assert not comparison.differing_responses
    assert not [r for r in comparison.operations if r.disagree]


def test_expected_failure_is_compared_by_what_it_excused(build: SimpleNamespace) -> None:
    plain = build.mixed_results("a")
    listed = build.mixed_results("b")
    excused = [
        dataclasses.replace(s, outcome="XFAIL", expectation={"outcome": "FAIL", "reason": "known"})
        if s.scenario_id == "auto-approved-add-member"
        else s
        for s in listed.scenarios
    ]

    comparison = compare([plain, dataclasses.replace(listed, scenarios=tuple(excused))])

    assert not comparison.disagreements


def test_scenarios_run_on_one_target_only(build: SimpleNamespace) -> None:
    one = build.mixed_results("a")
    two = build.mixed_results("b")
    two = dataclasses.replace(two, scenarios=two.scenarios[:1], checks=two.checks[:1])

    comparison = compare([one, two])

    rows = {r.scenario_id: r for r in comparison.scenarios}
    assert rows["outsider-denied"].outcomes == ("ERROR", None)
    assert not rows["outsider-denied"].disagree
    assert [r.tallies[1] is None for r in comparison.operations].count(True) == 4


def test_operations_matrix(build: SimpleNamespace) -> None:
    comparison = compare([build.mixed_results(), _moto(build)])

    rows = {r.operation: r for r in comparison.operations}
    assert rows["CreateCollaborationChangeRequest"].disagree
    assert [t.conforming for t in rows["CreateCollaborationChangeRequest"].tallies if t] == [0, 1]
    assert not rows["CreateCollaboration"].disagree


def test_same_target_twice_gets_distinct_columns(build: SimpleNamespace) -> None:
    first = build.mixed_results("moto")
    second = dataclasses.replace(first, run=dataclasses.replace(first.run, run_id="run-2"))

    assert compare([first, second]).targets == ("moto (run-1)", "moto (run-2)")


def test_nothing_to_compare() -> None:
    with pytest.raises(ReportError, match="at least one"):
        compare([])


def test_text_summary(build: SimpleNamespace) -> None:
    text = render_compare_text(compare([build.mixed_results(), _moto(build)]))
    lines = text.splitlines()

    assert lines[0] == "6 scenarios on 2 targets"
    assert any(line.split()[:2] == ["reference", "2/6"] for line in lines)
    assert any(line.split()[:2] == ["moto", "3/6"] for line in lines)
    flagged = [line for line in lines if line.startswith("! auto-approved-add-member")]
    assert flagged
    assert flagged[0].split()[2:4] == ["FAIL", "PASS"]
    assert "first differing step 1" in flagged[0]
    assert "~ create-collaboration  step 0" in lines
    assert any(line.startswith("! CreateCollaborationChangeRequest") for line in lines)


def test_text_summary_when_all_agree(build: SimpleNamespace) -> None:
    text = render_compare_text(compare([build.mixed_results("a"), build.mixed_results("b")]))

    assert "All targets behave alike on every scenario they ran." in text


def test_html_matrix_and_side_by_side(build: SimpleNamespace, parse_html: Any) -> None:
    page = parse_html(render_compare_html(compare([build.mixed_results(), _moto(build)])))

    heads = [th.text for th in page.find_all("table", class_="matrix")[0].find_all("th")]
    assert heads[-2:] == ["reference", "moto"]
    row = page.by_id("s-auto-approved-add-member")
    marker = row.find_all("a", class_="diff-mark")[0]
    assert marker.attrs["href"] == "#d-auto-approved-add-member"
    assert [chip.text for chip in row.find_all("span", class_="o")] == ["FAIL", "PASS"]
    assert page.by_id("s-create-collaboration").find_all("a", class_="diff-soft")
    assert not page.by_id("s-outsider-denied").find_all("a")
    detail = page.by_id("d-auto-approved-add-member")
    bodies = detail.find_all("pre")
    assert "<script>alert(1)</script>" in bodies[0].text  # escaped, shown as text
    assert not page.find_all("script")
    assert '"status": "COMMITTED"' in bodies[1].text


def _renamed(results: Results, run_id: str) -> Results:
    """``results`` as a run with another run id: every name that carried the old one carries the new one."""

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value.replace(results.run.run_id, run_id) if isinstance(value, str) else value

    checks = tuple(dataclasses.replace(c, response=swap(c.response)) for c in results.checks)
    return Results(dataclasses.replace(results.run, run_id=run_id), results.scenarios, checks)


def test_the_run_id_inside_names_is_no_difference(build: SimpleNamespace) -> None:
    """Two runs name their resources with their own run ids (c-cr-conf-1a2b3c4d): step 0, which creates the
    collaboration, must not be "the first differing step" for that reason alone (issue 15)."""
    moto = _renamed(_moto(build), "run-2")
    assert "cr-run-2" in str(moto.checks[1].response)

    comparison = compare([build.mixed_results(), moto])

    [row] = comparison.disagreements
    assert row.step == 1
    [soft] = comparison.differing_responses
    assert soft.scenario_id == "create-collaboration"
    assert soft.step == 0  # the extra analyticsEngine member, not the name
    assert "name" not in soft.differences[0][1]


def test_the_text_says_which_runs_were_partial(build: SimpleNamespace) -> None:
    partial = build.mixed_results("moto")
    partial = dataclasses.replace(partial, run=dataclasses.replace(partial.run, selection="-k create"))
    text = render_compare_text(compare([build.mixed_results(), partial]))
    assert "(moto was a partial run: -k create)" in text
    assert "reference was a partial run" not in text
