from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conformance.model.exchange import CallResult
from conformance.scenario.failure_text import format_failure
from conformance.scenario.format import EvidenceLevel, Scenario
from conformance.scenario.loader import load_scenario
from conformance.scenario.outcomes import Outcome
from conformance.scenario.runner import Caller, ScenarioResult, StepRunner, _plan, run_scenario

from .fakes import (
    ACCOUNTS,
    COLLAB_ID,
    CR_ID,
    Call,
    RaisingCaller,
    ScriptedCaller,
    change_request,
    collaboration,
    error,
    member_summary,
    raw_response,
    success,
    transport,
)

DATA = Path(__file__).parent / "data"

CREATE = """\
  - as: creator
    call: CreateCollaboration
    with: {name: "cr-{{ run_id }}", members: [], creatorMemberAbilities: [], creatorDisplayName: creator,
           queryLogStatus: DISABLED}
    save: {collab: collaboration.id}
"""


def scenario(tmp_path: Path, steps: str, *, evidence: str = "{level: documented, source: UG-CR}") -> Scenario:
    text = f"scenario: runner test\nsince: 2025-09-03\nevidence: {evidence}\nsteps:\n{textwrap.dedent(steps)}"
    path = tmp_path / "runner-test.yaml"
    path.write_text(text)
    return load_scenario(path)


def run(s: Scenario, caller: Caller, *, model_checks: bool = True) -> ScenarioResult:
    return run_scenario(s, caller, run_id="run1", accounts=ACCOUNTS, model_checks=model_checks)


def get_collab(call: Call) -> CallResult:
    return success("GetCollaboration", {"collaboration": collaboration(id=call.params["collaborationIdentifier"])})


def test_the_example_file_passes_against_a_conformant_fake() -> None:
    s = load_scenario(DATA / "auto-approved-add-member.yaml")
    caller = ScriptedCaller(
        [
            success("CreateCollaboration", {"collaboration": collaboration()}),
            success("CreateCollaborationChangeRequest", {"collaborationChangeRequest": change_request()}),
            success(
                "ListMembers",
                {
                    "memberSummaries": [
                        member_summary(ACCOUNTS["creator"], "INVITED", "creator"),
                        member_summary(ACCOUNTS["member"], "INVITED", "joiner"),
                    ]
                },
            ),
            error("GetCollaborationChangeRequest", "AccessDeniedException", 403),
        ]
    )
    result = run(s, caller)
    assert [step.outcome for step in result.steps] == [Outcome.PASS] * 4, format_failure(result)
    assert result.outcome is Outcome.PASS
    assert format_failure(result) == ""
    # templates rendered with native types and saved values
    assert caller.calls[0].params["name"] == "cr-run1"
    assert caller.calls[1].params["collaborationIdentifier"] == COLLAB_ID
    assert caller.calls[1].params["changes"][0]["specification"]["member"]["accountId"] == ACCOUNTS["member"]
    assert caller.calls[3].actor == "outsider"
    assert caller.calls[3].params == {"collaborationIdentifier": COLLAB_ID, "changeRequestIdentifier": CR_ID}
    assert result.steps[3].response["code"] == "AccessDeniedException"


def test_expectation_failure_fails_the_step_names_the_line_and_stops(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        CREATE
        + """\
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: "{{ collab }}"}
    expect:
      collaboration:
        name: other
        autoApprovedChangeTypes: !contains [GRANT_RECEIVE_RESULTS_ABILITY]
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: "{{ collab }}"}
""",
    )
    caller = ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration()}), get_collab])
    result = run(s, caller)
    assert result.outcome is Outcome.FAIL
    assert [step.outcome for step in result.steps] == [Outcome.PASS, Outcome.FAIL]
    assert [step.index for step in result.not_run] == [2]
    failures = result.steps[1].failures
    assert [(f.kind, f.path, f.line) for f in failures] == [
        ("expectation", "collaboration.name", 15),
        ("expectation", "collaboration.autoApprovedChangeTypes", 16),
    ]
    assert "expected 'other', got 'cr-run1'" in failures[0].message
    assert failures[0].evidence.level is EvidenceLevel.DOCUMENTED
    text = format_failure(result)
    assert f"{s.file}:10: steps[1] 'step 1 GetCollaboration': creator calls GetCollaboration -> FAIL" in text
    assert f"({s.file}:15)" in text
    assert f"({s.file}:16)" in text
    assert "GET http://127.0.0.1:9/collaborations/{collaborationIdentifier}" in text
    assert f'"collaborationIdentifier": "{COLLAB_ID}"' in text
    assert "response: HTTP 200" in text
    assert "not run: steps[2] (stopped above)" in text


