from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from conformance.model.service import operation_names
from conformance.report.coverage import coverage
from conformance.report.html import render_html, write_html
from conformance.report.results import Results

OPERATIONS = (
    "CreateCollaboration",
    "GetCollaboration",
    "CreateCollaborationChangeRequest",
    "ListCollaborationChangeRequests",
    "UpdateCollaborationChangeRequest",
)


def _cells(row: Any) -> list[str]:
    return [td.text.strip() for td in row.find_all("td")]


def test_all_pass_run(build: SimpleNamespace, parse_html: Any) -> None:
    scenarios = tuple(build.scenario(f"s{i}", line=i) for i in range(3))
    checks = tuple(build.check(f"s{i}", 0, body=build.created_collaboration()) for i in range(3))
    page = parse_html(render_html(Results(build.run_info(), scenarios, checks)))

    assert page.by_id("summary").find_all("span", class_="score")[0].text.split() == ["3", "/", "3", "(100%)"]
    assert "No failures." in page.by_id("failures").text or "No failures." in page.text
    assert not page.find_all("section", class_="card")
    assert not page.find_all("details")  # nothing to unfold when everything passed and coverage was not asked


def test_headline_counts_every_outcome(mixed: Results, parse_html: Any) -> None:
    page = parse_html(render_html(mixed))
    summary = page.by_id("summary")

    # conforming = PASS + XPASS, applicable = every scenario run
    assert summary.find_all("span", class_="score")[0].text.split()[:3] == ["2", "/", "6"]
    chips = [chip.text for chip in summary.find_all("span", class_="o")]
    assert chips == ["PASS", "FAIL", "UNSUPPORTED", "ERROR", "XFAIL", "XPASS"]


def test_scores_per_evidence_level(mixed: Results, parse_html: Any) -> None:
    page = parse_html(render_html(mixed))
    rows = page.find_all("table", class_="levels")[0].find_all("tbody")[0].find_all("tr")

    assert [_cells(r)[0] for r in rows] == ["model", "documented", "inferred"]
    assert _cells(rows[1])[1] == "2 / 4 (50%)"


def test_operation_table(mixed: Results, parse_html: Any) -> None:
    page = parse_html(render_html(mixed))
    table = page.find_all("table", class_="operations")[0]
    heads = [th.text for th in table.find_all("th")]
    rows = {_cells(r)[1]: _cells(r) for r in table.find_all("tbody")[0].find_all("tr")}

    assert set(rows) == set(OPERATIONS)
    create = rows["CreateCollaboration"]
    assert create[0] == "collaborations"
    assert create[heads.index("PASS")] == "2"
    assert create[heads.index("checks")] == "2"
    listing = rows["ListCollaborationChangeRequests"]
    assert listing[heads.index("UNSUPPORTED")] == "1"
    assert listing[0] == "change requests"


def test_failure_block_has_everything_needed_to_act(mixed: Results, parse_html: Any) -> None:
    page = parse_html(render_html(mixed))
    block = page.by_id("f-auto-approved-add-member")

    text = block.text
    assert "scenarios/auto-approved-add-member.yaml:1" in text
    assert "scenarios/auto-approved-add-member.yaml:15" in text  # the failing step's line
    assert "CreateCollaborationChangeRequest" in text
    assert "as creator" in " ".join(text.split())
    assert "expected status 200, got 409" in text
    assert block.find_all("pre", class_="diff")[0].text == "- status: 200\n+ status: 409"
    assert block.find_all("pre", class_="cmd")[0].text == "pytest --pyargs conformance -k auto-approved-add-member"
    summaries = [d.find_all("summary")[0].text for d in block.find_all("details")]
    assert "Request: POST http://127.0.0.1:4566/collaborations" in summaries
    assert "Response: HTTP 409" in summaries
    request = next(d for d in block.find_all("details") if d.find_all("summary")[0].text.startswith("Request"))
    assert '"collaborationIdentifier": "6b2c5e9a-1f3d-4c8e-9a7b-0d1e2f3a4b5c"' in request.text


