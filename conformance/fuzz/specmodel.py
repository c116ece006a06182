"""A small model of the spec's change-request state machine, used as the oracle of the stateful fuzzer.

It is written from ``cleanrooms-behaviour.md`` (§1.6, §2, §7 and the best readings A1-A18), not from the reference
emulator, and predicts for each call either the new state or the refusals that are acceptable. Where the spec
allows more than one answer (an ACTIVE member who is not a voter on a request: a wrong actor, 403, or a right
actor in a wrong state, 409), a prediction lists every acceptable error. Each prediction carries the evidence it
rests on, so a mismatch is reported at the right level.

Scope: one collaboration, members added at creation or through ADD_MEMBER, memberships, change requests of every
specification and change type, votes, cancels and commits. Members leaving or being removed are out of scope
(the spec does not say what happens to their pending votes).

The model follows one release (``at``, ``--api-version``): before 2025-12-18 there are no approvals, votes,
cancels or commits, so a request that is not auto-approved stays open (PENDING; with nobody who could vote
APPROVED is accepted too, A2), a change to an existing member has no change type yet and is refused, and a new
member's abilities are those the documentation of the release allowed (A12).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.vocabulary import EvidenceLevel

#: Abilities a member change specification may carry (A12: CAN_QUERY and CAN_RUN_JOB are refused).
SPEC_ABILITIES = ("CAN_RECEIVE_RESULTS", "CAN_EXPORT_QUERY_ANALYSIS_LOG")
REFUSED_ABILITIES = ("CAN_QUERY", "CAN_RUN_JOB")
ML_ABILITIES = ("CAN_RECEIVE_MODEL_OUTPUT", "CAN_RECEIVE_INFERENCE_OUTPUT")
#: §2: ability → (grant type, revoke type).
ABILITY_TYPES: Mapping[str, tuple[str, str]] = {
    "CAN_RECEIVE_RESULTS": ("GRANT_RECEIVE_RESULTS_ABILITY", "REVOKE_RECEIVE_RESULTS_ABILITY"),
    "CAN_EXPORT_QUERY_ANALYSIS_LOG": (
        "GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY",
        "REVOKE_EXPORT_QUERY_ANALYSIS_LOG_ABILITY",
    ),
}
ML_TYPES: Mapping[str, tuple[str, str]] = {
    "CAN_RECEIVE_MODEL_OUTPUT": ("GRANT_CAN_RECEIVE_MODEL_OUTPUT", "REVOKE_CAN_RECEIVE_MODEL_OUTPUT"),
    "CAN_RECEIVE_INFERENCE_OUTPUT": ("GRANT_CAN_RECEIVE_INFERENCE_OUTPUT", "REVOKE_CAN_RECEIVE_INFERENCE_OUTPUT"),
}
#: §1.5: the change types a collaboration can auto-approve.
AUTO_APPROVABLE = (
    "ADD_MEMBER",
    "GRANT_RECEIVE_RESULTS_ABILITY",
    "REVOKE_RECEIVE_RESULTS_ABILITY",
    "GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY",
    "REVOKE_EXPORT_QUERY_ANALYSIS_LOG_ABILITY",
)
OPEN = frozenset({"PENDING", "APPROVED"})
STANDING = frozenset({"INVITED", "ACTIVE"})
COLLABORATION_TARGET = "collaboration"


@dataclass(frozen=True, slots=True)
class Refusal:
    """An error the spec allows here, and why."""

    code: str
    status: int


FORBIDDEN = Refusal("AccessDeniedException", 403)
CONFLICT = Refusal("ConflictException", 409)
INVALID = Refusal("ValidationException", 400)


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a call must produce: success (``refusals`` empty) or one of ``refusals``; with its evidence."""

    refusals: frozenset[Refusal]
    level: EvidenceLevel
    source: str
    reason: str

    @property
    def succeeds(self) -> bool:
        return not self.refusals


def _ok(level: EvidenceLevel, source: str, reason: str) -> Prediction:
    return Prediction(frozenset(), level, source, reason)