def test_a_shape_violation_alone_fails_but_the_scenario_goes_on(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        CREATE
        + """\
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: "{{ collab }}"}
""",
    )
    broken = collaboration(arn=None, memberStatus="SOMETIMES")  # required arn missing, enum broken
    caller = ScriptedCaller([success("CreateCollaboration", {"collaboration": broken}), get_collab])
    result = run(s, caller)
    assert [step.outcome for step in result.steps] == [Outcome.FAIL, Outcome.PASS]
    kinds = {(f.kind, f.path, f.evidence.level) for f in result.steps[0].failures}
    assert ("shape", "collaboration.arn", EvidenceLevel.MODEL) in kinds  # required, missing
    assert ("shape", "collaboration.memberStatus", EvidenceLevel.MODEL) in kinds
    assert result.outcome is Outcome.FAIL
    assert caller.calls[1].params == {"collaborationIdentifier": COLLAB_ID}  # the save still happened


def test_model_checks_can_be_left_out(tmp_path: Path) -> None:
    s = scenario(tmp_path, CREATE)
    caller = ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration(arn=None)})])
    assert run(s, caller, model_checks=False).outcome is Outcome.PASS


def test_wire_violations_are_reported_once_with_their_evidence(tmp_path: Path) -> None:
    s = scenario(tmp_path, CREATE)
    body = {"collaboration": {**collaboration(), "createTime": "2025-12-01T00:00:00Z"}}  # ISO text, not a number
    result = run(s, ScriptedCaller([success("CreateCollaboration", body, status=201)]))
    found = [(f.kind, f.path, f.evidence.source) for f in result.steps[0].failures]
    assert ("wire", "", "MODEL") in found  # 201 instead of the modelled 200
    timestamp = [f for f in found if f[1] == "collaboration.createTime"]
    assert len(timestamp) == 1  # reported by the wire check and the shape check, kept once
    assert timestamp == [("wire", "collaboration.createTime", "SMITHY")]  # as a wire rule of the protocol


def test_transport_failure_is_error_and_stops(tmp_path: Path) -> None:
    s = scenario(tmp_path, CREATE + CREATE.replace("collab:", "collab2:"))
    result = run(s, ScriptedCaller([transport("CreateCollaboration", "ReadTimeoutError: read timeout=5")]))
    assert result.outcome is Outcome.ERROR
    assert [(f.kind, f.message) for f in result.steps[0].failures] == [
        ("transport", "ReadTimeoutError: read timeout=5")
    ]
    assert len(result.steps) == 1
    assert len(result.not_run) == 1


@pytest.mark.parametrize(
    "answer",
    [
        transport("CreateCollaboration", "unparseable response: HTTP 200 body is not JSON (text/html): b'<html>'"),
        success("CreateCollaboration", {}, raw=b"<html>oops</html>"),
        raw_response(
            "CreateCollaboration", 502, {"Content-Type": "text/html"}, b"<html>Bad gateway</html>", code="502"
        ),
    ],
    ids=["targets-layer", "non-json-success", "5xx-html"],
)
def test_unparseable_body_is_error(tmp_path: Path, answer: CallResult) -> None:
    result = run(scenario(tmp_path, CREATE), ScriptedCaller([answer]))
    assert result.outcome is Outcome.ERROR
    assert result.steps[0].failures[0].kind == "unparseable"


@pytest.mark.parametrize(
    "answer",
    [
        raw_response(
            "CreateCollaboration",
            501,
            {"Content-Type": "application/json"},
            b'{"__type": "InternalFailure"}',
            code="InternalFailure",
        ),
        raw_response(
            "CreateCollaboration", 404, {"Content-Type": "text/html"}, b"<!doctype html><h1>404</h1>", code="404"
        ),
        raw_response("CreateCollaboration", 404, {}, b"Not yet implemented", code="404"),
        error("CreateCollaboration", "UnknownOperationException", 400),
        raw_response("CreateCollaboration", 405, {}, b"", code="405"),
    ],
    ids=["501", "404-html", "404-text", "unknown-operation", "405"],
)
def test_missing_operation_is_unsupported(tmp_path: Path, answer: CallResult) -> None:
    result = run(scenario(tmp_path, CREATE + CREATE.replace("collab:", "collab2:")), ScriptedCaller([answer]))
    assert result.outcome is Outcome.UNSUPPORTED
    assert [step.outcome for step in result.steps] == [Outcome.UNSUPPORTED]
    assert result.steps[0].failures[0].kind == "unsupported"
    assert len(result.not_run) == 1
    assert "is not implemented by the target" in format_failure(result)


