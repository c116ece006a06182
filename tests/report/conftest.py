"""Hand-made results for the report tests (a small run with one of each outcome, builders for more) and an
HTML tree built with ``html.parser`` so tests check structure rather than match strings."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import pytest

from conformance.report.records import CheckRecord, FailureRecord, RunInfo, ScenarioRecord
from conformance.report.results import Results

CREATOR, MEMBER, OUTSIDER = "111111111111", "222222222222", "333333333333"
COLLAB = "6b2c5e9a-1f3d-4c8e-9a7b-0d1e2f3a4b5c"
CHANGE = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"


def run_info(target: str = "reference", **extra: Any) -> RunInfo:
    return RunInfo(
        target=target,
        endpoint="http://127.0.0.1:4566",
        run_id="run-1",
        started=1_767_225_600.0,
        finished=1_767_225_612.5,
        botocore_version="1.44.5",
        suite_version="0.1.0",
        command="pytest --pyargs conformance",
        extra={"accounts": {"creator": CREATOR, "member": MEMBER, "outsider": OUTSIDER}, **extra},
    )


def scenario(sid: str, outcome: str = "PASS", *, target: str = "reference", line: int = 1, **kw: Any) -> ScenarioRecord:
    values: dict[str, Any] = {
        "title": f"title of {sid}",
        "file": f"scenarios/{sid}.yaml",
        "line": line,
        "since": "2025-09-03",
        "tags": ("change-requests",),
        "evidence_level": "documented",
        "rerun": f"pytest --pyargs conformance -k {sid}",
        "duration_ms": 12.5,
    }
    values.update(kw)
    return ScenarioRecord(scenario_id=sid, target=target, outcome=outcome, **values)


def created_collaboration(account: str = CREATOR) -> dict[str, Any]:
    return {
        "collaboration": {
            "id": COLLAB,
            "arn": f"arn:aws:cleanrooms:us-east-1:{account}:collaboration/{COLLAB}",
            "name": "cr-run-1",
            "creatorAccountId": account,
            "creatorDisplayName": "creator",
            "createTime": 1_767_225_601.25,
            "updateTime": 1_767_225_601.25,
            "memberStatus": "INVITED",
            "queryLogStatus": "DISABLED",
            "autoApprovedChangeTypes": ["ADD_MEMBER"],
        }
    }


def check(
    sid: str,
    step: int,
    outcome: str = "PASS",
    *,
    operation: str = "CreateCollaboration",
    params: Mapping[str, Any] | None = None,
    status: int = 200,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    target: str = "reference",
    **kw: Any,
) -> CheckRecord:
    request = {
        "params": dict(params or {}),
        "method": "POST",
        "url": "http://127.0.0.1:4566/collaborations",
        "headers": {"content-type": "application/json"},
        "body": dict(params or {}),
    }
    response = {"status": status, "headers": dict(headers or {"content-type": "application/json"}), "body": body}
    kw.setdefault("response", response)
    return CheckRecord(
        check_id=f"{sid}#{step}",
        scenario_id=sid,
        target=target,
        outcome=outcome,
        step=step,
        step_name=f"step {step}",
        file=f"scenarios/{sid}.yaml",
        line=10 + 5 * step,
        operation=operation,
        actor="creator",
        request=request,
        **kw,
    )


def failure(message: str, **kw: Any) -> FailureRecord:
    return FailureRecord(kind=kw.pop("kind", "expectation"), message=message, **kw)


CREATE_PARAMS = {
    "name": "cr-run-1",
    "members": [],
    "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
    "creatorDisplayName": "creator",
    "queryLogStatus": "DISABLED",
    "autoApprovedChangeRequestTypes": ["ADD_MEMBER"],
}


def mixed_results(target: str = "reference") -> Results:
    """Five scenarios: PASS, FAIL (with a hostile body), ERROR, XFAIL, XPASS, UNSUPPORTED."""
    scenarios = (
        scenario("create-collaboration", target=target, line=1),
        scenario("auto-approved-add-member", "FAIL", target=target, message="step 1 failed", evidence_level="inferred"),
        scenario("outsider-denied", "ERROR", target=target, message="connection refused", evidence_level="model"),
        scenario(
            "deny-change",
            "XFAIL",
            target=target,
            expectation={"id": "deny-change", "outcome": "FAIL", "reason": "not yet", "link": None, "expires": None},
        ),
        scenario(
            "stale-entry",
            "XPASS",
            target=target,
            expectation={"id": "stale-entry", "outcome": "FAIL", "reason": "was broken", "link": None},
        ),
        scenario("list-change-requests", "UNSUPPORTED", target=target),
    )
    checks = (
        check("create-collaboration", 0, params=CREATE_PARAMS, body=created_collaboration(), target=target),
        check("auto-approved-add-member", 0, params=CREATE_PARAMS, body=created_collaboration(), target=target),
        check(
            "auto-approved-add-member",
            1,
            "FAIL",
            operation="CreateCollaborationChangeRequest",
            params={"collaborationIdentifier": COLLAB, "changes": []},
            status=409,
            headers={"x-amzn-errortype": "ConflictException"},
            body={"message": "<script>alert(1)</script>", "reason": "INVALID_STATE"},
            failures=(failure("expected status 200, got 409", path="", evidence_level="inferred"),),
            diff="- status: 200\n+ status: 409",
            target=target,
        ),
        check("outsider-denied", 0, "ERROR", operation="GetCollaboration", status=0, target=target, response=None),
        check("deny-change", 0, "FAIL", operation="UpdateCollaborationChangeRequest", target=target),
        check("stale-entry", 0, operation="GetCollaboration", body=created_collaboration(), target=target),
        check(
            "list-change-requests",
            0,
            "UNSUPPORTED",
            operation="ListCollaborationChangeRequests",
            status=404,
            body="Not Found",
            target=target,
        ),
    )
    return Results(run=run_info(target), scenarios=scenarios, checks=checks)


def big_results(scenarios: int = 70, steps: int = 5, failing_every: int = 4) -> Results:
    """A run of the size the suite is expected to reach, every ``failing_every``-th scenario failing."""
    records, checks = [], []
    for i in range(scenarios):
        sid = f"scenario-{i:03d}"
        failing = i % failing_every == 0
        records.append(scenario(sid, "FAIL" if failing else "PASS", line=1))
        for step in range(steps):
            bad = failing and step == steps - 1
            checks.append(
                check(
                    sid,
                    step,
                    "FAIL" if bad else "PASS",
                    params=CREATE_PARAMS,
                    body=created_collaboration(),
                    failures=(failure("collaboration.memberStatus: expected ACTIVE, got INVITED"),) if bad else (),
                    diff="- ACTIVE\n+ INVITED" if bad else None,
                )
            )
    return Results(run=run_info(), scenarios=tuple(records), checks=tuple(checks))


def planted_secrets() -> dict[str, str]:
    """Secret-looking values made at run time (no credential literal lives in the source)."""
    seed = uuid.uuid4().hex
    return {
        "key_id": "AKIA" + hashlib.sha256(seed.encode()).hexdigest()[:16].upper(),
        "secret": "sk" + hashlib.sha256((seed + "s").encode()).hexdigest()[:38],
        "token": "tok" + hashlib.sha256((seed + "t").encode()).hexdigest(),
        "signature": hashlib.sha256((seed + "sig").encode()).hexdigest(),
    }


@pytest.fixture
def mixed() -> Results:
    return mixed_results()


@pytest.fixture
def build() -> SimpleNamespace:
    """The builders above, for tests that make their own records."""
    return SimpleNamespace(
        run_info=run_info,
        scenario=scenario,
        check=check,
        failure=failure,
        created_collaboration=created_collaboration,
        mixed_results=mixed_results,
        big_results=big_results,
        planted_secrets=planted_secrets,
        create_params=CREATE_PARAMS,
        accounts=(CREATOR, MEMBER, OUTSIDER),
        collab=COLLAB,
    )


@dataclass
class Node:
    """One element of a parsed page."""

    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All text inside, with entities decoded (as a browser would show it)."""
        return "".join(self.parts)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        """Descendants with ``tag`` whose attributes contain the given values (``class_`` for class)."""
        wanted = {k.rstrip("_"): v for k, v in attrs.items()}
        return [
            n
            for n in self.iter()
            if n.tag == tag and all(v in n.attrs.get(k, "").split() or n.attrs.get(k) == v for k, v in wanted.items())
        ]

    def by_id(self, ident: str) -> Node:
        found = [n for n in self.iter() if n.attrs.get("id") == ident]
        assert len(found) == 1, f"expected one element with id {ident!r}, found {len(found)}"
        return found[0]


_VOID = {"meta", "link", "br", "hr", "img", "input", "wbr"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert tag not in _VOID, f"end tag for void element <{tag}>"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>: the page is not well nested"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for node in self.stack:
            node.parts.append(data)


def parse_page(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    assert builder.stack == [builder.root], f"unclosed elements: {[n.tag for n in builder.stack[1:]]}"
    return builder.root


@pytest.fixture
def parse_html() -> Any:
    return parse_page
