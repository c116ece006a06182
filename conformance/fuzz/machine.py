"""The stateful fuzzer: random sequences of joins, change requests, votes, cancels and commits by every actor.

A Hypothesis ``RuleBasedStateMachine`` drives one collaboration on the target and the spec model
(:mod:`conformance.fuzz.specmodel`) side by side. Every call's answer must be what the model predicts (a success
with the predicted status, approvals and change types, or one of the acceptable refusals), and after every step
the target's state is read back and compared with the model: the collaboration's auto-approved types, every
member's status and abilities, and the change-request list (contents, statuses, approvals, creation order).

Each call and failed read is recorded as a reproducer step whose expectation is the model's prediction, so the
minimal failing program that Hypothesis shrinks to is written as a scenario that fails the same way.

The machine speaks the API of the campaign's release (``--api-version``): before 2025-12-18 it has no votes,
cancels or commits (no UpdateCollaborationChangeRequest) and expects no ``approvals``; change specifications,
auto-approvable types and abilities are those of the release, and CreateCollaboration carries what that release
required (a ``description`` before 2026-06-30, no empty ML ability lists before then).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test, initialize, invariant, precondition, rule

from conformance.fuzz.campaign import Campaign
from conformance.fuzz.judge import Problem, model_problems
from conformance.fuzz.plan import Plan, PlanStep
from conformance.fuzz.profiles import ShrinkClock, run_test
from conformance.fuzz.refs import Ref, resolve
from conformance.fuzz.results import Finding, Outcome, Tally, outcome_of
from conformance.fuzz.specmodel import (
    AUTO_APPROVABLE,
    COLLABORATION_TARGET,
    CONFLICT,
    ML_ABILITIES,
    OPEN,
    SPEC_ABILITIES,
    ChangeSpec,
    Prediction,
    Request,
    SpecModel,
)
from conformance.fuzz.steps import ABSENT, Context, Tag, mismatches
from conformance.model.exchange import CallResult, read_json
from conformance.model.releases import ModelAt
from conformance.model.vocabulary import Evidence, EvidenceLevel, level_of

NAME = "stateful"
CHECK = "change-requests"
ACTORS = ("creator", "member", "member2", "outsider")
UPDATE = "UpdateCollaborationChangeRequest"
#: Operations the machine needs (UpdateCollaborationChangeRequest only from the release that has it); without them
#: it is UNSUPPORTED.
NEEDS = (
    "CreateCollaboration",
    "CreateMembership",
    "ListMembers",
    "GetCollaboration",
    "CreateCollaborationChangeRequest",
    "ListCollaborationChangeRequests",
)
_NEWCOMER = "newcomer"
_CALLERS = st.sampled_from(["creator", "creator", "member", "member2", "outsider"])
#: Who joins right after the collaboration is made (most useful first: a voting member and the creator).
_JOINS = (("creator", "member"), ("member",), ("creator", "member", "member2"), ("member", "member2"), (), ("creator",))


class MachineFailure(AssertionError):
    """A call or a read that disagreed with the spec model."""


@dataclass(slots=True)
class Trace:
    """The calls of one run (with expectations) and what went wrong."""

    steps: list[PlanStep] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    exchange: Any = None


@dataclass(slots=True)
class _Shared:
    """What every machine instance of one run uses (Hypothesis builds a fresh instance per example)."""

    campaign: Campaign
    clock: ShrinkClock
    calls: int = 0
    examples: int = 0
    failed_examples: int = 0
    final: Trace | None = None
    last: Trace | None = None


def _auto_approvable(at: ModelAt) -> tuple[str, ...]:
    return at.enum_values("AutoApprovedChangeType", AUTO_APPROVABLE)


def _changes(at: ModelAt) -> st.SearchStrategy[list[ChangeSpec]]:
    """Change specifications of the release: its abilities and MEMBER spec members, COLLABORATION from 2025-12-18."""
    spec = "MemberChangeSpecification"
    abilities = at.enum_values("MemberAbility", (*SPEC_ABILITIES, "CAN_QUERY"))
    ml = st.lists(st.sampled_from(ML_ABILITIES), unique=True).map(tuple)
    member = st.builds(
        ChangeSpec,
        kind=st.just("MEMBER"),
        account=st.sampled_from(["outsider", _NEWCOMER, "member", "member2", "creator"]),
        abilities=st.lists(st.sampled_from(abilities), unique=True, max_size=2).map(tuple),
        ml=st.none() | ml if at.has_member(spec, "mlMemberAbilities") else st.none(),
        payer=st.none() | st.booleans() if at.has_member(spec, "paymentConfiguration") else st.none(),
        display_name=st.sampled_from([True, True, True, False]),
    )
    if "COLLABORATION" not in at.enum_values("ChangeSpecificationType", ("MEMBER", "COLLABORATION")):
        return st.lists(member, min_size=1, max_size=3)
    collaboration = st.builds(
        ChangeSpec,
        kind=st.just("COLLABORATION"),
        auto_types=st.lists(st.sampled_from(_auto_approvable(at)), unique=True, max_size=3).map(tuple),
    )
    return st.lists(st.one_of(member, collaboration), min_size=1, max_size=3)


def _create_params(invited: tuple[str, ...], auto: list[str], at: ModelAt) -> dict[str, Any]:
    """CreateCollaboration as the release takes it (its required members, its ML ability list minimum)."""
    empty_ml = not at.service_model().shape_for("CustomMLMemberAbilities").metadata.get("min")
    ml: dict[str, Any] = {"mlMemberAbilities": {"customMLMemberAbilities": []}} if empty_ml else {}
    params: dict[str, Any] = {
        "name": "fuzz-stateful",
        "members": [
            {
                "accountId": _account(actor),
                "memberAbilities": [],
                **ml,
                "displayName": actor,
                "paymentConfiguration": {"queryCompute": {"isResponsible": False}},
            }
            for actor in invited
        ],
        "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
        **({"creatorMLMemberAbilities": ml["mlMemberAbilities"]} if ml else {}),
        "creatorDisplayName": "creator",
        "creatorPaymentConfiguration": {"queryCompute": {"isResponsible": True}},
        "queryLogStatus": "DISABLED",
        "autoApprovedChangeRequestTypes": auto,
    }
    if at.is_required("CreateCollaborationInput", "description", required_now=False):
        params["description"] = "made by the stateful fuzzer"
    return params


def build_machine(shared: _Shared) -> type[RuleBasedStateMachine]:
    """A machine class bound to one campaign (the target, its accounts and its release)."""
    at = shared.campaign.at
    votes = at.has_operation(UPDATE)
    approvals = at.has_member("CollaborationChangeRequest", "approvals")

    class ChangeRequestMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.trace = Trace()
            self.model: SpecModel | None = None
            self.stale = {"collaboration", "members"}
            """Reads due at the next check: only what the last step may have changed (the list always)."""
            self.bindings: dict[str, str] = shared.campaign.runner.pool.base_bindings()
            shared.clock.check()
            shared.examples += 1

        # -- rules ------------------------------------------------------------------------------------------

        @initialize(
            invited=st.sampled_from([("member", "member2"), ("member",)]),
            auto=st.lists(st.sampled_from(_auto_approvable(at)), unique=True, max_size=3),
            joined=st.sampled_from(_JOINS),
        )
        def create(self, invited: tuple[str, ...], auto: list[str], joined: tuple[str, ...]) -> None:
            params = _create_params(invited, auto, at)
            abilities = ["CAN_QUERY", "CAN_RECEIVE_RESULTS"]
            ml = "creatorMLMemberAbilities" in params
            self.model = SpecModel.created("creator", invited, auto, abilities, at=at, ml=ml)
            expect = {"collaboration": {"creatorAccountId": _account("creator"), "memberStatus": "INVITED"}}
            evidence = Evidence(EvidenceLevel.INFERRED, "MODEL, UG-MANAGE")
            result = self._call(
                "creator",
                "CreateCollaboration",
                params,
                expect=expect,
                evidence=evidence,
                save={"collab": "collaboration.id"},
            )
            collab = _dig(_json(result), "collaboration", "id")
            if not isinstance(collab, str):
                self._fail("CreateCollaboration gave no collaboration id; the machine cannot go on")
            self.bindings["collab"] = str(collab)
            for actor in joined:
                if actor in invited or actor == "creator":
                    self._join(actor)

        @precondition(lambda self: self.model is not None and bool(self.model.invited()))
        @rule(data=st.data())
        def join(self, data: st.DataObject) -> None:
            model = self._model()
            # Invited accounts first (the join that changes something); anyone else may try too.
            self._join(data.draw(st.sampled_from(list(dict.fromkeys([*model.invited(), *ACTORS]))), label="joiner"))

        def _join(self, actor: str) -> None:
            prediction = self._model().join(actor)
            params = {"collaborationIdentifier": Ref("collab"), "queryLogStatus": "DISABLED"}
            expect = {"membership": {"status": "ACTIVE"}} if prediction.succeeds else None
            self._call(actor, "CreateMembership", params, prediction=prediction, expect=expect)
            self.stale.add("members")

        @rule(actor=_CALLERS, changes=_changes(at))
        def request(self, actor: str, changes: list[ChangeSpec]) -> None:
            model = self._model()
            name = f"r{len(model.requests)}"
            prediction, created = model.create(actor, changes, name)
            params = {"collaborationIdentifier": Ref("collab"), "changes": [_change_json(c) for c in changes]}
            view = _request_view(created, approvals=approvals) if created is not None else None
            expect = {"collaborationChangeRequest": view} if view is not None else None
            save = {name: "collaborationChangeRequest.id"} if created is not None else {}
            # A10 names only a second open request for the same *member* as a 409; that an open COLLABORATION
            # change blocks another is the suite's reading, so a success is accepted there too (inferred).
            contested = CONFLICT in prediction.refusals and _collaboration_busy(model, changes)
            result = self._call(
                actor,
                "CreateCollaborationChangeRequest",
                params,
                prediction=prediction,
                expect=expect,
                save=save or {name: "collaborationChangeRequest.id"},
                or_success=contested,
            )
            if contested and result.ok:
                prediction, created = _created_anyway(model, actor, changes, name)
                if created is None:
                    self._fail(f"the request was accepted, but the spec refuses it: {prediction.reason}")
            if created is not None and created.status == "COMMITTED":
                self.stale |= {"collaboration", "members"}  # auto-approved: applied at once (A4)
            if created is not None:
                created_id = _dig(_json(result), "collaborationChangeRequest", "id")
                if not isinstance(created_id, str):
                    self._fail("CreateCollaborationChangeRequest gave no id")
                self.bindings[name] = str(created_id)

        @precondition(lambda self: votes and self.model is not None and bool(self.model.requests))
        @rule(data=st.data())
        def vote(self, data: st.DataObject) -> None:
            request = self._pick(data, "PENDING")
            # Mostly a voter who has not voted yet, approving: the path that moves a request on (and the one
            # shrinking ends at); every other caller and DENY are still drawn.
            waiting = [a for a, v in (request.approvals or {}).items() if v == "PENDING"]
            if waiting and data.draw(st.integers(min_value=0, max_value=3), label="as a voter") < 3:
                actor = data.draw(st.sampled_from(waiting), label="voter")
            else:
                actor = data.draw(st.sampled_from(ACTORS), label="caller")
            action = data.draw(st.sampled_from(("APPROVE", "APPROVE", "APPROVE", "DENY")), label="vote")
            self._act(actor, request, action)

        @precondition(
            lambda self: votes and self.model is not None and any(r.status == "PENDING" for r in self.model.requests)
        )
        @rule()
        def everyone_approves(self) -> None:
            """Every voter of the newest pending request approves it in turn (the documented happy path)."""
            request = next(r for r in reversed(self._model().requests) if r.status == "PENDING")
            for voter in [a for a, v in (request.approvals or {}).items() if v == "PENDING"]:
                self._act(voter, request, "APPROVE")

        @precondition(lambda self: votes and self.model is not None and bool(self.model.requests))
        @rule(data=st.data())
        def settle(self, data: st.DataObject) -> None:
            request = self._pick(data, "APPROVED")
            actor = data.draw(_CALLERS, label="caller")
            self._act(actor, request, data.draw(st.sampled_from(("COMMIT", "CANCEL")), label="action"))

        def _pick(self, data: st.DataObject, wanted: str) -> Request:
            """Mostly a request in status ``wanted`` (newest first), sometimes any request."""
            requests = self._model().requests
            matching = [r for r in reversed(requests) if r.status == wanted]
            pool = (
                matching
                if matching and data.draw(st.integers(min_value=0, max_value=3), label="usual") < 3
                else requests
            )
            return pool[data.draw(st.integers(min_value=0, max_value=20), label="request") % len(pool)]

        def _act(self, actor: str, request: Request, action: str) -> None:
            prediction = self._model().act(actor, request, action)
            params = {
                "collaborationIdentifier": Ref("collab"),
                "changeRequestIdentifier": Ref(request.name),
                "action": action,
            }
            view = _request_view(request, approvals=approvals)
            expect = {"collaborationChangeRequest": view} if prediction.succeeds else None
            self._call(actor, "UpdateCollaborationChangeRequest", params, prediction=prediction, expect=expect)
            if action == "COMMIT":
                self.stale |= {"collaboration", "members"}

        # -- the state read back after every step ----------------------------------------------------------

        @invariant()
        def matches_the_model(self) -> None:
            if self.model is None or "collab" not in self.bindings:
                return
            model = self.model
            collab = {"collaborationIdentifier": Ref("collab")}
            stale, self.stale = self.stale, set()
            if "collaboration" in stale:
                auto = Tag("unordered", list(model.auto_types or []))
                self._read(
                    "GetCollaboration",
                    collab,
                    {"collaboration": {"autoApprovedChangeTypes": auto}},
                    Evidence(EvidenceLevel.INFERRED, "A17"),
                )
            if "members" in stale:
                rows = [_member_view(actor, row) for actor, row in model.members.items()]
                expect = {"memberSummaries": Tag("unordered", rows)}
                self._read(
                    "ListMembers",
                    {**collab, "maxResults": 100},
                    expect,
                    Evidence(EvidenceLevel.INFERRED, "UG-ADD, UG-JOIN, A11"),
                )
            summaries = [
                {"id": Ref(r.name), **_request_view(r, changes=False, approvals=approvals)} for r in model.requests
            ]
            self._read(
                "ListCollaborationChangeRequests",
                {**collab, "maxResults": 100},
                {"collaborationChangeRequestSummaries": summaries},
                Evidence(EvidenceLevel.INFERRED, "A6, A1, A2, A4"),
            )

        def teardown(self) -> None:
            # Not a step of the program (a reproducer does not need it): the program's collaboration is deleted so
            # that the account lists other checks page through stay short on a long-lived target.
            collab = self.bindings.get("collab")
            if collab is not None:
                shared.campaign.target.call("creator", "DeleteCollaboration", {"collaborationIdentifier": collab})
                shared.calls += 1

        # -- plumbing ---------------------------------------------------------------------------------------

        def _model(self) -> SpecModel:
            assert self.model is not None, "initialize runs first"
            return self.model

        def _call(
            self,
            actor: str,
            operation_name: str,
            params: Mapping[str, Any],
            *,
            prediction: Prediction | None = None,
            expect: Mapping[str, Any] | None = None,
            evidence: Evidence | None = None,
            save: Mapping[str, str] | None = None,
            or_success: bool = False,
        ) -> CallResult:
            """Make a call and judge it; ``or_success``: a success is as acceptable as the predicted refusals."""
            result = shared.campaign.target.call(actor, operation_name, resolve(dict(params), self.bindings))
            shared.calls += 1
            self.trace.exchange = result.exchange
            if prediction is not None:
                evidence = Evidence(level_of(prediction.level), prediction.source)
            evidence = evidence or Evidence(EvidenceLevel.MODEL, "MODEL")
            step_save = dict(save or {})
            if or_success and result.ok:
                step = PlanStep(
                    f"{actor} {operation_name}",
                    actor,
                    operation_name,
                    dict(params),
                    save=step_save,
                    evidence=Evidence(EvidenceLevel.INFERRED, "A10"),
                )
                self.trace.steps.append(step)
                self._judge(step, result, [], "a success is one of the accepted answers (A10)")
                return result
            if prediction is not None and not prediction.succeeds:
                codes = sorted({r.code for r in prediction.refusals})
                statuses = sorted({r.status for r in prediction.refusals})
                error: dict[str, Any] = {
                    "code": codes[0] if len(codes) == 1 else Tag("one_of", codes),
                    "status": statuses[0] if len(statuses) == 1 else Tag("one_of", statuses),
                }
                step = PlanStep(
                    f"{actor} {operation_name}",
                    actor,
                    operation_name,
                    dict(params),
                    expect_error=error,
                    evidence=evidence,
                )
                self.trace.steps.append(step)
                actual = {"code": result.error_code, "status": result.status}
                found = ["the call succeeded"] if result.ok else mismatches(error, actual, self._context())
                self._judge(step, result, found, prediction.reason)
                return result
            step = PlanStep(
                f"{actor} {operation_name}",
                actor,
                operation_name,
                dict(params),
                expect=expect,
                save=step_save,
                evidence=evidence,
            )
            self.trace.steps.append(step)
            if not result.ok:
                found = [f"expected success, got HTTP {result.status} {result.error_code or result.transport_error}"]
            else:
                found = mismatches(expect, _json(result), self._context()) if expect else []
            self._judge(step, result, found, prediction.reason if prediction else "")
            return result

        def _read(self, operation_name: str, params: Mapping[str, Any], expect: Any, evidence: Evidence) -> None:
            result = shared.campaign.target.call("creator", operation_name, resolve(dict(params), self.bindings))
            shared.calls += 1
            if not result.ok:
                found = [f"expected success, got HTTP {result.status} {result.error_code or result.transport_error}"]
            else:
                found = mismatches(expect, _json(result), self._context())
            if found:
                self.trace.exchange = result.exchange
                step = PlanStep(
                    f"check: {operation_name}",
                    "creator",
                    operation_name,
                    dict(params),
                    expect=expect,
                    evidence=evidence,
                )
                self.trace.steps.append(step)
                self._judge(step, result, found, "the target's state differs from the spec model")

        def _judge(self, step: PlanStep, result: CallResult, found: list[str], reason: str) -> None:
            evidence = step.evidence or Evidence(EvidenceLevel.MODEL, "MODEL")
            problems = [
                Problem("model-mismatch", f"{step.name}: {m} ({reason})", evidence.level.value, evidence.source)
                for m in found
            ]
            problems += model_problems(step.operation, result, at=at)
            if problems:
                self.trace.problems = problems
                self._fail("; ".join(str(p) for p in problems))

        def _fail(self, message: str) -> None:
            shared.failed_examples += 1
            shared.clock.failed()
            if shared.last is None or len(self.trace.steps) <= len(shared.last.steps):
                shared.last = self.trace
            if current_build_context().is_final:
                shared.final = self.trace
            raise MachineFailure(message)

        def _context(self) -> Context:
            return Context((), self.bindings)

    return ChangeRequestMachine


def run_machine(campaign: Campaign, settings: Settings, seed: int | None, *, shrink_seconds: float = 60.0) -> Tally:
    """Run the stateful fuzzer against the campaign's target; one tally (``fuzz:stateful:change-requests``).

    Shrinking stops ``shrink_seconds`` after the first failure; the shortest failing program seen is reported.
    """
    fuzzed = campaign.operations()
    needs = (*NEEDS, UPDATE) if campaign.at.has_operation(UPDATE) else NEEDS
    missing = [op for op in needs if op not in fuzzed]
    if missing:
        note = f"the target does not implement (or the run leaves out) {', '.join(missing)}"
        return Tally(NAME, CHECK, "UNSUPPORTED", note=note)
    started = time.perf_counter()
    shared = _Shared(campaign, ShrinkClock(shrink_seconds))
    test = get_state_machine_test(build_machine(shared), settings=settings)
    try:
        note = run_test(test, seed=seed, clock=shared.clock, failure=MachineFailure)
    except Exception as exc:  # the suite or the target broke the run itself: report it, do not crash the session
        note = f"the stateful run stopped: {type(exc).__name__}: {exc}"
    broke = bool(note)
    note = "; ".join(filter(None, [note, shared.clock.note]))
    trace = shared.final or shared.last
    findings: tuple[Finding, ...] = ()
    if trace is not None:
        plan = Plan(
            "stateful change requests: the target departs from the spec model",
            "\n".join(str(p) for p in trace.problems),
            tuple(trace.steps),
            Evidence(EvidenceLevel.INFERRED, "A1, A4, A5, A7"),
        )
        findings = (_finding(campaign, plan, trace),)
    examples = shared.examples
    failed = 1 if trace is not None else 0
    outcome: Outcome = outcome_of(failed, int(broke), examples)
    return Tally(
        NAME,
        CHECK,
        outcome,
        variants=examples,
        passed=examples - shared.failed_examples,
        failed=shared.failed_examples,
        findings=findings,
        note="; ".join(filter(None, [note, f"{shared.calls} calls"])),
        duration_s=time.perf_counter() - started,
    )


def _collaboration_busy(model: SpecModel, changes: list[ChangeSpec]) -> bool:
    """Whether the request has a COLLABORATION change while an open request has one too."""
    wanted = any(change.kind == "COLLABORATION" for change in changes)
    return wanted and any(COLLABORATION_TARGET in r.targets for r in model.requests if r.status in OPEN)


def _created_anyway(
    model: SpecModel, actor: str, changes: list[ChangeSpec], name: str
) -> tuple[Prediction, Request | None]:
    """The model after a target accepted a request that only the open-COLLABORATION-change reading refuses.

    Open requests stop counting the collaboration as busy for this one check; every other rule still applies
    (a refusal then leaves the model as it was and says why).
    """
    held = [(request, request.targets) for request in model.requests]
    for request in model.requests:
        request.targets = request.targets - {COLLABORATION_TARGET}
    try:
        return model.create(actor, changes, name)
    finally:
        for request, targets in held:
            request.targets = targets


def _finding(campaign: Campaign, plan: Plan, trace: Trace) -> Finding:
    from conformance.fuzz import reproducer

    path = curl = None
    if campaign.reproducers is not None:
        written = reproducer.write(
            plan, campaign.reproducers, f"fuzz-{NAME}-{CHECK}", exchange=trace.exchange, region=campaign.region
        )
        path, curl = str(written.scenario), str(written.curl) if written.curl else None
    return Finding(
        label=f"{len(trace.steps)} steps",
        problems=tuple(trace.problems),
        exchange=trace.exchange,
        reproducer=path,
        curl=curl,
    )


# --- views: what the model expects a response to contain ------------------------------------------------------


def _account(actor: str) -> Ref:
    if actor == _NEWCOMER:
        return Ref("new_account", "account")
    return Ref(f"accounts.{actor}", "account")


def _request_view(request: Request | None, *, changes: bool = True, approvals: bool = True) -> dict[str, Any]:
    """What a change request must look like; ``approvals`` is False before the release that added the member."""
    assert request is not None
    status: Any = Tag("one_of", [request.status, *sorted(request.also)]) if request.also else request.status
    view: dict[str, Any] = {"status": status, "isAutoApproved": request.auto}
    if not approvals:
        pass  # the release's model has no approvals: nothing to expect of them
    elif request.approvals:
        view["approvals"] = Tag(
            "exact", {_account(voter): {"status": vote} for voter, vote in request.approvals.items()}
        )
    else:
        view["approvals"] = ABSENT  # A2: approvals has min 1 entry, so no voters means no member
    if changes:
        view["changes"] = [{"types": Tag("unordered", list(types))} for types in request.types]
    return view


def _member_view(actor: str, row: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "accountId": _account(actor),
        "status": row.status,
        "abilities": Tag("unordered", sorted(row.abilities)),
    }
    if row.ml is not None:
        view["mlAbilities"] = {"customMLMemberAbilities": Tag("unordered", sorted(row.ml))}
    return view


def _change_json(change: ChangeSpec) -> dict[str, Any]:
    if change.kind == "COLLABORATION":
        return {
            "specificationType": "COLLABORATION",
            "specification": {"collaboration": {"autoApprovedChangeTypes": list(change.auto_types)}},
        }
    member: dict[str, Any] = {"accountId": _account(change.account), "memberAbilities": list(change.abilities)}
    if change.ml is not None:
        member["mlMemberAbilities"] = {"customMLMemberAbilities": list(change.ml)}
    if change.payer is not None:
        member["paymentConfiguration"] = {"queryCompute": {"isResponsible": change.payer}}
    if change.display_name:
        member["displayName"] = change.account
    return {"specificationType": "MEMBER", "specification": {"member": member}}


def _json(result: CallResult) -> Any:
    exchange = result.exchange
    if exchange is None or not exchange.response_body:
        return {}
    try:
        return read_json(exchange.response_body)
    except ValueError:
        return None


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