def test_a_404_naming_a_clean_rooms_error_is_judged_not_unsupported(tmp_path: Path) -> None:
    # moto answers GetCollaboration for an unknown id with ResourceNotFoundException, which the operation
    # does not declare: the operation exists, the answer is a (wire) failure, not UNSUPPORTED.
    s = scenario(
        tmp_path,
        """\
- as: outsider
  call: GetCollaboration
  with: {collaborationIdentifier: 00000000-0000-0000-0000-000000000000}
  expect_error: {code: AccessDeniedException, status: 403}
""",
    )
    body = {"message": "nope", "resourceId": "x", "resourceType": "COLLABORATION"}
    result = run(s, ScriptedCaller([error("GetCollaboration", "ResourceNotFoundException", 404, body)]))
    assert result.outcome is Outcome.FAIL
    failures = result.steps[0].failures
    assert {(f.kind, f.path) for f in failures} >= {("expectation", "code"), ("expectation", "status"), ("wire", "")}
    assert any("neither declared by GetCollaboration" in f.message for f in failures)


def test_expect_error_matches_code_status_message_and_fields(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        """\
- as: creator
  call: GetCollaborationChangeRequest
  with:
    collaborationIdentifier: 0f2d4f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f
    changeRequestIdentifier: 7c9e6679-7425-40de-944b-e07fc1f90ae7
  expect_error:
    code: ResourceNotFoundException
    status: 404
    message: !regex '.*not found.*'
    fields: {resourceType: COLLABORATION, resourceId: !uuid }
""",
    )
    good = {"message": "change request not found", "resourceId": CR_ID, "resourceType": "COLLABORATION"}
    result = run(s, ScriptedCaller([error("GetCollaborationChangeRequest", "ResourceNotFoundException", 404, good)]))
    assert result.outcome is Outcome.PASS, format_failure(result)
    assert result.steps[0].response == {
        "code": "ResourceNotFoundException",
        "status": 404,
        "message": "change request not found",
        "fields": {"resourceId": CR_ID, "resourceType": "COLLABORATION"},
    }
    bad = {"message": "gone", "resourceId": "cr", "resourceType": "MEMBERSHIP"}
    result = run(s, ScriptedCaller([error("GetCollaborationChangeRequest", "ResourceNotFoundException", 404, bad)]))
    assert sorted(f.path for f in result.steps[0].failures if f.kind == "expectation") == [
        "fields.resourceId",
        "fields.resourceType",
        "message",
    ]
    assert [f.line for f in result.steps[0].failures if f.path == "fields.resourceType"] == [14]


def test_success_where_an_error_was_expected_and_the_reverse(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        """\
- as: outsider
  call: GetCollaboration
  with: {collaborationIdentifier: 0f2d4f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f}
  expect_error: {code: AccessDeniedException, status: 403}
""",
    )
    result = run(s, ScriptedCaller([get_collab]))
    assert [f.message for f in result.steps[0].failures] == [
        "expected the error 'AccessDeniedException', but the call succeeded (HTTP 200)"
    ]
    result = run(
        scenario(tmp_path, CREATE),
        ScriptedCaller([error("CreateCollaboration", "ValidationException", 400, {"message": "bad name"})]),
    )
    assert [f.message for f in result.steps[0].failures] == [
        "expected success, got ValidationException (HTTP 400): bad name"
    ]


ONE_OF = """\
- as: creator
  call: GetCollaborationChangeRequest
  with:
    collaborationIdentifier: 0f2d4f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f
    changeRequestIdentifier: 7c9e6679-7425-40de-944b-e07fc1f90ae7
  expect_one_of:
    - expect_error: {code: AccessDeniedException, status: 403}
    - expect_error:
        code: ResourceNotFoundException
        status: 404
        fields: {resourceType: COLLABORATION}
    - expect: {collaborationChangeRequest: {id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", status: PENDING}}
"""


