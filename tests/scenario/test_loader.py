from __future__ import annotations

import os
import textwrap
from datetime import date
from pathlib import Path

import pytest

from conformance.scenario import yaml_events
from conformance.scenario.format import EvidenceLevel
from conformance.scenario.list_matchers import ContainsMatcher
from conformance.scenario.loader import ScenarioError, load_scenario, load_scenarios
from conformance.scenario.value_matchers import OneOfMatcher, UuidMatcher

DATA = Path(__file__).parent / "data"

HEAD = """\
scenario: loader test
since: 2025-09-03
evidence: {level: documented, source: UG-CR}
steps:
"""
CREATE = """\
  - as: creator
    call: CreateCollaboration
    with: {name: n, members: [], creatorMemberAbilities: [], creatorDisplayName: c, queryLogStatus: DISABLED}
    save: {collab: collaboration.id}
"""


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    path = write(tmp_path, text)
    scenarios, errors = load_scenarios([path])
    assert not scenarios
    assert errors
    for error in errors:
        assert str(error).startswith(f"{path}:{error.line}: "), str(error)
    return [(error.line, error.message) for error in errors]


def only_problem(tmp_path: Path, text: str) -> tuple[int, str]:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0]


# --- what loads --------------------------------------------------------------------------------------------


def test_the_example_files_load() -> None:
    scenarios, errors = load_scenarios([DATA])
    assert errors == []
    assert [s.id for s in scenarios] == ["approval-workflow", "auto-approved-add-member", "refusals"]
    by_id = {s.id: s for s in scenarios}
    auto = by_id["auto-approved-add-member"]
    assert auto.since == date(2025, 9, 3)
    assert auto.tags == ("change-requests", "auto-approval")
    assert [s.operation for s in auto.steps] == [
        "CreateCollaboration",
        "CreateCollaborationChangeRequest",
        "ListMembers",
        "GetCollaborationChangeRequest",
    ]
    assert auto.steps[1].evidence.level is EvidenceLevel.INFERRED
    assert auto.steps[1].evidence.source == "A4"
    assert auto.steps[2].evidence.source == "UG-ADD"  # the file's default
    assert auto.steps[3].expect_error == {
        "code": OneOfMatcher(["AccessDeniedException", "ResourceNotFoundException"]),
        "status": OneOfMatcher([403, 404]),
    }
    assert by_id["refusals"].steps[1].raw_body == '{"changes": [}'
    assert by_id["approval-workflow"].evidence.keys == ("UG-CR", "API-UCR")


def test_a_scenario_keeps_lines_raw_params_and_matchers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEAD
        + CREATE
        + """\
  - name: read it back
    as: member
    call: GetCollaboration
    with: {collaborationIdentifier: "{{ collab }}"}
    expect:
      collaboration:
        id: !uuid
        name: "n"
        autoApprovedChangeTypes: !contains [ADD_MEMBER]
    evidence: {level: inferred, source: "A16, UG-CR"}
""",
        name="my-scenario.yaml",
    )
    scenario = load_scenario(path)
    assert scenario.id == "my-scenario"
    assert (scenario.line, scenario.title, scenario.file) == (1, "loader test", path)
    first, second = scenario.steps
    assert (first.index, first.line, first.actor, first.operation) == (0, 5, "creator", "CreateCollaboration")
    assert first.save == {"collab": "collaboration.id"}
    assert first.expect is None
    assert first.expect_error is None
    assert (second.line, second.name, second.label) == (9, "read it back", "read it back")
    assert second.params == {"collaborationIdentifier": "{{ collab }}"}
    assert second.expect == {
        "collaboration": {"id": UuidMatcher(), "name": "n", "autoApprovedChangeTypes": ContainsMatcher(["ADD_MEMBER"])}
    }
    assert second.line_of("collaboration.name") == 16
    assert second.line_of("collaboration.autoApprovedChangeTypes[3].x") == 17
    assert second.line_of("nothing.here") == 9
    assert second.evidence.source == "A16, UG-CR"
    assert type(second.params["collaborationIdentifier"]) is str


