"""Hostile bodies: every place the suite reads a target's JSON survives any depth, and the step says ERROR.

A 10^6-deep array made ``json.loads`` raise RecursionError out of the runner's reading and out of the failure
text, so every scenario against such a target ended as a pluggy traceback and the report said "no scenarios ran".
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from conformance.item_records import scenario_records
from conformance.model.exchange import MAX_JSON_DEPTH, CallResult, Exchange, TooDeepJson, UnreadableJson, read_json
from conformance.model.shapecheck import check_output
from conformance.model.violations import ViolationKind
from conformance.model.wire import check_wire, error_code_of
from conformance.report.exchanges import decode_body, response_mapping
from conformance.scenario import pages, runner
from conformance.scenario.failure_text import format_failure
from conformance.scenario.loader import load_scenario
from conformance.scenario.outcomes import Outcome
from conformance.scenario.runner import run_scenario
from conformance.verdict import Verdict
from tests.scenario.fakes import ACCOUNTS, COLLAB_ID, ScriptedCaller, collaboration, success

DEEP = b"[" * 10**6 + b"]" * 10**6
"""Far past the interpreter's recursion limit: json.loads raises RecursionError on it."""


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_read_json_reads_json_and_refuses_the_rest_with_a_value_error() -> None:
    assert read_json(b'{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}
    assert read_json(nested(MAX_JSON_DEPTH)) is not None
    for body, message in [
        (nested(MAX_JSON_DEPTH + 1), "nested more than 64 levels"),
        (DEEP, "nested more than 64 levels"),
        (b'{"a": ' + nested(500) + b"}", "nested more than 64 levels"),
        (b"<html>", "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
    ]:
        with pytest.raises(UnreadableJson, match=message):
            read_json(body)
    with pytest.raises(TooDeepJson):
        read_json(DEEP)
    assert issubclass(UnreadableJson, ValueError)


def test_wide_bodies_are_not_mistaken_for_deep_ones() -> None:
    wide = json.dumps({"collaborationList": [{"tags": {"k": [1]}} for _ in range(5000)]}).encode()
    assert len(read_json(wide)["collaborationList"]) == 5000


def test_the_wire_checks_and_the_report_take_a_deep_body() -> None:
    assert error_code_of({}, DEEP) is None
    violations = check_wire("GetCollaboration", 200, {}, DEEP)
    assert [v.kind for v in violations] == [ViolationKind.BODY]
    assert check_wire("GetCollaboration", 400, {"X-Amzn-ErrorType": "ValidationException"}, DEEP)
    assert isinstance(decode_body(DEEP[:2000]), str)
    exchange = Exchange("GetCollaboration", "GET", "http://h/", MappingProxyType({}), b"", 200, response_body=DEEP)
    record = response_mapping(exchange)
    assert record is not None
    assert record["body_cut"] is True


def test_the_shape_checker_does_not_descend_into_a_deep_value() -> None:
    """It walks the shape (10 levels at most), not the value: a deep list where a structure belongs is one finding."""
    deep: list[Any] = []
    for _ in range(10_000):
        deep = [deep]
    (violation,) = check_output("GetCollaboration", {"collaboration": deep}, wire=True)
    assert violation.path == "collaboration"
    assert "expected an object" in violation.message


GET = f"""\
scenario: get a collaboration
since: 2023-01-12
evidence: {{level: model, source: MODEL}}
steps:
  - as: creator
    call: GetCollaboration
    with: {{collaborationIdentifier: "{COLLAB_ID}"}}
"""


def run_get(tmp_path: Path, result: CallResult) -> Any:
    path = tmp_path / "get.yaml"
    path.write_text(textwrap.dedent(GET))
    return run_scenario(load_scenario(path), ScriptedCaller([result]), run_id="run1", accounts=ACCOUNTS)


def test_an_unparseable_deep_answer_is_the_steps_error_and_its_failure_text_and_records_build(tmp_path: Path) -> None:
    # What calling.call returns when botocore's own parser hit the recursion limit.
    exchange = Exchange("GetCollaboration", "GET", "http://h/", MappingProxyType({}), b"", 200, response_body=DEEP)
    message = "unparseable response: RecursionError: maximum recursion depth exceeded while decoding a JSON array"
    result = run_get(tmp_path, CallResult("GetCollaboration", transport_error=message, exchange=exchange))

    assert result.outcome is Outcome.ERROR
    text = format_failure(result)
    assert "RecursionError" in text
    assert "[[[[" in text
    verdict = Verdict("ERROR", True, False, text)
    (check,) = scenario_records(result.scenario, result, verdict=verdict, target="t", rerun="", duration_ms=1).checks
    assert check.outcome == "ERROR"
    assert check.response["body_cut"] is True


def test_a_deep_answer_botocore_could_parse_is_an_error_too(tmp_path: Path) -> None:
    """botocore skips an unknown member, so it parses this; nothing after it may walk the value, so ERROR."""
    body = {"collaboration": collaboration(), "extra": json.loads(nested(300))}
    result = run_get(tmp_path, success("GetCollaboration", body))

    (step,) = result.steps
    assert step.outcome is Outcome.ERROR
    assert step.failures[0].kind == "unparseable"
    assert "HTTP 200 body is unreadable: JSON nested more than 64 levels deep" in step.failures[0].message


PAGES = """\
scenario: paging
since: 2023-01-12
evidence: {level: model, source: MODEL}
steps:
  - as: creator
    call: ListCollaborations
    with: {maxResults: 1}
    pages: all
"""


def test_pages_all_stops_once_the_pages_hold_too_much(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page is capped by the target's size cap; the pages of one step together by MAX_PAGED_BYTES."""
    monkeypatch.setattr(pages, "MAX_PAGED_BYTES", 10_000)
    summary = {k: v for k, v in collaboration().items() if k not in ("queryLogStatus", "autoApprovedChangeTypes")}

    def page(number: int) -> CallResult:
        return success("ListCollaborations", {"collaborationList": [summary] * 10, "nextToken": f"t{number}"})

    path = tmp_path / "pages.yaml"
    path.write_text(PAGES)
    caller = ScriptedCaller([page(n) for n in range(100)])
    result = run_scenario(load_scenario(path), caller, run_id="run1", accounts=ACCOUNTS)

    (step,) = result.steps
    assert step.outcome is Outcome.ERROR
    assert "pages: all stopped at page 5: pages 2 to 5 hold" in step.failures[0].message
    assert len(caller.calls) == 5


def test_a_step_keeps_its_first_hundred_failures_and_counts_the_rest(tmp_path: Path) -> None:
    # 300 unknown members: 300 shape findings (model evidence) on one step.
    body = {"collaboration": {**collaboration(), **{f"extra{i}": i for i in range(300)}}}
    result = run_get(tmp_path, success("GetCollaboration", body))

    (step,) = result.steps
    assert len(step.failures) == runner.MAX_STEP_FAILURES + 1 == 101
    last = step.failures[-1]
    assert last.message == "... and 200 more failures (shape) not listed: a step keeps the first 100"
    assert last.evidence.level == max(f.evidence.level for f in step.failures[:-1])
    assert result.outcome is Outcome.FAIL


def test_the_fuzz_layers_readers_of_a_body_take_a_deep_one() -> None:
    """They caught ValueError only; a RecursionError went through and broke the fuzz item."""
    from conformance.fuzz import execute, judge, machine_views

    exchange = Exchange("GetCollaboration", "GET", "http://h/", MappingProxyType({}), b"", 200, response_body=DEEP)
    result = CallResult("GetCollaboration", transport_error="unparseable response", exchange=exchange)
    assert judge._json(DEEP) is None
    assert execute._body(result) is None
    assert machine_views.response_json(result) is None