@pytest.mark.parametrize(
    ("answer", "matched"),
    [
        (error("GetCollaborationChangeRequest", "AccessDeniedException", 403), 0),
        (
            error(
                "GetCollaborationChangeRequest",
                "ResourceNotFoundException",
                404,
                {"message": "no", "resourceId": CR_ID, "resourceType": "COLLABORATION"},
            ),
            1,
        ),
        (
            success("GetCollaborationChangeRequest", {"collaborationChangeRequest": change_request(status="PENDING")}),
            2,
        ),
    ],
)
def test_expect_one_of_passes_on_any_alternative_and_says_which(
    tmp_path: Path, answer: CallResult, matched: int
) -> None:
    result = run(scenario(tmp_path, ONE_OF), ScriptedCaller([answer]))
    assert result.outcome is Outcome.PASS, format_failure(result)
    assert result.steps[0].alternative == matched


def test_expect_one_of_fails_with_every_alternative_and_why(tmp_path: Path) -> None:
    s = scenario(tmp_path, ONE_OF)
    wrong_type = {"message": "no", "resourceId": CR_ID, "resourceType": "MEMBERSHIP"}
    result = run(
        s, ScriptedCaller([error("GetCollaborationChangeRequest", "ResourceNotFoundException", 404, wrong_type)])
    )
    step = result.steps[0]
    assert step.outcome is Outcome.FAIL
    assert step.alternative is None
    [failure] = step.failures
    assert failure.kind == "expectation"
    assert failure.line == 5
    assert failure.message.splitlines() == [
        "the answer matches none of the 3 accepted answers (expect_one_of):",
        "    [0] expect_error 'AccessDeniedException' (line 11): code: expected 'AccessDeniedException', got"
        " 'ResourceNotFoundException'; status: expected 403, got 404",
        "    [1] expect_error 'ResourceNotFoundException' (line 12): fields.resourceType: expected 'COLLABORATION',"
        " got 'MEMBERSHIP'",
        "    [2] expect (line 16): expected success, got ResourceNotFoundException (HTTP 404): no",
    ]
    assert "matches none of the 3 accepted answers" in format_failure(result)
    result = run(
        s, ScriptedCaller([success("GetCollaborationChangeRequest", {"collaborationChangeRequest": change_request()})])
    )
    assert "    [2] expect (line 16): collaborationChangeRequest.status: expected 'PENDING', got 'COMMITTED'" in (
        result.steps[0].failures[0].message
    )


def test_expect_one_of_renders_templates_in_every_alternative(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        CREATE
        + """\
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: "{{ collab }}"}
    expect_one_of:
      - expect: {collaboration: {id: "{{ collab }}", name: "cr-{{ run_id }}"}}
      - expect_error: {code: AccessDeniedException, message: "{{ collab }} is gone"}
""",
    )
    result = run(s, ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration()}), get_collab]))
    assert result.outcome is Outcome.PASS, format_failure(result)
    assert result.steps[1].alternative == 0
    gone = {"message": f"{COLLAB_ID} is gone"}
    answers = [success("CreateCollaboration", {"collaboration": collaboration()})]
    result = run(s, ScriptedCaller([*answers, error("GetCollaboration", "AccessDeniedException", 403, gone)]))
    assert result.steps[1].alternative == 1, format_failure(result)


def test_save_and_reuse_keep_native_types(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        CREATE
        + """\
  - as: creator
    call: CreateCollaboration
    with: {name: "again", members: [], creatorMemberAbilities: "{{ steps[0].collaboration.autoApprovedChangeTypes }}",
           creatorDisplayName: "{{ collab }}-{{ types[0] }}", queryLogStatus: DISABLED}
    save: {types: collaboration.autoApprovedChangeTypes}
""".replace("{{ types[0] }}", "{{ collab }}"),
    )
    caller = ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration()})] * 2)
    result = run(s, caller)
    assert result.outcome is Outcome.PASS, format_failure(result)
    assert caller.calls[1].params["creatorMemberAbilities"] == ["ADD_MEMBER"]  # a list stays a list
    assert caller.calls[1].params["creatorDisplayName"] == f"{COLLAB_ID}-{COLLAB_ID}"


def test_a_save_that_finds_nothing_fails_and_stops(tmp_path: Path) -> None:
    s = scenario(
        tmp_path, CREATE.replace("collaboration.id", "collaboration.membershipId") + CREATE.replace("collab:", "c2:")
    )
    result = run(s, ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration()})]))
    assert result.outcome is Outcome.FAIL
    assert [(f.kind, f.message) for f in result.steps[0].failures] == [
        ("save", "save collab: 'collaboration.membershipId' found nothing in the response")
    ]
    assert len(result.not_run) == 1