def test_values_keep_their_yaml_types_and_dates_stay_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEAD
        + """\
  - as: creator
    call: ListCollaborations
    with: {maxResults: 1.5, nextToken: 2025-09-03, memberStatus: yes}
""",
    )
    (step,) = load_scenario(path).steps
    assert step.params == {"maxResults": 1.5, "nextToken": "2025-09-03", "memberStatus": "yes"}
    assert type(step.params["maxResults"]) is float


# --- collection errors, each with file:line and what to do ---------------------------------------------------


def test_yaml_syntax_error_carries_the_parsers_line(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + "  - as: creator\n    call: [GetCollaboration\n")
    assert line == 7
    assert message.startswith("YAML syntax error:")


def test_unquoted_template_gets_a_hint(tmp_path: Path) -> None:
    line, message = only_problem(
        tmp_path,
        HEAD
        + CREATE
        + "  - as: creator\n    call: GetCollaboration\n    with: {collaborationIdentifier: {{ collab }}}\n",
    )
    assert line == 11
    assert "quoted" in message


def test_argumentless_tag_in_flow_mapping_gets_a_hint(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE + "    expect: {collaboration: {id: !uuid}}\n")
    assert line == 9
    assert "put a space after a tag without argument" in message


def test_unknown_key_is_reported_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE + "    expct: {collaboration: {}}\n")
    assert line == 9
    assert message.startswith("steps[0]: unknown key 'expct'; did you mean 'expect'?")
    assert "allowed here: as, call, evidence, expect, expect_error" in message


def test_missing_steps_and_wrong_types(tmp_path: Path) -> None:
    assert problems(tmp_path, "scenario: x\nsince: 2025-09-03\nevidence: {level: model, source: MODEL}\n") == [
        (1, "the file: missing required key 'steps' (the list of calls)")
    ]
    assert only_problem(tmp_path, HEAD.replace("steps:\n", "steps: {as: creator}\n")) == (
        4,
        "steps: must be a list, not a mapping",
    )
    line, message = only_problem(tmp_path, HEAD + CREATE.replace("save: {collab: collaboration.id}", "save: [collab]"))
    assert (line, message) == (8, "steps[0].save: must be a mapping, not a list")


def test_missing_step_key_points_at_the_step(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE + "  - call: GetCollaboration\n")
    assert (line, message) == (9, "steps[1]: missing required key 'as' (the actor: creator, member, member2, outsider)")


def test_bad_evidence_level(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD.replace("level: documented", "level: documentd") + CREATE)
    assert line == 3
    assert (
        message == "evidence.level: 'documentd' is not one of model, documented, inferred; did you mean 'documented'?"
    )


def test_unknown_evidence_source_and_ambiguity_levels(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        HEAD.replace("UG-CR", "UG-RC") + CREATE + "    evidence: {level: documented, source: A4}\n",
    )
    assert found == [
        (3, "evidence.source: 'UG-RC' is not a key of docs/behaviour.md; did you mean 'UG-CR'?"),
        (
            9,
            "steps[0].evidence.level: A4 is an ambiguity of docs/behaviour.md (a reading of what AWS leaves open),"
            " so the level must be inferred, not documented",
        ),
    ]


def test_unknown_operation_suggests_close_names(tmp_path: Path) -> None:
    line, message = only_problem(
        tmp_path, HEAD + CREATE.replace("call: CreateCollaboration", "call: CreateColaboration")
    )
    assert line == 6
    assert message.startswith("steps[0].call: unknown operation 'CreateColaboration'; did you mean CreateCollaboration")


