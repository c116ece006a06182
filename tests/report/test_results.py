from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import MappingProxyType, SimpleNamespace

import pytest

from conformance.report.errors import ReportError
from conformance.report.records import RESULTS_VERSION, CheckRecord
from conformance.report.results import Results, merge, outcome_counts, read_results, write_results


def test_round_trip_keeps_every_record(tmp_path: Path, mixed: Results) -> None:
    path = write_results(tmp_path, mixed)

    assert path == tmp_path / "results.json"
    assert read_results(tmp_path) == mixed
    assert read_results(path) == mixed


def test_file_has_version_and_summary(tmp_path: Path, mixed: Results) -> None:
    document = json.loads(write_results(tmp_path, mixed).read_text(encoding="utf-8"))

    assert document["version"] == RESULTS_VERSION
    assert document["summary"]["scenarios"] == outcome_counts(mixed.scenarios)
    assert document["summary"]["scenarios"]["XFAIL"] == 1
    assert document["scenarios"][0]["scenario_id"] == "create-collaboration"


def test_write_leaves_no_temporary_file(tmp_path: Path, mixed: Results) -> None:
    write_results(tmp_path, mixed)
    write_results(tmp_path, mixed)

    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_read_only_mappings_and_bytes_are_written_as_json(tmp_path: Path, build: SimpleNamespace) -> None:
    check = build.check("s", 0, headers=MappingProxyType({"x-amzn-requestid": "r1"}))
    check = dataclasses.replace(check, request={"params": MappingProxyType({"a": 1}), "body": b"raw"})
    results = Results(build.run_info(), (build.scenario("s"),), (check,))

    back = read_results(write_results(tmp_path, results))

    assert back.checks[0].response is not None
    assert back.checks[0].response["headers"] == {"x-amzn-requestid": "r1"}
    assert back.checks[0].request == {"params": {"a": 1}, "body": "raw"}


def test_missing_file_says_to_run_the_suite(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"no results file here; run the suite first"):
        read_results(tmp_path)


def test_corrupt_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text('{"version": 1, "run": ', encoding="utf-8")

    with pytest.raises(ReportError, match=r"results\.json: not valid JSON"):
        read_results(tmp_path)


def test_newer_version_asks_for_an_upgrade(tmp_path: Path, mixed: Results) -> None:
    path = write_results(tmp_path, mixed)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["version"] = RESULTS_VERSION + 1
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(ReportError, match=r"newer cleanrooms-conformance .* upgrade the package"):
        read_results(path)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("version"), r"no integer 'version'"),
        (lambda d: d.update(scenarios={}), r"'scenarios' must be a list"),
        (lambda d: d["checks"][1].pop("check_id"), r"checks\[1\]: .*check_id"),
        (lambda d: d["scenarios"][2].update(outcome="MAYBE"), r"scenarios\[2\]: unknown outcome 'MAYBE'"),
        (lambda d: d["checks"][2].update(failures=["oops"]), r"checks\[2\]:"),
        (lambda d: d.update(run=[]), r"run must be an object"),
    ],
)
def test_malformed_records_are_reported_with_their_place(tmp_path: Path, mixed: Results, mutate, message) -> None:
    path = write_results(tmp_path, mixed)
    document = json.loads(path.read_text(encoding="utf-8"))
    mutate(document)
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(ReportError, match=message):
        read_results(path)


def test_unknown_fields_from_a_newer_minor_layout_are_ignored(tmp_path: Path, mixed: Results) -> None:
    path = write_results(tmp_path, mixed)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["checks"][0]["new_field"] = "x"
    path.write_text(json.dumps(document), encoding="utf-8")

    assert read_results(path) == mixed


def _split(results: Results, first_ids: set[str]) -> tuple[Results, Results]:
    def part(keep: bool) -> Results:
        return Results(
            run=results.run,
            scenarios=tuple(s for s in results.scenarios if (s.scenario_id in first_ids) == keep),
            checks=tuple(c for c in results.checks if (c.scenario_id in first_ids) == keep),
        )

    return part(True), part(False)


def test_merge_of_two_worker_parts_restores_file_order(mixed: Results) -> None:
    gw0, gw1 = _split(mixed, {"outsider-denied", "stale-entry"})
    # Workers finish in any order, and each in its own order.
    gw1 = dataclasses.replace(gw1, scenarios=gw1.scenarios[::-1], checks=gw1.checks[::-1])

    merged = merge([gw1, gw0])

    assert [s.scenario_id for s in merged.scenarios] == sorted(s.scenario_id for s in mixed.scenarios)
    steps = [(c.scenario_id, c.step) for c in merged.checks]
    assert steps == sorted(steps)
    assert len(merged.checks) == len(mixed.checks)


def test_merge_keeps_one_record_per_id_and_the_later_part_wins(mixed: Results) -> None:
    rerun = dataclasses.replace(mixed.scenarios[1], outcome="PASS", message="")
    rerun_check = dataclasses.replace(mixed.checks[2], outcome="PASS", failures=())
    later = Results(mixed.run, (rerun,), (rerun_check,))

    merged = merge([mixed, later])

    assert len(merged.scenarios) == len(mixed.scenarios)
    assert len(merged.checks) == len(mixed.checks)
    by_id = {s.scenario_id: s for s in merged.scenarios}
    assert by_id[rerun.scenario_id].outcome == "PASS"
    assert {c.check_id: c for c in merged.checks}[rerun_check.check_id].outcome == "PASS"


def test_merge_spans_the_run_times_of_all_parts(mixed: Results) -> None:
    early = dataclasses.replace(mixed, run=dataclasses.replace(mixed.run, started=100.0, finished=150.0))
    late = dataclasses.replace(mixed, run=dataclasses.replace(mixed.run, started=120.0, finished=300.0))

    run = merge([late, early]).run

    assert (run.started, run.finished) == (100.0, 300.0)


def test_fuzz_findings_follow_the_steps_of_their_scenario(build: SimpleNamespace) -> None:
    fuzz = CheckRecord(check_id="fuzz:create#1", scenario_id="a", target="reference", outcome="FAIL", kind="fuzz")
    part = Results(build.run_info(), (build.scenario("a"),), (fuzz, build.check("a", 1), build.check("a", 0)))

    assert [c.check_id for c in merge([part]).checks] == ["a#0", "a#1", "fuzz:create#1"]


def test_merge_refuses_parts_of_different_targets(mixed: Results) -> None:
    other = dataclasses.replace(mixed, run=dataclasses.replace(mixed.run, target="moto"))

    with pytest.raises(ReportError, match=r"different targets \(moto, reference\); use compare"):
        merge([mixed, other])


def test_merge_of_nothing_is_an_error() -> None:
    with pytest.raises(ReportError, match="nothing to merge"):
        merge([])
