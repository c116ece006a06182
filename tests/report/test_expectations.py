from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from conformance.report.expectations import (
    EXIT_OK,
    EXIT_REGRESSION,
    Expectation,
    Expectations,
    ExpectationsError,
    Judgement,
    exit_code,
    load_expectations,
)
from conformance.report.expectations_writer import expectations_from_results
from conformance.report.records import COLLECTION_ERROR, ScenarioRecord
from conformance.report.results import Results

TODAY = dt.date(2026, 11, 22)

GOOD = """\
# moto's known gaps
implementation: moto 5.2.5
entries:
  - id: auto-approved-add-member
    outcome: UNSUPPORTED
    reason: moto has no change-request operations
    link: https://github.com/getmoto/moto/issues/1
    expires: 2027-06-30
  - id: outsider-denied
    outcome: FAIL
    reason: moto does not check membership
  - id: "deny-change#2"
    outcome: ERROR
    reason: crashes on PATCH
    expires: 2026-01-31
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "expected.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def expectations(tmp_path: Path) -> Expectations:
    return load_expectations(_write(tmp_path, GOOD))


def test_good_file_loads_with_lines(expectations: Expectations) -> None:
    assert expectations.implementation == "moto 5.2.5"
    assert [e.id for e in expectations.entries] == ["auto-approved-add-member", "outsider-denied", "deny-change#2"]
    first = expectations.entries[0]
    assert first == Expectation(
        id="auto-approved-add-member",
        outcome="UNSUPPORTED",
        reason="moto has no change-request operations",
        link="https://github.com/getmoto/moto/issues/1",
        expires=dt.date(2027, 6, 30),
        line=4,
    )
    assert expectations.entries[1].link is None
    assert expectations.entries[1].expires is None


@pytest.mark.parametrize("text", ["", "implementation: x\n", "entries:\n", "version: 1\nentries: []\n"])
def test_empty_files_are_valid(tmp_path: Path, text: str) -> None:
    assert load_expectations(_write(tmp_path, text)).entries == ()


ENTRY = "entries:\n  - id: a\n    outcome: FAIL\n    reason: r\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (ENTRY.replace("FAIL", "FAILED"), 3, "entries[0].outcome must be one of FAIL | ERROR | UNSUPPORTED"),
        (ENTRY.replace("FAIL", "PASS"), 3, "must be one of FAIL | ERROR | UNSUPPORTED, found 'PASS'"),
        (ENTRY.replace("FAIL", "XFAIL"), 3, "found 'XFAIL'"),
        (ENTRY + "    reasn: typo\n", 5, "unknown key 'reasn' in entries[0] (allowed: id, outcome, reason"),
        (ENTRY + "colour: red\n", 5, "unknown key 'colour' in the file"),
        (ENTRY + "    expires: 2027-13-01\n", 5, "entries[0].expires must be a date written YYYY-MM-DD"),
        (ENTRY + "    expires: next year\n", 5, "found 'next year'"),
        (ENTRY + "    expires: 2027\n", 5, "entries[0].expires must be a text, found int 2027"),
        (ENTRY + "    link: ftp://x\n", 5, "entries[0].link must be an http(s) URL"),
        (ENTRY + "  - id: a\n    outcome: ERROR\n    reason: again\n", 5, "duplicate id 'a' (first listed on line 2)"),
        (ENTRY.replace("    reason: r\n", ""), 2, "entries[0] is missing 'reason'"),
        (ENTRY.replace("reason: r", "reason: '  '"), 4, "entries[0].reason must be a non-blank text"),
        (ENTRY.replace("id: a", "id: two words"), 2, "must be a scenario id without spaces"),
        (ENTRY.replace("id: a", "id: 7"), 2, "entries[0].id must be a text, found int 7"),
        ("entries:\n  - just a string\n", 2, "entries[0] must be a mapping, found str"),
        ("entries: {id: a}\n", 1, "'entries' must be a list, found a mapping"),
        ("- id: a\n", 1, "the file must be a mapping, found a list"),
        ("version: 2\n" + ENTRY, 1, "'version' must be one of 1, found 2"),
        ("entries: [\n", 2, "not valid YAML"),
        ("entries:\n  - id: a\n    id: b\n", 3, "not valid YAML: found duplicate key"),
    ],
)
def test_bad_files_name_the_line_and_the_fix(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = _write(tmp_path, text)

    with pytest.raises(ExpectationsError) as caught:
        load_expectations(path)

    assert f"{path}:{line}: " in str(caught.value)
    assert message in str(caught.value)
    assert any(found == line for found, _ in caught.value.problems)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = ENTRY.replace("FAIL", "FAILED") + "    reasn: x\n  - id: b\n    outcome: FAIL\n"
    with pytest.raises(ExpectationsError) as caught:
        load_expectations(_write(tmp_path, text))

    assert [line for line, _ in caught.value.problems] == [3, 5, 6]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExpectationsError, match="cannot read the expectations file"):
        load_expectations(tmp_path / "nope.yaml")


def test_listed_failure_with_its_outcome_is_xfail(expectations: Expectations) -> None:
    verdict = expectations.judge("outsider-denied", "FAIL", today=TODAY)

    assert verdict == Judgement("XFAIL", False, "moto does not check membership", expectations.entries[1])


def test_listed_but_passing_is_a_stale_xpass(expectations: Expectations) -> None:
    verdict = expectations.judge("outsider-denied", "PASS", today=TODAY)

    assert (verdict.outcome, verdict.gating) == ("XPASS", True)
    assert "expected.yaml:9 expects FAIL" in verdict.message
    assert "stale" in verdict.message


def test_expired_entry_gates_and_names_entry_and_date(expectations: Expectations) -> None:
    verdict = expectations.judge("deny-change#2", "ERROR", today=TODAY)

    assert (verdict.outcome, verdict.gating) == ("ERROR", True)
    assert "'deny-change#2'" in verdict.message
    assert "expired on 2026-01-31" in verdict.message


def test_entry_is_valid_through_its_expiry_day(expectations: Expectations) -> None:
    assert not expectations.judge("deny-change#2", "ERROR", today=dt.date(2026, 1, 31)).gating
    assert expectations.judge("deny-change#2", "ERROR", today=dt.date(2026, 2, 1)).gating


def test_other_failure_than_listed_gates(expectations: Expectations) -> None:
    verdict = expectations.judge("outsider-denied", "ERROR", today=TODAY)

    assert (verdict.outcome, verdict.gating) == ("ERROR", True)
    assert "ended ERROR but" in verdict.message
    assert "expects FAIL" in verdict.message


@pytest.mark.parametrize(
    ("outcome", "gating"), [("PASS", False), ("FAIL", True), ("ERROR", True), ("UNSUPPORTED", True)]
)
def test_unlisted_outcomes_stand(expectations: Expectations, outcome: str, gating: bool) -> None:
    assert expectations.judge("not-listed", outcome, today=TODAY) == Judgement(outcome, gating, "")


def test_judge_refuses_outcomes_that_are_already_judged(expectations: Expectations) -> None:
    with pytest.raises(ValueError, match="cannot judge outcome 'XFAIL'"):
        expectations.judge("outsider-denied", "XFAIL", today=TODAY)


def test_no_file_means_every_failure_gates() -> None:
    assert Expectations().judge("x", "UNSUPPORTED", today=TODAY).gating


def test_unused_entries_are_listed_in_file_order(expectations: Expectations) -> None:
    unused = expectations.unused(["outsider-denied", "something-else"])

    assert [e.id for e in unused] == ["auto-approved-add-member", "deny-change#2"]


def test_exit_code() -> None:
    assert exit_code([Judgement("XFAIL", False, ""), Judgement("PASS", False, "")]) == EXIT_OK
    assert exit_code([Judgement("XFAIL", False, ""), Judgement("XPASS", True, "")]) == EXIT_REGRESSION
    assert exit_code([]) == EXIT_OK


def test_from_results_lists_every_non_pass_and_loads_back(tmp_path: Path, mixed: Results) -> None:
    text = expectations_from_results(mixed)

    loaded = load_expectations(_write(tmp_path, text))

    failing = {s.scenario_id for s in mixed.scenarios if s.outcome not in ("PASS", "XPASS")}
    assert {e.id for e in loaded.entries} == failing
    by_id = {e.id: e for e in loaded.entries}
    assert by_id["auto-approved-add-member"].outcome == "FAIL"
    assert by_id["outsider-denied"].outcome == "ERROR"
    assert by_id["list-change-requests"].outcome == "UNSUPPORTED"
    assert by_id["list-change-requests"].reason == "recorded by expectations --from"
    assert loaded.implementation == "reference (http://127.0.0.1:4566)"


def test_from_results_keeps_existing_entries_of_expected_failures(tmp_path: Path, build: SimpleNamespace) -> None:
    kept = {
        "id": "old",
        "outcome": "ERROR",
        "reason": "known crash",
        "link": "https://x.test/1",
        "expires": "2027-01-02",
    }
    scenarios = (build.scenario("old", "XFAIL", expectation=kept), build.scenario("new", "FAIL"))
    results = Results(build.run_info(), scenarios, ())

    text = expectations_from_results(results, reason="triage me")
    loaded = load_expectations(_write(tmp_path, text))

    old, new = loaded.lookup("old"), loaded.lookup("new")
    assert old is not None
    assert new is not None
    assert (old.outcome, old.reason, old.link, old.expires) == (
        "ERROR",
        "known crash",
        "https://x.test/1",
        dt.date(2027, 1, 2),
    )
    assert (new.outcome, new.reason) == ("FAIL", "triage me")
    assert "# title of new" in text


def test_from_results_of_a_clean_run_is_a_valid_empty_file(tmp_path: Path, build: SimpleNamespace) -> None:
    results = Results(build.run_info(), (build.scenario("a"),), ())

    assert load_expectations(_write(tmp_path, expectations_from_results(results))).entries == ()


def test_expectation_as_record(expectations: Expectations) -> None:
    record = expectations.entries[0].to_dict()

    assert record["expires"] == "2027-06-30"
    assert dataclasses.asdict(expectations.entries[1])["line"] == 9


def test_generated_file_has_one_line_per_entry_so_deleting_a_line_unlists_one_scenario(tmp_path: Path) -> None:
    from conformance.report import records as rec
    from conformance.report.results import Results

    message = (
        "x [FAIL]\n/s.yaml:4: steps[0] ...\n  - [expectation, model: MODEL] a.b: expected 1, got 2 (/tmp/s.yaml:9)\n"
    )
    results = Results(
        run=rec.RunInfo(target="fake"),
        scenarios=tuple(
            rec.ScenarioRecord(scenario_id=f"s{i}", title=f"t{i}", target="fake", outcome="FAIL", message=message)
            for i in range(3)
        ),
        checks=(),
    )
    text = expectations_from_results(results)
    entry_lines = [line for line in text.splitlines() if line.lstrip().startswith("- {id: ")]
    assert len(entry_lines) == 3
    assert "reason: 'a.b: expected 1, got 2'" in entry_lines[0]  # the first failure, without the local path
    path = tmp_path / "e.yaml"
    path.write_text(text.replace(entry_lines[1] + "\n", ""))
    loaded = load_expectations(path)
    assert loaded.lookup("s0") is not None
    assert loaded.lookup("s1") is None
    assert loaded.lookup("s2") is not None


def test_from_results_leaves_out_fuzz_items_not_run_or_on_missing_operations(
    tmp_path: Path, build: SimpleNamespace
) -> None:
    fuzz = ("fuzz", "negative")
    scenarios = (
        build.scenario("fuzz:negative:GetCollaboration", "FAIL", tags=fuzz),
        build.scenario("fuzz:negative:ListMembers", "SKIPPED", tags=fuzz, message="not run: the run budget..."),
        build.scenario("fuzz:negative:UpdateCollaborationChangeRequest", "UNSUPPORTED", tags=fuzz),
        build.scenario("cr-cancel-pending", "UNSUPPORTED"),
    )
    text = expectations_from_results(Results(build.run_info(), scenarios, ()))

    ids = [e.id for e in load_expectations(_write(tmp_path, text)).entries]
    assert ids == ["cr-cancel-pending", "fuzz:negative:GetCollaboration"]


def test_from_results_leaves_out_files_that_could_not_be_loaded(mixed: Results) -> None:
    broken = ScenarioRecord(
        "broken", "broken.yaml could not be loaded", "reference", "ERROR", evidence_level=COLLECTION_ERROR
    )
    text = expectations_from_results(dataclasses.replace(mixed, scenarios=(*mixed.scenarios, broken)))
    assert "broken" not in text


def test_unknown_ids_are_named_with_the_closest_known_one(tmp_path: Path) -> None:
    loaded = load_expectations(
        _write(
            tmp_path,
            "version: 1\nentries:\n"
            "  - {id: collaboration-create-basik, outcome: FAIL, reason: typo}\n"
            "  - {id: collaboration-create-basic#3, outcome: FAIL, reason: a step of a known scenario}\n"
            "  - {id: zzzzzz, outcome: FAIL, reason: nothing like it}\n",
        )
    )
    unknown = loaded.unknown({"collaboration-create-basic", "collaboration-delete"})
    assert [(e.id, close) for e, close in unknown] == [
        ("collaboration-create-basik", "collaboration-create-basic"),
        ("zzzzzz", None),
    ]
    text = loaded.describe_unknown(unknown)
    assert ":3: unknown id 'collaboration-create-basik'; did you mean 'collaboration-create-basic'?" in text
    assert ":5: unknown id 'zzzzzz'; no scenario or check has a similar id" in text