def test_unknown_member_names_anywhere_in_the_input_shape(tmp_path: Path) -> None:
    text = (
        HEAD
        + """\
  - as: creator
    call: CreateCollaborationChangeRequest
    with:
      collaborationIdentifier: x
      chnges: []
      changes:
        - specificationType: MEMBER
          specification:
            member: {accountId: "1", memberAbility: []}
            colaboration: {}
    save: {x: y}
  - as: creator
    call: CreateCollaboration
    with:
      name: n
      tags: {anyKey: v}
      members: [{accountId: "1", displayname: d, paymentConfiguration: {queryCompute: {isResponsable: true}}}]
"""
    )
    found = problems(tmp_path, text)
    assert [line for line, _ in found] == [9, 13, 14, 21, 21]
    assert found[0][1].startswith(
        "steps[0].with: CreateCollaborationChangeRequestInput has no member 'chnges'; did you mean 'changes'?"
    )
    assert found[1][1].startswith(
        "steps[0].with.changes[0].specification.member: MemberChangeSpecification has no member 'memberAbility';"
        " did you mean 'memberAbilities'"
    )
    assert "ChangeSpecification has no member 'colaboration'; did you mean 'collaboration'?" in found[2][1]
    assert "'displayname'; did you mean 'displayName'" in found[3][1]
    assert "QueryComputePaymentConfig has no member 'isResponsable'; did you mean 'isResponsible'?" in found[4][1]


def test_values_are_not_checked_only_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEAD
        + """\
  - as: creator
    call: CreateCollaboration
    with: {name: "", members: "not a list", creatorMemberAbilities: [CAN_FLY], queryLogStatus: 7}
    expect_error: {code: ValidationException, status: 400, reason: FIELD_VALIDATION_FAILED}
""",
    )
    (step,) = load_scenario(path).steps
    assert step.expect_error == {
        "code": "ValidationException",
        "status": 400,
        "fields": {"reason": "FIELD_VALIDATION_FAILED"},
    }
    assert step.lines["fields.reason"] == 8


def test_unknown_member_names_in_expectations(tmp_path: Path) -> None:
    text = (
        HEAD
        + CREATE
        + """\
    expect:
      collaboration:
        autoApprovedChangeType: []
        leakedSecret: !absent
        dataEncryptionMetadata: !not {allowCleartxt: true}
"""
    )
    found = problems(tmp_path, text)
    assert [line for line, _ in found] == [11, 13]
    assert (
        "Collaboration has no member 'autoApprovedChangeType'; did you mean 'autoApprovedChangeTypes'?" in found[0][1]
    )
    assert "DataEncryptionMetadata has no member 'allowCleartxt'; did you mean 'allowCleartext'?" in found[1][1]
    text = (
        HEAD
        + """\
  - as: creator
    call: ListCollaborationChangeRequests
    with: {collaborationIdentifier: x}
    expect:
      collaborationChangeRequestSummaries: !contains [{id: !uuid , staus: PENDING}]
"""
    )
    ((line, message),) = problems(tmp_path, text)
    assert line == 9
    assert "CollaborationChangeRequestSummary has no member 'staus'; did you mean 'status'?" in message


def test_unknown_actor(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE.replace("as: creator", "as: creater"))
    assert line == 5
    known = "(known actors: creator, member, member2, outsider)"
    assert message == f"steps[0].as: unknown actor 'creater'; did you mean 'creator'? {known}"
    path = write(tmp_path, HEAD + CREATE.replace("as: creator", "as: auditor"))
    assert load_scenario(path, actors=["creator", "auditor"]).steps[0].actor == "auditor"


@pytest.mark.parametrize(
    ("expect", "problem"),
    [
        (
            "{collaboration: {name: !regex '(unclosed'}}",
            "steps[0].expect.collaboration.name: !regex '(unclosed' is not a valid regular expression",
        ),
        ("{collaboration: {name: !one_of x}}", "steps[0].expect.collaboration.name: !one_of takes a list"),
        ("{collaboration: {id: !uuidd }}", "steps[0].expect.collaboration.id: unknown tag !uuidd; did you mean !uuid?"),
        ("{collaboration: {autoApprovedChangeTypes: [!absent ]}}", "!absent stands only for the value of a key"),
        ("{collaboration: {id: !uuid abc}}", "!uuid takes no argument"),
        ("{collaboration: {autoApprovedChangeTypes: !len -1}}", "!len takes a non-negative integer"),
    ],
)
def test_bad_matcher_usage(tmp_path: Path, expect: str, problem: str) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE + f"    expect: {expect}\n")
    assert line == 9
    assert problem in message


def test_a_matcher_in_the_request_is_refused(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE.replace("name: n", "name: !uuid "))
    assert line == 7
    assert "!uuid is a matcher; matchers belong in expect/expect_error, not in `with`" in message