def _no(refusals: set[Refusal], level: EvidenceLevel, source: str, reason: str) -> Prediction:
    return Prediction(frozenset(refusals), level, source, reason)


@dataclass(slots=True)
class Member:
    status: str
    abilities: set[str]
    ml: set[str] | None = None
    payer: frozenset[str] = frozenset()


@dataclass(slots=True)
class Request:
    """A change request as the model knows it; ``name`` is its saved name in a trace (``r0``)."""

    name: str
    status: str
    auto: bool
    approvals: dict[str, str] | None
    types: list[list[str]]
    targets: frozenset[str]
    changes: list[dict[str, Any]]
    also: frozenset[str] = frozenset()
    """Other statuses the spec leaves open for it (before approvals existed: APPROVED when nobody could vote)."""


@dataclass(frozen=True, slots=True)
class ChangeSpec:
    """One generated change: a member spec (``account`` is an actor or ``newcomer``) or a collaboration spec."""

    kind: Literal["MEMBER", "COLLABORATION"]
    account: str = ""
    abilities: tuple[str, ...] = ()
    ml: tuple[str, ...] | None = None
    payer: bool | None = None
    """Whether the spec's paymentConfiguration makes the member responsible for query compute (None: absent)."""
    display_name: bool = True
    auto_types: tuple[str, ...] = ()