def test_a_template_that_cannot_render_fails_the_step(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        CREATE
        + """\
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: "{{ steps[0].collaboration.membershipId }}"}
""",
    )
    caller = ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration()})])
    result = run(s, caller)
    assert len(caller.calls) == 1
    failure = result.steps[1].failures[0]
    assert failure.kind == "template"
    assert "steps[0].collaboration has no key 'membershipId'" in failure.message
    assert result.steps[1].outcome is Outcome.FAIL


def test_raw_body_is_sent_as_bytes_after_templating(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        CREATE
        + """\
  - as: creator
    call: CreateCollaborationChangeRequest
    with: {collaborationIdentifier: "{{ collab }}"}
    raw_body: '{"changes": [}, "id": "{{ collab }}"'
    expect_error: {code: SerializationException, status: 400}
""",
    )
    caller = ScriptedCaller(
        [
            success("CreateCollaboration", {"collaboration": collaboration()}),
            error("CreateCollaborationChangeRequest", "SerializationException", 400, {"message": "bad json"}),
        ]
    )
    result = run(s, caller)
    assert result.outcome is Outcome.PASS, format_failure(result)
    assert caller.calls[1].raw_body == ('{"changes": [}, "id": "' + COLLAB_ID + '"').encode()
    assert caller.calls[0].raw_body is None
    assert result.steps[1].raw_body == caller.calls[1].raw_body


def test_evidence_threshold_filters_failures(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        CREATE
        + """\
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: "{{ collab }}"}
    expect: {collaboration: {memberStatus: ACTIVE}}
    evidence: {level: inferred, source: A1}
""",
    )
    caller = ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration()}), get_collab])
    result = run(s, caller)
    assert result.outcome is Outcome.FAIL
    assert result.outcome_at(EvidenceLevel.INFERRED) is Outcome.FAIL
    assert result.outcome_at(EvidenceLevel.DOCUMENTED) is Outcome.PASS
    assert [f.kind for f in result.failures_at_or_above(EvidenceLevel.INFERRED)] == ["expectation"]
    assert result.failures_at_or_above(EvidenceLevel.DOCUMENTED) == []
    assert format_failure(result, EvidenceLevel.DOCUMENTED) == ""
    assert "[expectation, inferred: A1]" in format_failure(result, "inferred")


def test_model_failures_count_at_every_threshold(tmp_path: Path) -> None:
    s = scenario(tmp_path, CREATE)
    result = run(s, ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration(arn=None)})]))
    assert result.outcome_at(EvidenceLevel.MODEL) is Outcome.FAIL


def test_a_caller_that_raises_is_an_error(tmp_path: Path) -> None:
    result = run(scenario(tmp_path, CREATE), RaisingCaller())
    assert result.outcome is Outcome.ERROR
    assert result.steps[0].failures[0].message == "the call could not be made: RuntimeError: no client for this actor"


def test_templates_are_compiled_once_per_scenario(tmp_path: Path) -> None:
    s = scenario(tmp_path, CREATE)
    assert _plan(s) is _plan(s)


def test_format_failure_shows_the_error_response_body(tmp_path: Path) -> None:
    result = run(
        scenario(tmp_path, CREATE),
        ScriptedCaller(
            [
                error(
                    "CreateCollaboration",
                    "ValidationException",
                    400,
                    {"message": "bad", "reason": "FIELD_VALIDATION_FAILED"},
                )
            ]
        ),
    )
    text = format_failure(result)
    assert 'response: HTTP 400 ValidationException {"message": "bad", "reason": "FIELD_VALIDATION_FAILED"}' in text
    assert json.loads(text.split("params: ", 1)[1].splitlines()[0])["name"] == "cr-run1"
    assert len(text.splitlines()) < 12


def _summary(**overrides: object) -> dict[str, object]:
    item = {k: v for k, v in collaboration().items() if k in ("id", "arn", "name", "creatorAccountId")}
    item.update({"creatorDisplayName": "creator", "createTime": 1.7e9, "updateTime": 1.7e9, "memberStatus": "ACTIVE"})
    item.update(overrides)
    return item