def test_a_reused_save_name(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE + CREATE)
    assert line == 12
    assert message == "steps[1].save: 'collab' is already saved by steps[0]; pick another name"


@pytest.mark.parametrize(
    ("save", "problem"),
    [
        ("{run_id: collaboration.id}", "'run_id' is a built-in template name"),
        ("{c: 'collaboration.[id'}", "is not a JMESPath expression"),
        ("{1c: collaboration.id}", "'1c' is not a usable name"),
    ],
)
def test_bad_save_entries(tmp_path: Path, save: str, problem: str) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE.replace("save: {collab: collaboration.id}", f"save: {save}"))
    assert line == 8
    assert problem in message


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, "id: same\n" + HEAD + CREATE, name="a.yaml")
    second = write(tmp_path, HEAD.replace("steps:", "id: same\nsteps:") + CREATE, name="b.yaml")
    scenarios, errors = load_scenarios([tmp_path])
    assert [s.file for s in scenarios] == [first]
    assert [str(e) for e in errors] == [
        f"{second}:4: scenario id 'same' is already used by {first}; give one of them another `id:`"
    ]


@pytest.mark.parametrize(
    ("since", "problem"),
    [
        ("2025-13-45", "since: '2025-13-45' is not a date; write it as YYYY-MM-DD"),
        ("next year", "since: 'next year' is not a date"),
        ("2025-09-04", "since: 2025-09-04 is not an SDK release date (docs/behaviour.md §8); use one of 2023-01-12"),
    ],
)
def test_since_must_be_a_release_date(tmp_path: Path, since: str, problem: str) -> None:
    line, message = only_problem(tmp_path, HEAD.replace("2025-09-03", since) + CREATE)
    assert line == 2
    assert message.startswith(problem)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"{{ colab }}"', "no earlier step saves 'colab'; did you mean 'collab'?"),
        ('"{{ later }}"', "'later' is saved only by steps[2], which runs later"),
        ('"{{ steps[1].x }}"', "steps[1] is not a step that ran before steps[1] (available: steps[0]..steps[0])"),
        ('"{{ steps[-2].x }}"', "steps[-2] is not a step that ran before steps[1]"),
        ('"{{ accounts.auditor }}"', "accounts.auditor is not an actor"),
        ('"{{ collab | }}"', "syntax error"),
        ('"{{ collab.__class__ }}"', "refused: '__class__': names starting with '_'"),
        ('"{{ cycler.__init__.__globals__ }}"', "refused: '__globals__'"),
        ('"{{ collab.upper() }}"', "refused: calls"),
        ('"{{ collab | center(99) }}"', "refused: filter 'center' is not available"),
    ],
)
def test_template_names_are_checked_statically(tmp_path: Path, value: str, problem: str) -> None:
    text = (
        HEAD
        + CREATE
        + f"  - as: creator\n    call: GetCollaboration\n    with: {{collaborationIdentifier: {value}}}\n"
        + CREATE.replace("collab:", "later:")
    )
    line, message = only_problem(tmp_path, text)
    assert line == 11
    assert message.startswith("template ")
    assert problem in message


def test_expect_error_checks_against_the_model(tmp_path: Path) -> None:
    text = (
        HEAD
        + """\
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: x}
    expect_error: {code: AccessDeniedExeption, status: 403}
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: x}
    expect_error: {code: ServiceQuotaExceededException, status: 400}
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: x}
    expect_error: {code: ThrottlingException, reason: X, fields: {resourceTyp: COLLABORATION}}
"""
    )
    found = problems(tmp_path, text)
    assert found == [
        (
            8,
            "steps[0].expect_error.code: 'AccessDeniedExeption' is neither a Clean Rooms error shape nor a common"
            " AWS error; did you mean AccessDeniedException?",
        ),
        (12, "steps[1].expect_error.status: the model gives ServiceQuotaExceededException HTTP status 402, not 400"),
        (16, "steps[2].expect_error.reason: ThrottlingException has no `reason` member"),
        (
            16,
            "steps[2].expect_error.fields: ThrottlingException has no member 'resourceTyp' (members: message)",
        ),
    ]


