"""Black-box: the fuzz items as pytest collects and runs them (``-p conformance.fuzz_plugin``, which
``conformance.plugin`` registers itself once it lists the module in ``pytest_plugins``)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from conformance import fuzz_plugin

PLUGIN = ("-p", "conformance.fuzz_plugin")


def results(report_dir: Path) -> dict[str, Any]:
    (path,) = report_dir.glob("*/results.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--pyargs", "conformance", *PLUGIN, "--report-dir", str(pytester.path / "r"), *args)


def test_fuzz_items_run_beside_the_library_and_report_counts(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--target=reference", "-m", "fuzz", "-k", "support or drift or boundary")
    result.assert_outcomes(passed=3)
    data = results(pytester.path / "r")
    assert {s["scenario_id"] for s in data["scenarios"]} == {"fuzz:support", "fuzz:model-drift", "fuzz:boundary"}
    boundary = {c["check_id"]: c for c in data["checks"] if c["check_id"].startswith("fuzz:boundary:")}
    assert len(boundary) == 14
    record = boundary["fuzz:boundary:CreateCollaboration"]
    assert record["kind"] == "fuzz"
    assert record["operation"] == "CreateCollaboration"
    assert record["outcome"] == "PASS"
    counts = record["request"]["fuzz"]
    assert counts["strategy"] == "boundary"
    assert counts["variants"] == counts["passed"] > 10


def test_not_fuzz_leaves_them_out(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--target=reference", "-m", "not fuzz", "--collect-only", "-q")
    assert "fuzz:" not in result.stdout.str()
    listed = run(pytester, "--target=reference", "-m", "fuzz", "--collect-only", "-q").stdout.str()
    assert "model-checksums.json::fuzz:negative" in listed
    assert "fuzz:differential" not in listed


def test_the_longest_checks_are_collected_first(pytester: pytest.Pytester) -> None:
    listed = run(pytester, "--target=reference", "-m", "fuzz", "--collect-only", "-q").stdout.str()
    names = [line.split("::")[1] for line in listed.splitlines() if "::fuzz:" in line]

    assert names[:3] == ["fuzz:schemathesis", "fuzz:negative", "fuzz:stateful"]
    assert names[-1] == "fuzz:model-drift"


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


def test_an_item_level_entry_excuses_its_failures_and_goes_stale_when_they_are_fixed(pytester: pytest.Pytester) -> None:
    expected = pytester.path / "expected.yaml"
    expected.write_text(
        "entries:\n  - id: fuzz:negative\n    outcome: FAIL\n    reason: written by `expectations --from`\n",
        encoding="utf-8",
    )
    common = ("-m", "fuzz", "-k", "negative", "--fuzz-operation=CreateCollaboration", f"--expectations={expected}")
    run(pytester, "--target=reference", "--emulator-defect=skip-length-check", *common).assert_outcomes(xfailed=1)
    healthy = run(pytester, "--target=reference", *common)
    healthy.assert_outcomes(failed=1)
    assert "stale" in healthy.stdout.str()


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
    assert after[0].endswith("fuzz:schemathesis")
    assert len(positions) == 12
    gaps = {b - a for a, b in itertools.pairwise(positions)}
    assert max(gaps) - min(gaps) <= 1  # evenly spaced: every slice xdist hands out holds one or two


def test_spread_places_the_few_evenly_among_the_many() -> None:
    assert fuzz_plugin.spread("ABC", range(9)) == ["A", 0, 1, 2, "B", 3, 4, 5, "C", 6, 7, 8]
    assert fuzz_plugin.spread("AB", []) == ["A", "B"]
    assert fuzz_plugin.spread([], [1, 2]) == [1, 2]


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