def test_every_problem_scenario_has_a_block_and_an_anchor(mixed: Results, parse_html: Any) -> None:
    page = parse_html(render_html(mixed))

    blocks = {n.attrs["id"] for n in page.find_all("section", class_="card")}
    assert blocks == {"f-auto-approved-add-member", "f-outsider-denied", "f-list-change-requests", "f-stale-entry"}
    links = {a.attrs["href"] for a in page.by_id("scenarios").find_all("a")} | {
        a.attrs["href"] for a in page.find_all("table", class_="scenarios")[0].find_all("a")
    }
    assert {f"#{b}" for b in blocks} <= links
    for scenario in mixed.scenarios:
        page.by_id(f"s-{scenario.scenario_id}")


def test_response_body_markup_is_shown_as_text(mixed: Results, parse_html: Any) -> None:
    html = render_html(mixed)
    page = parse_html(html)

    assert not page.find_all("script")
    assert "<script>alert(1)</script>" in page.by_id("f-auto-approved-add-member").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_values_everywhere_are_escaped(build: SimpleNamespace, parse_html: Any) -> None:
    evil = '"><img src=x onerror=alert(1)>'
    scenario = build.scenario("evil", "FAIL", title=evil, message=evil, rerun=evil)
    step = build.check("evil", 0, "FAIL", failures=(build.failure(evil, path=evil),), diff=evil, body={evil: evil})
    step = dataclasses.replace(step, step_name=evil, actor=evil)
    page = parse_html(render_html(Results(build.run_info(target=evil), (scenario,), (step,))))

    assert not page.find_all("img")
    assert evil in page.by_id("f-evil").text


def test_expected_failures_and_stale_entries_show_reasons(mixed: Results, parse_html: Any) -> None:
    page = parse_html(render_html(mixed))
    rows = [_cells(r) for r in page.find_all("table", class_="expected")[0].find_all("tbody")[0].find_all("tr")]

    assert rows[0][:3] == ["XFAIL", "deny-change", "FAIL"]
    assert rows[0][3] == "not yet"
    assert rows[1][:2] == ["XPASS", "stale-entry"]
    assert "passes now: remove the entry" in rows[1][3]


def test_coverage_section(mixed: Results, parse_html: Any) -> None:
    page = parse_html(render_html(mixed, coverage=coverage(mixed, (*OPERATIONS, "ListMembers"))))
    rows = {_cells(r)[0]: _cells(r) for r in page.find_all("table", class_="coverage")[0].find_all("tr")[1:]}

    assert set(rows) == {"Operations", "Error shapes", "Enum values", "Constrained input members"}
    assert rows["Operations"][1:3] == ["5", "6"]
    details = page.by_id("cov-1")
    assert details.find_all("summary")[0].text == "Operations: 5 of 6 exercised"
    families = {_cells(r)[0]: r for r in details.find_all("tbody")[0].find_all("tr")}
    assert set(families) == {"collaborations", "members", "change requests"}
    members = families["members"].find_all("td")
    assert [td.text.strip() for td in members[1:]] == ["0 / 1", "", "ListMembers"]
    assert "CreateCollaboration" in families["collaborations"].find_all("td")[2].text


def test_write_html_is_one_self_contained_file(tmp_path: Path, mixed: Results, parse_html: Any) -> None:
    path = write_html(tmp_path, mixed, operations=OPERATIONS)

    assert path == tmp_path / "index.html"
    page = parse_html(path.read_text(encoding="utf-8"))
    assert page.find_all("style")
    assert not page.find_all("link")
    assert not [n for n in page.iter() if n.attrs.get("src")]
    assert "http" not in "".join(n.text for n in page.find_all("style"))
    assert page.find_all("section", class_="card")


