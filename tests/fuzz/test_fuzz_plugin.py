"""Black-box: the fuzz items as pytest collects and runs them (``-p conformance.fuzz_plugin`` names the module
``conformance.plugin`` registers by itself: both ways load it once)."""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from conformance import fuzz_plugin
from conformance.fuzz.catalogue import CORE_OPERATIONS, STRATEGIES
from conformance.fuzz.systematic import generate
from conformance.glue.fuzz_checks import checks, spread

PLUGIN = ("-p", "conformance.fuzz_plugin")


def results(report_dir: Path) -> dict[str, Any]:
    (path,) = report_dir.glob("*/results.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--pyargs", "conformance", *PLUGIN, "--report-dir", str(pytester.path / "r"), *args)


def test_fuzz_items_run_beside_the_library_and_report_counts(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--target=reference", "-m", "fuzz", "-k", "drift or fuzz:boundary:")
    # An operation the strategy has nothing to vary on (GetCollaboration has no bounded member) gets no item.
    varied = [op for op in CORE_OPERATIONS if generate("boundary", op).variants]
    assert "CreateCollaboration" in varied
    assert "GetCollaboration" not in varied
    result.assert_outcomes(passed=len(varied))  # no drift item: the model matches its checksums
    data = results(pytester.path / "r")
    boundary_items = {f"fuzz:boundary:{op}" for op in varied}
    assert {s["scenario_id"] for s in data["scenarios"]} == boundary_items
    boundary = {c["check_id"]: c for c in data["checks"] if c["check_id"].startswith("fuzz:boundary:")}
    assert set(boundary) == boundary_items  # each item's record carries the item's own id
    assert all(boundary[i]["scenario_id"] == i for i in boundary_items)
    record = boundary["fuzz:boundary:CreateCollaboration"]
    assert record["kind"] == "fuzz"
    assert record["operation"] == "CreateCollaboration"
    assert record["outcome"] == "PASS"
    counts = record["request"]["fuzz"]
    assert counts["strategy"] == "boundary"
    assert counts["variants"] == counts["passed"] > 10


def test_fuzz_rows_name_the_module_of_their_check_never_an_absolute_path(pytester: pytest.Pytester) -> None:
    run(pytester, "--target=reference", "-m", "fuzz", "--fuzz-operation=ListMembers", "-k", "boundary or stateful")
    data = results(pytester.path / "r")
    files = {s["scenario_id"]: s["file"] for s in data["scenarios"]}
    assert files == {
        "fuzz:boundary:ListMembers": "conformance/fuzz/systematic.py",
        "fuzz:stateful": "conformance/fuzz/machine.py",
    }
    assert all(not Path(c["file"]).is_absolute() for c in data["checks"])
    assert "model-checksums" not in json.dumps(data["scenarios"])


def test_a_failing_fuzz_row_points_at_its_reproducer_inside_the_report_folder(pytester: pytest.Pytester) -> None:
    args = ("-m", "fuzz", "-k", "negative", "--fuzz-operation=CreateCollaboration")
    run(pytester, "--target=reference", "--emulator-defect=skip-length-check", *args)
    (record,) = [c for c in results(pytester.path / "r")["checks"] if c["outcome"] == "FAIL"]
    assert record["file"].startswith("reproducers/fuzz-negative-CreateCollaboration-")
    assert (pytester.path / "r" / "reference" / record["file"]).is_file()
    assert all(not Path(r).is_absolute() for r in record["request"]["fuzz"]["reproducers"])


def test_items_are_per_check_and_operation_and_selectable_with_k(pytester: pytest.Pytester) -> None:
    listed = collected(pytester, "--target=reference", "-m", "fuzz")
    # the systematic strategies where they have something to vary, the two properties, schemathesis
    systematic = sum(1 for s in STRATEGIES for op in CORE_OPERATIONS if _varies(s, op))
    assert len(listed) == 1 + systematic + 3 * len(CORE_OPERATIONS)
    assert "fuzz:stateful" in set(listed)
    assert not {"fuzz:support", "fuzz:model-drift"} & set(listed)  # no check a constant server could pass
    assert "fuzz:boundary:CreateCollaboration" in listed
    assert "fuzz:schemathesis:UpdateCollaborationChangeRequest" in listed
    assert "fuzz:boundary" not in listed  # no item for a whole strategy any more
    only = collected(pytester, "--target=reference", "-m", "fuzz", "-k", "fuzz:enum:")
    assert only == [f"fuzz:enum:{op}" for op in CORE_OPERATIONS if _varies("enum", op)]
    one = collected(pytester, "--target=reference", "--fuzz-operation=ListMembers", "-k", "fuzz:negative:")
    assert one == ["fuzz:negative:ListMembers"]


def _varies(strategy: str, operation: str) -> bool:
    generated = generate(strategy, operation)
    return bool(generated.variants or generated.dropped)


def test_only_the_core_operations_are_fuzzed_unless_others_are_named(pytester: pytest.Pytester) -> None:
    listed = collected(pytester, "--target=reference", "-m", "fuzz")
    operations = {name.split(":")[2] for name in listed if name.count(":") == 2}
    assert operations == set(CORE_OPERATIONS)
    older = collected(pytester, "--target=reference", "-m", "fuzz", "--api-version=2025-09-03", "-k", "fuzz:echo:")
    assert "fuzz:echo:UpdateCollaborationChangeRequest" not in older  # not in the model of that release
    assert "fuzz:echo:CreateCollaborationChangeRequest" in older
    other = collected(pytester, "--target=reference", "-m", "fuzz", "--fuzz-operation=ListConfiguredTables")
    assert "fuzz:boundary:ListConfiguredTables" in other
    assert not any(name.endswith(":CreateCollaboration") for name in other)


def test_an_operation_the_target_lacks_is_unsupported_not_passed(pytester: pytest.Pytester) -> None:
    chosen = ("--fuzz-operation=ListConfiguredTables", "-k", "boundary")
    result = run(pytester, "--target=reference", "-m", "fuzz", *chosen)
    result.assert_outcomes(skipped=1)
    (scenario,) = results(pytester.path / "r")["scenarios"]
    assert scenario["scenario_id"] == "fuzz:boundary:ListConfiguredTables"
    assert scenario["outcome"] == "UNSUPPORTED"
    assert "not implemented" in scenario["message"]


def collected(pytester: pytest.Pytester, *args: str) -> list[str]:
    """The fuzz items' names, in collection order."""
    listed = run(pytester, *args, "--collect-only", "-q").stdout.str()
    return [line.split("::")[1] for line in listed.splitlines() if "::fuzz:" in line]


def test_not_fuzz_leaves_them_out(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--target=reference", "-m", "not fuzz", "--collect-only", "-q")
    assert "fuzz:" not in result.stdout.str()
    listed = run(pytester, "--target=reference", "-m", "fuzz", "--collect-only", "-q").stdout.str()
    assert "conformance/fuzz/systematic.py::fuzz:negative:CreateCollaboration" in listed
    assert "fuzz:differential" not in listed


def test_the_longest_checks_are_collected_first(pytester: pytest.Pytester) -> None:
    names = collected(pytester, "--target=reference", "-m", "fuzz")
    checks = list(dict.fromkeys(name.split(":")[1] for name in names))

    assert checks[:3] == ["schemathesis", "negative", "stateful"]
    assert names[0] == "fuzz:schemathesis:CreateCollaboration"
    assert "fuzz:model-drift" not in names


def test_a_drifted_model_gets_a_drift_item_that_names_what_changed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conformance.fuzz import drift

    real = drift.compare

    def drifted(stored: Any, current: Any = None) -> Any:
        found = real(stored, current)
        return dataclasses.replace(found, changed=("CreateCollaboration",))

    monkeypatch.setattr(drift, "compare", drifted)
    result = pytester.runpytest_inprocess(
        "--pyargs", "conformance", *PLUGIN, "--report-dir", str(pytester.path / "r"), "-m", "fuzz", "-k", "drift"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*fuzz:model-drift*"])
    assert "CreateCollaboration" in result.stdout.str()


def test_a_planted_defect_fails_the_item_with_a_reproducer(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        "--target=reference",
        "--emulator-defect=skip-length-check",
        "-m",
        "fuzz",
        "-k",
        "negative",
        "--fuzz-operation=CreateCollaboration",
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "fuzz:negative:CreateCollaboration: FAIL" in output
    assert "too-long" in output
    reproducers = sorted((pytester.path / "r" / "reference" / "reproducers").glob("*.yaml"))
    assert reproducers
    replay = pytester.runpytest(
        "--scenarios",
        str(reproducers[0].parent),
        "--target=reference",
        "--emulator-defect=skip-length-check",
        "-k",
        reproducers[0].stem,
        "--report-dir",
        str(pytester.path / "r2"),
    )
    replay.assert_outcomes(failed=1)


def test_the_expectations_file_excuses_a_known_fuzz_failure(pytester: pytest.Pytester) -> None:
    expected = pytester.path / "expected.yaml"
    expected.write_text(
        "entries:\n  - id: fuzz:negative:CreateCollaboration\n    outcome: FAIL\n    reason: no length checks yet\n",
        encoding="utf-8",
    )
    result = run(
        pytester,
        "--target=reference",
        "--emulator-defect=skip-length-check",
        "-m",
        "fuzz",
        "-k",
        "negative",
        "--fuzz-operation=CreateCollaboration",
        f"--expectations={expected}",
    )
    result.assert_outcomes(xfailed=1)
    (record,) = [
        c for c in results(pytester.path / "r")["checks"] if c["check_id"] == "fuzz:negative:CreateCollaboration"
    ]
    assert record["outcome"] == "XFAIL"


def test_options_are_checked(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--target=reference", "--fuzz-operation=CreateCollab", "-m", "fuzz")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "did you mean CreateCollaboration" in result.stderr.str()
    bad = run(pytester, "--target=reference", "--fuzz-profile=slow")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


def test_an_entry_excuses_one_operation_only_and_goes_stale_when_it_is_fixed(pytester: pytest.Pytester) -> None:
    expected = pytester.path / "expected.yaml"
    expected.write_text(
        "entries:\n  - id: fuzz:negative:CreateCollaboration\n    outcome: FAIL\n    reason: no length checks\n",
        encoding="utf-8",
    )
    ops = ("--fuzz-operation=CreateCollaboration", "--fuzz-operation=UpdateCollaboration")
    common = ("-m", "fuzz", "-k", "fuzz:negative:", *ops, f"--expectations={expected}")
    broken = run(pytester, "--target=reference", "--emulator-defect=skip-length-check", *common)
    # The entry for CreateCollaboration hides nothing else: the same defect on UpdateCollaboration still fails.
    broken.assert_outcomes(xfailed=1, failed=1)
    assert "fuzz:negative:UpdateCollaboration: FAIL" in broken.stdout.str()
    healthy = run(pytester, "--target=reference", *common)
    healthy.assert_outcomes(failed=1, passed=1)
    assert "stale" in healthy.stdout.str()


def test_a_whole_strategy_entry_no_longer_excuses_every_operation(pytester: pytest.Pytester) -> None:
    expected = pytester.path / "expected.yaml"
    expected.write_text(
        "entries:\n  - id: fuzz:negative\n    outcome: FAIL\n    reason: written before items were per operation\n",
        encoding="utf-8",
    )
    common = ("-m", "fuzz", "-k", "negative", "--fuzz-operation=CreateCollaboration", f"--expectations={expected}")
    run(pytester, "--target=reference", "--emulator-defect=skip-length-check", *common).assert_outcomes(failed=1)


def test_under_xdist_the_fuzz_items_are_spread_through_the_collection_longest_first(
    pytester: pytest.Pytester,
) -> None:
    items, _ = pytester.inline_genitems("--pyargs", "conformance", *PLUGIN, "--target=reference")
    config = items[0].config
    before = [item.nodeid for item in items]
    config.workerinput = {}  # type: ignore[attr-defined]  # what xdist gives a worker's config

    fuzz_plugin.pytest_collection_modifyitems(config, items)

    after = [item.nodeid for item in items]
    positions = [i for i, nodeid in enumerate(after) if "::fuzz:" in nodeid]
    assert sorted(after) == sorted(before)
    assert after[0].endswith("fuzz:schemathesis:CreateCollaboration")
    assert len(positions) == len(checks(config))
    gaps = {b - a for a, b in itertools.pairwise(positions)}
    assert max(gaps) - min(gaps) <= 1  # evenly spaced: every slice xdist hands out holds one or two


def test_spread_places_the_few_evenly_among_the_many() -> None:
    assert spread("ABC", range(9)) == ["A", 0, 1, 2, "B", 3, 4, 5, "C", 6, 7, 8]
    assert spread("AB", []) == ["A", "B"]
    assert spread([], [1, 2]) == [1, 2]


@pytest.mark.parametrize(
    ("args", "chunk"),
    [
        (("--target=reference", "-n", "2", "--dist", "load"), 1),
        (("--target=reference", "-n", "2", "--dist", "load", "--maxschedchunk", "3"), 3),
        (("--target=reference", "-n", "2", "--dist", "worksteal"), None),
        (("-n", "2", "--dist", "load"), None),  # not a conformance run: left as the user had it
    ],
)
def test_load_scheduling_hands_items_out_one_at_a_time(
    pytester: pytest.Pytester, args: tuple[str, ...], chunk: Any
) -> None:
    config = pytester.parseconfigure(*args)

    assert config.option.maxschedchunk == chunk


def test_checks_past_the_run_budget_are_not_run_and_say_why(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--target=reference", "-m", "fuzz", "-k", "fuzz:boundary:", "--fuzz-run-budget=0.01")
    outcomes = result.parseoutcomes()
    # The first one started and was cut short (or, ended before one variant, not run); nothing was left for the rest.
    varied = [op for op in CORE_OPERATIONS if generate("boundary", op).variants]
    assert outcomes["skipped"] >= len(varied) - 1
    assert "passed" not in outcomes or outcomes["passed"] <= 1
    data = results(pytester.path / "r")
    scenarios = {s["scenario_id"]: s for s in data["scenarios"]}
    first, *rest = [scenarios[f"fuzz:boundary:{op}"] for op in CORE_OPERATIONS if generate("boundary", op).variants]
    for scenario in rest:
        assert scenario["outcome"] == "SKIPPED"
        assert scenario["message"].startswith("not run: the run budget of 0.01 s (--fuzz-run-budget)")
    skipped = [c for c in data["checks"] if c["outcome"] == "SKIPPED"]
    assert len(rest) <= len(skipped) <= len(rest) + 1
    assert all(c["request"]["fuzz"]["variants"] == 0 and "not run" in c["request"]["fuzz"]["note"] for c in skipped)
    (started,) = [c for c in data["checks"] if c["scenario_id"] == first["scenario_id"]]
    assert "cut short: the run budget of 0.01 s" in started["request"]["fuzz"]["note"]
    assert first["outcome"] != "PASS" or started["request"]["fuzz"]["variants"] > 0
    (page,) = (pytester.path / "r").glob("*/index.html")  # a -k run is partial: reference-partial
    html = page.read_text(encoding="utf-8")
    assert "o-SKIPPED" in html
    assert "not run: the run budget of 0.01 s (--fuzz-run-budget)" in html  # the fuzz table's note column


def test_a_check_cut_short_by_its_budget_says_how_many_variants_ran(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        "--target=reference",
        "-m",
        "fuzz",
        "--fuzz-operation=CreateCollaboration",
        "-k",
        "fuzz:negative:",
        "--fuzz-check-budget=0.000001",
    )
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
    (record,) = results(pytester.path / "r")["checks"]
    note = record["request"]["fuzz"]["note"]
    # Ended before its first variant: not run (never a PASS), saying how far it got.
    assert note.startswith("not run: cut short: the check budget of 1e-06 s (--fuzz-check-budget) ran out after 0 of ")
    assert record["request"]["fuzz"]["variants"] == 0
    assert record["outcome"] == "SKIPPED"


def test_budgets_are_checked(pytester: pytest.Pytester) -> None:
    bad = run(pytester, "--target=reference", "--fuzz-run-budget=-1")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad = run(pytester, "--target=reference", "--fuzz-check-budget=soon")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


def test_hypothesis_keeps_its_files_under_the_report_folder_not_the_current_directory(
    pytester: pytest.Pytester,
) -> None:
    # A fresh process (Hypothesis caches its Unicode tables per process): the properties draw text, schemathesis
    # and the state machine run Hypothesis too.
    chosen = "stateful or fuzz:random-valid:CreateCollaboration or fuzz:schemathesis:ListCollaborations"
    report = pytester.path / "out"
    args = ("--report-dir", str(report), "--target=reference", "-m", "fuzz", "-k", chosen)
    result = pytester.runpytest_subprocess("--pyargs", "conformance", *PLUGIN, *args)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()[-2000:]
    assert not (pytester.path / ".hypothesis").exists()
    assert (report / "reference" / ".hypothesis").is_dir()


def test_every_fuzz_item_is_located_at_the_module_that_makes_its_check(pytester: pytest.Pytester) -> None:
    from conformance.fuzz.catalogue import MODULES

    # Not at the library's checksums file, which once carried them all (and named it as every check's location).
    items, _ = pytester.inline_genitems("--pyargs", "conformance", "--target=reference", "-m", "fuzz")
    fuzz = [item for item in items if "::fuzz:" in item.nodeid]
    assert fuzz
    for item in fuzz:
        check = item.name.split(":")[1]
        assert item.nodeid == f"{MODULES[check]}::{item.name}"
        assert item.location[0].endswith(MODULES[check])
        assert "model-checksums" not in item.nodeid