def test_an_account_wide_list_is_judged_only_on_the_items_the_scenario_knows(tmp_path: Path) -> None:
    """Another test's collaboration with a broken name, in the creator's list, is not this scenario's failure."""
    s = scenario(tmp_path, CREATE + "  - as: creator\n    call: ListCollaborations\n")
    foreign = _summary(id="00000000-0000-4000-8000-00000000beef", name="x" * 101)
    listed = {"collaborationList": [_summary(), foreign]}
    result = run(
        s,
        ScriptedCaller(
            [success("CreateCollaboration", {"collaboration": collaboration()}), success("ListCollaborations", listed)]
        ),
    )
    assert result.outcome is Outcome.PASS, [f.message for step in result.steps for f in step.failures]
    # The same fault on the scenario's own collaboration is its failure.
    ours = {"collaborationList": [_summary(name="x" * 101), foreign]}
    result = run(
        s,
        ScriptedCaller(
            [success("CreateCollaboration", {"collaboration": collaboration()}), success("ListCollaborations", ours)]
        ),
    )
    assert result.outcome is Outcome.FAIL
    assert {f.path for f in result.steps[1].failures} == {"collaborationList[0].name"}


# --- the step API ------------------------------------------------------------------------------------------


def test_a_step_runner_runs_steps_one_at_a_time_and_shares_saved_values(tmp_path: Path) -> None:
    s = scenario(
        tmp_path,
        CREATE + "  - as: creator\n    call: GetCollaboration\n"
        "    with: {collaborationIdentifier: '{{ collab }}'}\n    expect: {collaboration: {id: '{{ collab }}'}}\n",
    )
    caller = ScriptedCaller([success("CreateCollaboration", {"collaboration": collaboration()}), get_collab])
    context: dict[str, object] = {"run_id": "run1", "accounts": ACCOUNTS}
    runner = StepRunner(caller, context)
    first = runner.run(s.steps[0])
    assert first.outcome is Outcome.PASS
    assert not first.halts
    assert context["collab"] == COLLAB_ID
    second = runner.run(s.steps[1])
    assert second.outcome is Outcome.PASS, second.failures
    assert caller.calls[1].params == {"collaborationIdentifier": COLLAB_ID}
    assert runner.values == [first.response, second.response]


def test_a_step_runner_without_judging_leaves_the_answer_to_another_oracle(tmp_path: Path) -> None:
    s = scenario(tmp_path, "  - as: creator\n    call: GetCollaboration\n    with: {collaborationIdentifier: x}\n")
    refused = error("GetCollaboration", "AccessDeniedException", 403, {"message": "no"})
    judged = StepRunner(ScriptedCaller([refused]), {}).run(s.steps[0])
    assert judged.outcome is Outcome.FAIL
    assert judged.halts
    unjudged = StepRunner(ScriptedCaller([refused]), {}).run(s.steps[0], judge=False)
    assert unjudged.outcome is Outcome.PASS
    assert not unjudged.halts
    assert unjudged.response["code"] == "AccessDeniedException"


def test_a_step_runner_narrows_an_account_wide_list_to_the_ids_it_is_given(tmp_path: Path) -> None:
    s = scenario(tmp_path, "  - as: creator\n    call: ListCollaborations\n    expect: {collaborationList: !len 1}\n")
    foreign = _summary(id="00000000-0000-4000-8000-00000000beef")
    listed = {"collaborationList": [_summary(), foreign]}
    whole = StepRunner(ScriptedCaller([success("ListCollaborations", listed)]), {}).run(s.steps[0])
    assert whole.outcome is Outcome.FAIL
    ours = StepRunner(ScriptedCaller([success("ListCollaborations", listed)]), {})
    narrowed = ours.run(s.steps[0], only=frozenset({COLLAB_ID}))
    assert narrowed.outcome is Outcome.PASS, narrowed.failures
    assert [item["id"] for item in ours.values[0]["collaborationList"]] == [COLLAB_ID]


def test_a_step_runner_that_does_not_catch_lets_the_callers_exception_through(tmp_path: Path) -> None:
    s = scenario(tmp_path, "  - as: creator\n    call: GetCollaboration\n    with: {collaborationIdentifier: x}\n")
    assert StepRunner(RaisingCaller(), {}).run(s.steps[0]).outcome is Outcome.ERROR
    with pytest.raises(RuntimeError, match="no client"):
        StepRunner(RaisingCaller(), {}, catch=False).run(s.steps[0])