def test_expect_and_expect_error_together(tmp_path: Path) -> None:
    line, message = only_problem(
        tmp_path, HEAD + CREATE + "    expect: {}\n    expect_error: {code: ValidationException}\n"
    )
    assert (line, message) == (5, "steps[0]: a step has only one of `expect`, `expect_error` and `expect_one_of`")


def test_raw_body_needs_an_operation_with_a_body(tmp_path: Path) -> None:
    line, message = only_problem(
        tmp_path,
        HEAD
        + "  - as: creator\n    call: GetCollaboration\n    with: {collaborationIdentifier: x}\n    raw_body: '{}'\n",
    )
    assert (line, message) == (8, "steps[0].raw_body: GetCollaboration has no request body to replace")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "a scenario file holds one mapping"),
        ("scenario: x\nscenario: y\n", "YAML syntax error"),
    ],
)
def test_files_that_are_not_scenarios(tmp_path: Path, text: str, problem: str) -> None:
    line, message = only_problem(tmp_path, text)
    assert line in (1, 2)
    assert problem in message


def test_paths_that_are_not_regular_files_are_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(ScenarioError, match=r"folder.yaml:1: not a regular file \(a directory\)"):
        load_scenario(tmp_path / "folder.yaml")
    with pytest.raises(ScenarioError, match=r"missing\.yaml:1: cannot read the file: No such file"):
        load_scenario(tmp_path / "missing.yaml")


@pytest.mark.timeout(30)  # reading a FIFO would wait for a writer forever
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_in_a_folder_is_reported_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    write(tmp_path, HEAD + CREATE, name="good.yaml")
    scenarios, errors = load_scenarios([tmp_path])
    assert [s.id for s in scenarios] == ["good"]
    assert [(e.path.name, e.line, e.message) for e in errors] == [
        ("pipe.yaml", 1, "not a regular file (a FIFO); a scenario is a *.yaml text file")
    ]


@pytest.mark.parametrize("libyaml", [True, False])
def test_yaml_limits_hold_with_and_without_libyaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, libyaml: bool
) -> None:
    if not libyaml:
        monkeypatch.setattr(yaml_events, "_CParser", None)  # as on a machine without PyYAML's C extension
    bomb = "x0: &a0 [lol]\n" + "".join(f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 11))
    deep = "x: " + "[" * 50_000 + "]" * 50_000 + "\n"
    assert only_problem(tmp_path, bomb + HEAD + CREATE)[0] == 5  # x4 and what came before: over 10,000 values
    assert "once its aliases are expanded" in only_problem(tmp_path, bomb + HEAD + CREATE)[1]
    assert only_problem(tmp_path, deep + HEAD + CREATE) == (
        1,
        "mappings and lists are nested more than 64 deep; a scenario needs far fewer (is a bracket left open?)",
    )


def test_all_problems_of_a_file_are_reported_and_load_scenario_raises_the_first(tmp_path: Path) -> None:
    text = HEAD + CREATE.replace("as: creator", "as: nobody").replace("CreateCollaboration", "CreateCollab")
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    error = caught.value
    assert (error.path, error.line) == (path, 5)
    assert "unknown actor 'nobody'" in error.message
    assert len(error.more) == 1
    assert error.more[0].line == 6
    assert str(error).splitlines() == [f"{path}:5: {error.message}", f"{path}:6: {error.more[0].message}"]


def test_a_file_name_that_cannot_be_an_id(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + CREATE, name="my scenario.yaml")
    _scenarios, errors = load_scenarios([path])
    assert [(e.line, e.message) for e in errors] == [
        (1, "the file name 'my scenario' cannot serve as the scenario id; add `id: some-name`")
    ]


