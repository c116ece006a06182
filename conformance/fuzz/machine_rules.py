"""The stateful fuzzer's rule machine: random joins, change requests, votes, cancels and commits by every actor.

A Hypothesis ``RuleBasedStateMachine`` drives one collaboration on the target and the spec model
(:mod:`conformance.fuzz.specmodel`) side by side. Every call's answer must be what the model predicts (a success
with the predicted status, approvals and change types, or one of the acceptable refusals), and after every step
the target's state is read back and compared with the model. Each call and failed read is recorded as a
reproducer step; :mod:`conformance.fuzz.machine` runs the machine and turns what it saw into a tally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conformance.fuzz.campaign import Campaign
from conformance.fuzz.judge import Problem, model_problems
from conformance.fuzz.machine_views import (
    UPDATE,
    actor_account,
    auto_approvable,
    change_json,
    change_specs,
    collaboration_busy,
    create_params,
    created_anyway,
    dig,
    member_view,
    request_view,
    response_json,
)
from conformance.fuzz.plan import MODEL, Evidence, PlanStep
from conformance.fuzz.profiles import ShrinkClock
from conformance.fuzz.refs import Ref, resolve
from conformance.fuzz.specmodel import CONFLICT, ChangeSpec, Prediction, Request, SpecModel
from conformance.fuzz.steps import Context, Tag, mismatches
from conformance.model.exchange import CallResult
from conformance.model.vocabulary import ACTORS, EvidenceLevel

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
class Shared:
    """What every machine instance of one run uses (Hypothesis builds a fresh instance per example)."""

    campaign: Campaign
    clock: ShrinkClock
    calls: int = 0
    examples: int = 0
    failed_examples: int = 0
    final: Trace | None = None
    last: Trace | None = None


def build_machine(shared: Shared) -> type[RuleBasedStateMachine]:
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
            auto=st.lists(st.sampled_from(auto_approvable(at)), unique=True, max_size=3),
            joined=st.sampled_from(_JOINS),
        )
        def create(self, invited: tuple[str, ...], auto: list[str], joined: tuple[str, ...]) -> None:
            params = create_params(invited, auto, at)
            abilities = ["CAN_QUERY", "CAN_RECEIVE_RESULTS"]
            ml = "creatorMLMemberAbilities" in params
            self.model = SpecModel.created("creator", invited, auto, abilities, at=at, ml=ml)
            expect = {"collaboration": {"creatorAccountId": actor_account("creator"), "memberStatus": "INVITED"}}
            evidence = Evidence(EvidenceLevel.INFERRED, "MODEL, UG-MANAGE")
            result = self._call(
                "creator",
                "CreateCollaboration",
                params,
                expect=expect,
                evidence=evidence,
                save={"collab": "collaboration.id"},
            )
            collab = dig(response_json(result), "collaboration", "id")
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

        @rule(actor=_CALLERS, changes=change_specs(at))
        def request(self, actor: str, changes: list[ChangeSpec]) -> None:
            model = self._model()
            name = f"r{len(model.requests)}"
            prediction, created = model.create(actor, changes, name)
            params = {"collaborationIdentifier": Ref("collab"), "changes": [change_json(c) for c in changes]}
            view = request_view(created, approvals=approvals) if created is not None else None
            expect = {"collaborationChangeRequest": view} if view is not None else None
            save = {name: "collaborationChangeRequest.id"} if created is not None else {}
            # A10 names only a second open request for the same *member* as a 409; that an open COLLABORATION
            # change blocks another is the suite's reading, so a success is accepted there too (inferred).
            contested = CONFLICT in prediction.refusals and collaboration_busy(model, changes)
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
                prediction, created = created_anyway(model, actor, changes, name)
                if created is None:
                    self._fail(f"the request was accepted, but the spec refuses it: {prediction.reason}")
            if created is not None and created.status == "COMMITTED":
                self.stale |= {"collaboration", "members"}  # auto-approved: applied at once (A4)
            if created is not None:
                created_id = dig(response_json(result), "collaborationChangeRequest", "id")
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
            view = request_view(request, approvals=approvals)
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
                rows = [member_view(actor, row) for actor, row in model.members.items()]
                expect = {"memberSummaries": Tag("unordered", rows)}
                self._read(
                    "ListMembers",
                    {**collab, "maxResults": 100},
                    expect,
                    Evidence(EvidenceLevel.INFERRED, "UG-ADD, UG-JOIN, A11"),
                )
            summaries = [
                {"id": Ref(r.name), **request_view(r, changes=False, approvals=approvals)} for r in model.requests
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
                evidence = Evidence(prediction.level, prediction.source)
            evidence = evidence or MODEL
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
                found = mismatches(expect, response_json(result), self._context()) if expect else []
            self._judge(step, result, found, prediction.reason if prediction else "")
            return result

        def _read(self, operation_name: str, params: Mapping[str, Any], expect: Any, evidence: Evidence) -> None:
            result = shared.campaign.target.call("creator", operation_name, resolve(dict(params), self.bindings))
            shared.calls += 1
            if not result.ok:
                found = [f"expected success, got HTTP {result.status} {result.error_code or result.transport_error}"]
            else:
                found = mismatches(expect, response_json(result), self._context())
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
            evidence = step.evidence or MODEL
            problems = [
                Problem("model-mismatch", f"{step.name}: {m} ({reason})", evidence.level, evidence.source)
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