@dataclass(slots=True)
class SpecModel:
    """The state of one collaboration, keyed by actor name (``newcomer`` for an account outside the cast)."""

    creator: str
    members: dict[str, Member] = field(default_factory=dict)
    auto_types: list[str] | None = None
    requests: list[Request] = field(default_factory=list)
    at: ModelAt = LATEST_MODEL
    """The release whose API the target implements (``--api-version``)."""

    # -- collaboration and memberships ----------------------------------------------------------------------

    @classmethod
    def created(
        cls,
        creator: str,
        invited: Sequence[str],
        auto_types: Sequence[str],
        abilities: Sequence[str],
        *,
        at: ModelAt = LATEST_MODEL,
        ml: bool = True,
    ) -> SpecModel:
        """§7: the creator's row and one INVITED row per invitee; the creator is INVITED until it joins.

        ``ml``: whether the rows were given (empty) ML ability lists; before 2026-06-30 an empty list was refused,
        so none is sent and none comes back.
        """
        model = cls(creator, auto_types=list(auto_types), at=at)
        model.members[creator] = Member("INVITED", set(abilities), set() if ml else None, frozenset({"queryCompute"}))
        for actor in invited:
            model.members[actor] = Member("INVITED", set(), set() if ml else None, frozenset())
        return model

    def invited(self) -> list[str]:
        """Actors of the cast that are INVITED (the ones a join changes)."""
        return [actor for actor, row in self.members.items() if row.status == "INVITED"]

    def join(self, actor: str) -> Prediction:
        """CreateMembership: INVITED → ACTIVE (UG-JOIN); ACTIVE again → 409; no standing → 403 (§7, A16)."""
        row = self.members.get(actor)
        if row is None or row.status not in STANDING:
            return _no({FORBIDDEN}, EvidenceLevel.INFERRED, "A16", f"{actor} has no standing in the collaboration")
        if row.status == "ACTIVE":
            return _no({CONFLICT}, EvidenceLevel.INFERRED, "A7", f"{actor} is already ACTIVE")
        row.status = "ACTIVE"
        return _ok(EvidenceLevel.DOCUMENTED, "UG-JOIN", f"{actor} joins and becomes ACTIVE")

    # -- change requests ------------------------------------------------------------------------------------

    def create(self, caller: str, changes: Sequence[ChangeSpec], name: str) -> tuple[Prediction, Request | None]:
        """CreateCollaborationChangeRequest: the refusals that apply, or the new request (applied if auto)."""
        refusals: set[Refusal] = set()
        reasons: list[str] = []
        row = self.members.get(caller)
        if caller != self.creator:
            refusals.add(FORBIDDEN)
            reasons.append("only the creator submits change requests (§1.1, A7)")
            if row is None or row.status not in STANDING:
                reasons.append("the caller has no standing (A16)")
        derived: list[list[str]] = []
        targets: list[str] = []
        for change in changes:
            problem, types, target = self._derive(change)
            if problem is not None:
                refusals.add(problem[0])
                reasons.append(problem[1])
                continue
            if target in targets:
                refusals.add(INVALID)
                reasons.append(f"two changes target {target} (A10)")
            derived.append(types)
            targets.append(target)
        busy = [t for t in targets if any(t in r.targets for r in self.requests if r.status in OPEN)]
        if busy:
            # The spec orders none of these checks, so with another refusal either answer is acceptable.
            refusals.add(CONFLICT)
            reasons.append(f"an open request already changes {', '.join(busy)} (A10)")
        if refusals:
            return _no(refusals, EvidenceLevel.INFERRED, "A7, A10, A11, A12", "; ".join(reasons)), None
        request = Request(name, "PENDING", False, None, derived, frozenset(targets), [_spec_json(c) for c in changes])
        self.requests.append(request)
        all_types = {t for types in derived for t in types}
        if all_types <= set(self.auto_types or ()):
            # A4: fully auto-approved → applied at once and COMMITTED; partly → normal voting.
            request.auto, request.status = True, "COMMITTED"
            self._apply(changes)
            return _ok(EvidenceLevel.INFERRED, "A4", "every change type is auto-approved: COMMITTED at once"), request
        voters = [a for a, m in self.members.items() if a != self.creator and m.status == "ACTIVE"]
        if not self.at.has_member("CollaborationChangeRequest", "approvals"):
            # Before 2025-12-18 nothing can approve a request; nobody to vote may read as approved (A2).
            request.also = frozenset() if voters else frozenset({"APPROVED"})
            return _ok(
                EvidenceLevel.INFERRED, "MODEL history", "no approvals at this release: the request stays open"
            ), request
        if voters:
            request.approvals = dict.fromkeys(voters, "PENDING")
            return _ok(
                EvidenceLevel.INFERRED, "A1", "PENDING, one PENDING approval per ACTIVE member but the creator"
            ), request
        request.status = "APPROVED"
        return _ok(EvidenceLevel.INFERRED, "A2", "nobody can vote: APPROVED at once, without approvals"), request

    def _derive(self, change: ChangeSpec) -> tuple[tuple[Refusal, str] | None, list[str], str]:
        if change.kind == "COLLABORATION":
            return None, ["EDIT_AUTO_APPROVED_CHANGE_TYPES"], COLLABORATION_TARGET  # A17
        account = change.account
        if set(change.abilities) & set(REFUSED_ABILITIES):
            return (INVALID, f"{', '.join(REFUSED_ABILITIES)} are refused in member specs (A12)"), [], account
        if account == self.creator:
            return (INVALID, "the creator cannot be added or changed by a change request (A11)"), [], account
        row = self.members.get(account)
        if row is None:
            if not change.display_name:
                return (INVALID, "a new member needs a displayName (API-MCS)"), [], account
            refused = ", ".join(a for a in change.abilities if not self.at.add_member_allows(a))
            if refused:
                return (INVALID, f"{refused} not allowed for a new member at {self.at.label} (A12)"), [], account
            return None, ["ADD_MEMBER"], account
        types: list[str] = []
        _diff(row.abilities, set(change.abilities), ABILITY_TYPES, types)
        if change.ml is not None:
            _diff(row.ml or set(), set(change.ml), ML_TYPES, types)
        if change.payer is not None:
            after = frozenset({"queryCompute"}) if change.payer else frozenset()
            if after - row.payer:
                types.append("ADD_PAYER_CANDIDATE")
            if row.payer - after:
                types.append("REMOVE_PAYER_CANDIDATE")
        if not types:
            return (INVALID, f"the spec for {account} changes nothing (A11)"), [], account
        known = set(self.at.enum_values("ChangeType", types))
        if not set(types) <= known:
            missing = ", ".join(t for t in types if t not in known)
            return (INVALID, f"no change type {missing} at {self.at.label}"), [], account
        return None, types, account

    def act(self, caller: str, request: Request, action: str) -> Prediction:
        """UpdateCollaborationChangeRequest (§1.3, §1.6, A3, A5, A7, A9, A18)."""
        row = self.members.get(caller)
        standing = row is not None and row.status in STANDING
        if action in ("APPROVE", "DENY"):
            approvals = request.approvals or {}
            if caller in approvals:
                if request.status != "PENDING" or approvals[caller] != "PENDING":
                    return _no(
                        {CONFLICT}, EvidenceLevel.INFERRED, "A5, A7", "no vote on a settled request, no second vote"
                    )
                approvals[caller] = "APPROVED" if action == "APPROVE" else "DENIED"
                if action == "DENY":
                    request.status = "DENIED"
                    return _ok(EvidenceLevel.INFERRED, "A5", "one DENY ends the request: DENIED")
                if all(v == "APPROVED" for v in approvals.values()):
                    request.status = "APPROVED"
                    return _ok(EvidenceLevel.DOCUMENTED, "UG-CR", "every voter approved: APPROVED")
                return _ok(EvidenceLevel.DOCUMENTED, "UG-CR", "a vote recorded; others still PENDING")
            if caller == self.creator or not standing:
                return _no({FORBIDDEN}, EvidenceLevel.INFERRED, "A3, A7", f"{caller} does not vote on this request")
            # An ACTIVE or INVITED member who is not a voter of this request: a wrong actor or a wrong state.
            return _no(
                {FORBIDDEN, CONFLICT}, EvidenceLevel.INFERRED, "A1, A7", f"{caller} is not a voter on this request"
            )
        if caller != self.creator:
            return _no({FORBIDDEN}, EvidenceLevel.INFERRED, "A7", f"only the creator may {action}")
        if action == "CANCEL":
            if request.status not in OPEN:
                return _no({CONFLICT}, EvidenceLevel.INFERRED, "A9", f"CANCEL of a {request.status} request")
            request.status = "CANCELLED"
            return _ok(EvidenceLevel.DOCUMENTED, "API-UCR", "the owner cancels: CANCELLED")
        if request.status != "APPROVED":
            return _no({CONFLICT}, EvidenceLevel.INFERRED, "A7", f"COMMIT of a {request.status} request")
        request.status = "COMMITTED"
        self._apply_json(request.changes)
        return _ok(EvidenceLevel.DOCUMENTED, "API-UCR", "COMMIT after approval: COMMITTED, the change applied")

    # -- effects --------------------------------------------------------------------------------------------

    def _apply(self, changes: Sequence[ChangeSpec]) -> None:
        self._apply_json([_spec_json(c) for c in changes])

    def _apply_json(self, changes: Sequence[Mapping[str, Any]]) -> None:
        """§2: what a committed request does."""
        for change in changes:
            if change["kind"] == "COLLABORATION":
                self.auto_types = list(change["auto_types"])  # A17: replaces
                continue
            account = change["account"]
            row = self.members.get(account)
            if row is None:
                ml = set(change["ml"]) if change["ml"] is not None else None
                payer = frozenset({"queryCompute"}) if change["payer"] else frozenset()
                self.members[account] = Member("INVITED", set(change["abilities"]), ml, payer)  # §2: INVITED
                continue
            row.abilities = set(change["abilities"])
            if change["ml"] is not None:
                row.ml = set(change["ml"])
            if change["payer"] is not None:
                row.payer = frozenset({"queryCompute"}) if change["payer"] else frozenset()


def _diff(held: set[str], wanted: set[str], table: Mapping[str, tuple[str, str]], out: list[str]) -> None:
    for ability, (grant, revoke) in table.items():
        if ability in wanted and ability not in held:
            out.append(grant)
        elif ability in held and ability not in wanted:
            out.append(revoke)


def _spec_json(change: ChangeSpec) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "account": change.account,
        "abilities": list(change.abilities),
        "ml": list(change.ml) if change.ml is not None else None,
        "payer": change.payer,
        "auto_types": list(change.auto_types),
    }
