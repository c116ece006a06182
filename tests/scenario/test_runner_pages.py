"""``pages: all``: the runner follows nextToken and judges every page (A15, account-wide lists)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from conformance.item_records import scenario_records
from conformance.model.exchange import CallResult
from conformance.scenario.loader import ScenarioError, load_scenario
from conformance.scenario.outcomes import Outcome
from conformance.scenario.runner import run_scenario
from conformance.verdict import Verdict

from .fakes import ACCOUNTS, Call, ScriptedCaller, collaboration, error, success

WANTED = "11111111-2222-4333-8444-555555555555"


def summary(cid: str, **overrides: Any) -> dict[str, Any]:
    body = collaboration(id=cid, queryLogStatus=None, autoApprovedChangeTypes=None)
    body["arn"] = body["arn"].rsplit("/", 1)[0] + f"/{cid}"
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def page(ids: list[str], token: str | None = None, **overrides: Any) -> CallResult:
    body: dict[str, Any] = {"collaborationList": [summary(i, **overrides) for i in ids]}
    if token is not None:
        body["nextToken"] = token
    return success("ListCollaborations", body)


def other(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


LIST = """\
scenario: paging
since: 2023-01-12
evidence: {level: inferred, source: "UG-CR, A15"}
steps:
  - as: member
    call: ListCollaborations
    with: {memberStatus: INVITED, maxResults: 2}
    pages: all
    expect:
      collaborationList: !contains [{id: "WANTED"}]
    save: {found: "length(collaborationList)"}
""".replace("WANTED", WANTED)


def load(tmp_path: Path, text: str = LIST) -> Any:
    path = tmp_path / "paging.yaml"
    path.write_text(textwrap.dedent(text))
    return load_scenario(path)


def run(tmp_path: Path, script: list[Any], text: str = LIST) -> tuple[Any, ScriptedCaller]:
    caller = ScriptedCaller(script)
    result = run_scenario(load(tmp_path, text), caller, run_id="run1", accounts=ACCOUNTS)
    return result, caller


def test_the_item_on_the_last_page_is_found_and_every_page_is_asked_for_with_its_token(tmp_path: Path) -> None:
    result, caller = run(tmp_path, [page([other(1), other(2)], "t1"), page([other(3), other(4)], "t2"), page([WANTED])])

    assert result.outcome is Outcome.PASS
    assert [c.params.get("nextToken") for c in caller.calls] == [None, "t1", "t2"]
    assert all(c.params["memberStatus"] == "INVITED" and c.params["maxResults"] == 2 for c in caller.calls)
    step = result.steps[0]
    assert len(step.response["collaborationList"]) == 5
    assert "nextToken" not in step.response
    assert len(step.pages) == 2


def test_the_same_step_without_pages_only_sees_the_first_page(tmp_path: Path) -> None:
    one_page = LIST.replace("    pages: all\n", "")
    result, caller = run(tmp_path, [page([other(1), other(2)], "t1")], one_page)

    assert result.outcome is Outcome.FAIL
    assert len(caller.calls) == 1


def test_a_model_failure_on_a_later_page_names_the_page(tmp_path: Path) -> None:
    result, _ = run(tmp_path, [page([other(1)], "t1"), page([WANTED], memberStatus="SOMETIMES")])

    failures = result.steps[0].failures
    assert result.outcome is Outcome.FAIL
    assert [(f.kind, f.path) for f in failures] == [("shape", "collaborationList[0].memberStatus")]
    assert failures[0].message.startswith("page 2: ")


def test_an_error_on_a_later_page_is_the_steps_answer(tmp_path: Path) -> None:
    expired = error("ListCollaborations", "ValidationException", 400, {"message": "token expired"})
    result, _ = run(tmp_path, [page([other(1)], "t1"), expired])

    assert result.outcome is Outcome.FAIL
    assert "expected success, got ValidationException (HTTP 400): token expired" in str(result.steps[0].failures[0])


def test_a_repeated_token_ends_paging_with_a_failure(tmp_path: Path) -> None:
    def again(call: Call) -> CallResult:
        return page([other(2)], "t1")

    result, caller = run(tmp_path, [page([other(1)], "t1"), again, again])

    assert len(caller.calls) == 2
    messages = [f.message for f in result.steps[0].failures]
    assert "pages: all stopped at page 3: the nextToken of page 2 was returned before; a list must end" in messages
    assert result.outcome is Outcome.FAIL


def test_the_report_record_counts_the_pages(tmp_path: Path) -> None:
    result, _ = run(tmp_path, [page([other(1)], "t1"), page([WANTED])])
    verdict = Verdict("PASS", False, False, "")

    checks = scenario_records(result.scenario, result, verdict=verdict, target="t", rerun="", duration_ms=1).checks

    assert checks[0].request["pages"] == 2
    assert checks[0].request["params"] == {"memberStatus": "INVITED", "maxResults": 2}


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            "call: GetCollaboration\n    with: {collaborationIdentifier: x}",
            "steps[0].pages: GetCollaboration does not page (the model gives it no nextToken)",
        ),
        (
            "call: ListCollaborations\n    with: {nextToken: abc}",
            "steps[0].pages: with nextToken in `with` the pages are not all",
        ),
        (
            "call: ListCollaborations\n    raw_body: '{}'",
            "steps[0].pages: a step with raw_body sends one request; leave out one of the two",
        ),
    ],
)
def test_pages_where_it_cannot_apply_is_a_load_error(tmp_path: Path, step: str, message: str) -> None:
    head = "scenario: x\nsince: 2023-01-12\nevidence: {level: model, source: MODEL}\nsteps:\n"
    text = f"{head}  - as: member\n    {step}\n    pages: all\n"

    with pytest.raises(ScenarioError) as caught:
        load(tmp_path, text)

    assert message in str(caught.value)


def test_pages_takes_only_all(tmp_path: Path) -> None:
    text = LIST.replace("pages: all", "pages: 3")

    with pytest.raises(ScenarioError, match="pages"):
        load(tmp_path, text)