def test_size_and_speed_for_a_full_run(tmp_path: Path, build: SimpleNamespace) -> None:
    results = build.big_results(scenarios=70, steps=5, failing_every=4)  # 18 failing scenarios
    started = time.perf_counter()

    path = write_html(tmp_path, results, operations=operation_names())

    assert time.perf_counter() - started < 2.0
    assert path.stat().st_size < 400_000


def test_fuzz_variant_counts_per_strategy_and_operation(mixed: Results, parse_html: Any) -> None:
    from conformance.report.records import CheckRecord

    def fuzz(strategy: str, operation: str, variants: int, passed: int) -> CheckRecord:
        counts = {"strategy": strategy, "variants": variants, "passed": passed, "failed": variants - passed}
        return CheckRecord(
            check_id=f"fuzz:{strategy}:{operation}",
            scenario_id=f"fuzz:{strategy}",
            target="reference",
            outcome="PASS" if passed == variants else "FAIL",
            kind="fuzz",
            operation=operation,
            request={"params": None, "fuzz": counts},
        )

    extra = (
        fuzz("negative", "CreateCollaboration", 290, 288),
        fuzz("negative", "GetCollaboration", 2, 2),
        fuzz("boundary", "CreateCollaboration", 40, 40),
    )
    page = parse_html(render_html(dataclasses.replace(mixed, checks=(*mixed.checks, *extra))))
    totals = page.find_all("table", class_="fuzz")[0]
    rows = {_cells(r)[0]: _cells(r)[1:] for r in totals.find_all("tbody")[0].find_all("tr")}
    assert rows == {"boundary": ["40", "40"], "negative": ["292", "290"]}
    details = page.find_all("table", class_="fuzz")[2]  # the negative strategy's operations
    cells = [_cells(r) for r in details.find_all("tbody")[0].find_all("tr")]
    assert cells[0][0] == "CreateCollaboration"
    assert cells[0][2:5] == ["290", "288", "2"]


def test_no_fuzz_section_without_fuzz_records(mixed: Results, parse_html: Any) -> None:
    assert not parse_html(render_html(mixed)).find_all("table", class_="fuzz")


def test_a_cut_body_is_marked_and_the_page_shows_at_most_8_kib_of_it(build: SimpleNamespace) -> None:
    from conformance.model.exchange import Exchange
    from conformance.report.exchanges import response_mapping

    big = b'{"collaborationList": [' + b'"x", ' * 100_000 + b'"x"]}'
    exchange = Exchange("ListCollaborations", "GET", "http://h/", {}, b"", 200, {}, big)
    failing = build.check("s0", 0, "FAIL", operation="ListCollaborations", response=response_mapping(exchange))
    html = render_html(Results(build.run_info(), (build.scenario("s0", "FAIL"),), (failing,)))

    assert f"cut: the record keeps the first 64 KiB of {len(big):,} bytes" in html
    assert "(the page shows the first 8,192 of 65,536 characters)" in html
    assert len(html) < 100_000


def test_dates_do_not_wrap(mixed: Results) -> None:
    page = render_html(mixed)
    assert "2026-01-01\u00a000:00:00\u00a0UTC" in page


def test_a_partial_run_says_so_at_the_top(mixed: Results, parse_html: Any) -> None:
    full = render_html(mixed)
    assert "Partial run" not in full
    partial = render_html(dataclasses.replace(mixed, run=dataclasses.replace(mixed.run, selection="-k basic")))
    assert parse_html(partial).by_id("partial").text.startswith("Partial run (-k basic)")
    assert partial.index("PARTIAL RUN") < partial.index('class="score"')


def test_report_files_are_readable_by_others_as_the_umask_allows(tmp_path: Path, mixed: Results) -> None:
    import os

    old = os.umask(0o022)
    try:
        page = write_html(tmp_path, mixed, operations=operation_names())
    finally:
        os.umask(old)
    assert page.stat().st_mode & 0o777 == 0o644