def test_anchors_and_merge_keys_share_parameters(tmp_path: Path) -> None:
    text = (
        HEAD
        + """\
  - as: creator
    call: CreateCollaboration
    with: &params {name: n, members: [], creatorMemberAbilities: [], creatorDisplayName: c, queryLogStatus: DISABLED}
  - as: creator
    call: CreateCollaboration
    with:
      <<: *params
      name: other
      descripton: x
"""
    )
    line, message = only_problem(tmp_path, text)
    assert line == 13
    assert "has no member 'descripton'; did you mean 'description'?" in message
    fixed = write(tmp_path, text.replace("      descripton: x\n", ""))
    assert load_scenario(fixed).steps[1].params == {
        "name": "other",
        "members": [],
        "creatorMemberAbilities": [],
        "creatorDisplayName": "c",
        "queryLogStatus": "DISABLED",
    }


def test_unquoted_template_in_block_style(tmp_path: Path) -> None:
    text = (
        HEAD + "  - as: creator\n    call: GetCollaboration\n    with:\n      collaborationIdentifier: {{ collab }}\n"
    )
    assert only_problem(tmp_path, text) == (
        8,
        'a key must be text, not a mapping; is a template unquoted? write "{{ name }}"',
    )
    assert only_problem(tmp_path, HEAD.replace("steps:", "1: x\nsteps:")) == (
        4,
        "a key must be text, not 1; put it in quotes",
    )


# --- citations of docs/behaviour.md in the prose ---------------------------------------------------------------


def test_undefined_keys_and_sections_in_the_prose_are_refused_at_their_line(tmp_path: Path) -> None:
    text = HEAD.replace(
        "since:",
        "description: >\n  Only the creator may ask (behaviour §1.1, UG-CR);\n  see §9 and UG-CRR and A19.\nsince:",
    ) + CREATE.replace("  - as: creator", "  - name: the creator opens one (API-UCRR)\n    as: creator")
    assert problems(tmp_path, text) == [
        (
            4,
            "description: '§9' is not a section of docs/behaviour.md (its sections are §1, §2, §3, §4, §5, §6, §7, §8)",
        ),
        (4, "description: 'UG-CRR' is not a key of docs/behaviour.md; did you mean 'UG-CR'?"),
        (4, "description: 'A19' is not a key of docs/behaviour.md; did you mean 'A9'?"),
        (8, "steps[0].name: 'API-UCRR' is not a key of docs/behaviour.md; did you mean 'API-UCR'?"),
    ]


def test_quoted_text_and_other_words_are_not_citations(tmp_path: Path) -> None:
    text = HEAD.replace(
        "since:",
        "description: the server said 'A19' and \"UG-XYZ\"; HMAC-SHA256 is no key, the member's A-list\nsince:",
    )
    assert load_scenario(write(tmp_path, text + CREATE)).description.startswith("the server said")


def test_a_claim_resting_on_an_ambiguity_must_be_tested_as_inferred(tmp_path: Path) -> None:
    cites = HEAD.replace("since:", "description: an unknown id gets 403 (behaviour §7, A16)\nsince:")
    assert only_problem(tmp_path, cites + CREATE) == (
        2,
        "description: cites A16, an ambiguity of docs/behaviour.md (a reading of what AWS leaves open), but no step"
        ' rests on it: give the step(s) that test it `evidence: {level: inferred, source: "..., A16"}`, or make the'
        " file's evidence inferred",
    )
    tested = cites + CREATE + '    evidence: {level: inferred, source: "UG-CR, A16"}\n'
    assert load_scenario(write(tmp_path, tested)).steps[0].evidence.keys == ("UG-CR", "A16")
    inferred_file = cites.replace("{level: documented, source: UG-CR}", "{level: inferred, source: UG-CR}")
    assert load_scenario(write(tmp_path, inferred_file + CREATE)).evidence.level is EvidenceLevel.INFERRED


def test_a_step_whose_name_cites_an_ambiguity_is_inferred(tmp_path: Path) -> None:
    named = CREATE.replace("  - as: creator", "  - name: the creator is INVITED (A4)\n    as: creator")
    assert only_problem(tmp_path, HEAD + named) == (
        5,
        "steps[0].name: cites A4, an ambiguity of docs/behaviour.md, so the step's evidence must be inferred:"
        ' `evidence: {level: inferred, source: "..., A4"}`',
    )
    fixed = named + "    evidence: {level: inferred, source: A4}\n"
    assert load_scenario(write(tmp_path, HEAD + fixed)).steps[0].name == "the creator is INVITED (A4)"


