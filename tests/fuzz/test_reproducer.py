from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType

import pytest

from conformance.fuzz import reproducer
from conformance.fuzz.plan import Evidence, Plan, PlanStep, RawText, StepRef, Tag
from conformance.fuzz.refs import Ref
from conformance.fuzz.steps import literal
from conformance.model.exchange import Exchange
from conformance.scenario.loader import load_scenario
from conformance.scenario.templating import compile_tree

WEIRD = ["{{ run_id }}", "a{%b", "{#x", "tab\there", "line\r\nbreak", "😀 {{", "quote\"'\\", "}}{{", "{{ '{{' }}"]


def plan(*steps: PlanStep) -> Plan:
    return Plan("title", "why", steps, Evidence("model", "MODEL"))


def test_strings_with_template_markup_are_sent_exactly_as_generated(tmp_path: Path) -> None:
    steps = [
        PlanStep("make", "creator", "CreateCollaboration", {"name": "x"}, save={"collab": "collaboration.id"}),
        PlanStep(
            "call",
            "creator",
            "UpdateCollaboration",
            {"collaborationIdentifier": Ref("collab"), "name": WEIRD[0], "description": " ".join(WEIRD)},
        ),
    ]
    written = reproducer.write(plan(*steps), tmp_path, "weird one!", exchange=None, region="us-east-1")
    scenario = load_scenario(written.scenario)
    assert scenario.id == "weird-one"
    rendered = compile_tree(dict(scenario.steps[1].params))({"collab": "c-1", "run_id": "r", "accounts": {}})
    assert rendered == {"collaborationIdentifier": "c-1", "name": WEIRD[0], "description": " ".join(WEIRD)}


@pytest.mark.parametrize("text", WEIRD)
def test_literal_renders_back_to_itself(text: str) -> None:
    assert compile_tree(literal(text))({}) == text


def test_raw_bodies_keep_their_bytes(tmp_path: Path) -> None:
    body = {"name": {"unexpected": "x"}, "tags": {"{{k": "}}"}, "collab": Ref("collab")}
    steps = [
        PlanStep("make", "creator", "CreateCollaboration", {"name": "x"}, save={"collab": "collaboration.id"}),
        PlanStep("raw", "creator", "CreateCollaboration", {}, raw_body=body),
        PlanStep("text", "creator", "CreateCollaboration", {}, raw_body=RawText("{not json {{ at all")),
    ]
    scenario = load_scenario(reproducer.write(plan(*steps), tmp_path, "raw", exchange=None, region="r").scenario)
    context = {"collab": "c-1", "accounts": {}, "run_id": "r"}
    raw = compile_tree(scenario.steps[1].raw_body)(context)
    assert json.loads(raw) == {"name": {"unexpected": "x"}, "tags": {"{{k": "}}"}, "collab": "c-1"}
    assert compile_tree(scenario.steps[2].raw_body)(context) == "{not json {{ at all"


def test_matchers_step_references_accounts_and_constants_become_scenario_syntax(tmp_path: Path) -> None:
    member = Ref("accounts.member", "account")
    steps = [
        PlanStep("make", "creator", "CreateCollaboration", {"name": "x"}, save={"collab": "collaboration.id"}),
        PlanStep(
            "check",
            "creator",
            "ListMembers",
            {"collaborationIdentifier": Ref("collab")},
            expect={"memberSummaries": Tag("all_of", [Tag("len", 2), Tag("contains", [{"accountId": member}])])},
        ),
        PlanStep(
            "again",
            "creator",
            "GetCollaboration",
            {"collaborationIdentifier": Ref("collab")},
            expect={"collaboration": StepRef(0, "collaboration")},
            expect_error=None,
            evidence=Evidence("inferred", "A6"),
        ),
        PlanStep(
            "new",
            "creator",
            "DeleteMember",
            {"collaborationIdentifier": Ref("collab"), "accountId": Ref("new_account", "account")},
            expect_error={"code": Tag("one_of", ["AccessDeniedException", "ResourceNotFoundException"])},
        ),
    ]
    path = reproducer.write(plan(*steps), tmp_path, "tags", exchange=None, region="r").scenario
    text = path.read_text()
    assert "!all_of" in text
    assert "!contains" in text
    assert "{{ steps[0].collaboration }}" in text
    assert "999999999999" in text
    assert "{{ accounts.member }}" in text
    scenario = load_scenario(path)
    assert str(scenario.steps[2].evidence.level) == "inferred"


def test_a_reference_nobody_saves_is_a_bug() -> None:
    step = PlanStep("x", "creator", "GetCollaboration", {"collaborationIdentifier": Ref("collab")})
    with pytest.raises(ValueError, match="no step saves"):
        reproducer.render(plan(step), "x")


def test_curl_command_has_no_signature_and_signs_itself() -> None:
    exchange = Exchange(
        "CreateCollaboration",
        "POST",
        "http://127.0.0.1:1/collaborations",
        MappingProxyType(
            {
                "Content-Type": "application/json",
                "X-Amz-Date": "20260101T000000Z",
                "amz-sdk-request": "attempt=1",
                "x-moto-account-id": "111111111111",
            }
        ),
        b'{"name": "it\'s"}',
    )
    command = reproducer.curl_command(exchange, "us-east-1")
    assert "X-Amz-Date" not in command
    assert "amz-sdk" not in command
    assert "Authorization" not in command
    assert "--aws-sigv4 aws:amz:us-east-1:cleanrooms" in command
    assert "x-moto-account-id" in command
    assert "--data-binary" in command