# --- expect_one_of -------------------------------------------------------------------------------------------

ONE_OF = """\
  - as: creator
    call: ListMembers
    with: {collaborationIdentifier: "{{ collab }}"}
    expect_one_of:
      - expect_error: {code: AccessDeniedException, status: 403}
      - expect_error:
          code: ResourceNotFoundException
          fields: {resourceType: COLLABORATION}
      - expect: {memberSummaries: []}
"""


def test_expect_one_of_loads_every_alternative_with_its_lines(tmp_path: Path) -> None:
    step = load_scenario(write(tmp_path, HEAD + CREATE + ONE_OF)).steps[1]
    assert step.expect is None
    assert step.expect_error is None
    assert [(a.line, a.success) for a in step.expect_one_of] == [(13, False), (14, False), (17, True)]
    assert step.alternatives == step.expect_one_of
    assert step.expect_one_of[1].expect_error == {
        "code": "ResourceNotFoundException",
        "fields": {"resourceType": "COLLABORATION"},
    }
    assert step.expect_one_of[1].line_of("fields.resourceType") == 16
    assert step.expect_one_of[2].expect == {"memberSummaries": []}


@pytest.mark.parametrize(
    ("alternatives", "line", "message"),
    [
        (
            "      - expect_error: {code: AccessDeniedException}\n",
            13,
            "steps[1].expect_one_of: give at least two alternatives (for one answer, write `expect` or"
            " `expect_error` instead)",
        ),
        (
            "      - expect_error: {code: AccessDeniedException}\n      - {expect: {}, expect_error: {code: X}}\n",
            14,
            "steps[1].expect_one_of[1]: an alternative holds exactly one of `expect` or `expect_error`",
        ),
        (
            "      - expect_error: {code: AccessDeniedException}\n      - {}\n",
            14,
            "steps[1].expect_one_of[1]: an alternative holds exactly one of `expect` or `expect_error`",
        ),
        (
            "      - expect_error: {code: AccessDeniedExeption}\n      - expect: {}\n",
            13,
            "steps[1].expect_one_of[0].expect_error.code: 'AccessDeniedExeption' is neither a Clean Rooms error"
            " shape nor a common AWS error; did you mean AccessDeniedException",
        ),
        (
            "      - expect_error: {code: AccessDeniedException}\n      - expect: {memberSummary: []}\n",
            14,
            "steps[1].expect_one_of[1].expect: ListMembersOutput has no member 'memberSummary'",
        ),
        (
            '      - expect_error: {code: AccessDeniedException}\n      - expect: {nextToken: "{{ colab }}"}\n',
            14,
            "template '{{ colab }}': no earlier step saves 'colab'; did you mean 'collab'?",
        ),
    ],
)
def test_expect_one_of_is_checked_like_its_step_keys(
    tmp_path: Path, alternatives: str, line: int, message: str
) -> None:
    step = '  - as: creator\n    call: ListMembers\n    with: {collaborationIdentifier: "{{ collab }}"}\n'
    found_line, found = only_problem(tmp_path, HEAD + CREATE + step + "    expect_one_of:\n" + alternatives)
    assert (found_line, found[: len(message)]) == (line, message)


def test_expect_one_of_excludes_expect_and_expect_error(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE + ONE_OF + "    expect: {}\n")
    assert (line, message) == (9, "steps[1]: a step has only one of `expect`, `expect_error` and `expect_one_of`")


def test_a_step_that_accepts_a_success_or_an_error_may_not_save(tmp_path: Path) -> None:
    line, message = only_problem(tmp_path, HEAD + CREATE + ONE_OF + "    save: {members: memberSummaries}\n")
    assert line == 18
    assert message.startswith("steps[1].save: this step accepts a success or an error (expect_one_of)")
    errors_only = ONE_OF.replace("      - expect: {memberSummaries: []}\n", "")
    saved = load_scenario(write(tmp_path, HEAD + CREATE + errors_only + "    save: {code: code}\n"))
    assert saved.steps[1].save == {"code": "code"}
