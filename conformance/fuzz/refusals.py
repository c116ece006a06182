"""Valid inputs a conforming service refuses: the reasons a fuzz plan expects a refusal instead of success.

A valid input (one that satisfies every model constraint) must succeed, unless its plan says why a refusal is
the expected answer: a caller other than the operation's standing one, an id that exists nowhere, or a rule of
the spec beyond the model. These are those reasons, from the spec and the fixture (``fixtures.SETUP``: the
creator and ``member`` have joined, ``member2`` is invited, a PENDING request to add ``outsider`` waits for
``member``'s vote). Anything else refused is the target's ``rejected-valid``.

The reasons that hold for every operation (standing, made-up ids) read the family registry; the rules of the
spec for one operation are in :data:`_RULES`, keyed by operation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from conformance.fuzz.judge import STANDING_CODES, Planned
from conformance.fuzz.refs import Ref
from conformance.fuzz.seeds import CORE_OPERATIONS, ID_REFS, account, seed_for
from conformance.model.families import resource_named_by
from conformance.model.releases import LATEST_MODEL, ModelAt

Add = Callable[[str, frozenset[str]], None]
"""Adds one reason (and the error codes that answer it) to the plan."""
Rule = Callable[[str, Mapping[str, Any], ModelAt, Add], None]
"""A rule of the spec for one operation: ``(actor, params, at, add)``."""

_INVALID = frozenset({"ValidationException"})
_CONFLICT = frozenset({"ConflictException"})
_NOT_FOUND = frozenset({"ResourceNotFoundException"})
#: Fixture accounts that are already in the collaboration (an ability change, not an addition, A11).
_IN_FIXTURE = frozenset({"accounts.creator", "accounts.member", "accounts.member2"})
#: Members of a MEMBER spec for an existing member whose change §2 gives a change type (besides the account).
_CHANGE_TYPED = frozenset({"accountId", "memberAbilities", "mlMemberAbilities", "paymentConfiguration"})
#: Operation → its ``action`` values whose standing caller is not the seed's: the fixture's only voter votes
#: (A1, A3); the creator CANCELs and COMMITs (§7).
_STANDING_BY_ACTION: Mapping[str, Mapping[str, str]] = {
    "UpdateCollaborationChangeRequest": {"APPROVE": "member", "DENY": "member"},
}


def planned_refusal(
    operation_name: str, actor: str, params: Mapping[str, Any], at: ModelAt = LATEST_MODEL
) -> Planned | None:
    """Why a refusal is an expected answer to this valid input, or None when it must succeed."""
    seed = seed_for(operation_name, at)
    if operation_name not in CORE_OPERATIONS:
        # A generic input built from the shape names resources that do not exist (only the collaboration and
        # membership ids are the fixture's), so any declared refusal may be the right answer (A16).
        return Planned(f"{operation_name} is fuzzed from its shape alone: the resources it names may not exist")
    planned: Planned | None = None
    action = params.get("action")
    by_action = _STANDING_BY_ACTION.get(operation_name, {})
    standing = by_action.get(action, seed.actor) if isinstance(action, str) else seed.actor

    def add(reason: str, codes: frozenset[str] = frozenset()) -> None:
        nonlocal planned
        planned = Planned(reason, codes) if planned is None else planned | Planned(reason, codes)

    if actor != standing:
        # §7, A7, A16: another caller may lack standing (403/404), have done it already (409, joining twice) or
        # be refused for who it is (the creator's own account listed as an invitee, 400).
        add(f"{actor} is not the standing caller ({standing}); A7, A16")
    made_up = [name for name in ID_REFS if name in params and not isinstance(params[name], Ref)]
    inner = resource_named_by(made_up[0]) if len(made_up) == 1 else None
    if inner is not None and inner.nested:
        # A16: an unknown resource inside a parent the caller belongs to (a change request in its collaboration)
        # is a 404, nothing else.
        parent = resource_named_by(inner.parent or "")
        where = f"the {parent.kind}" if parent is not None else "its parent"
        add(f"{made_up[0]} names no {inner.kind} of {where} (A16: 404)", _NOT_FOUND)
    elif made_up:
        add(f"{', '.join(made_up)} names nothing that exists (A16: 403 or 404)", STANDING_CODES)
    for rule in _RULES.get(operation_name, ()):
        rule(actor, params, at, add)
    return planned


def _removal(actor: str, params: Mapping[str, Any], at: ModelAt, add: Add) -> None:
    """§7, A16: who DeleteMember may remove."""
    removed = params.get("accountId")
    name = removed.name if isinstance(removed, Ref) else ""
    if name == account(actor).name:
        add("the caller removes itself (§7: the creator leaves only by deleting; 400)", _INVALID)
    elif name not in _IN_FIXTURE:
        add("the account is not a member of the collaboration (A16: 404)", STANDING_CODES)


def _no_clean_rooms_sql(actor: str, params: Mapping[str, Any], at: ModelAt, add: Add) -> None:
    if params.get("analyticsEngine") == "CLEAN_ROOMS_SQL":
        add("CLEAN_ROOMS_SQL is no longer accepted (§3)", _INVALID)


def _commit(actor: str, params: Mapping[str, Any], at: ModelAt, add: Add) -> None:
    if params.get("action") == "COMMIT":
        add("the fixture's request is PENDING, so COMMIT is a wrong state (A7: 409)", _CONFLICT)


def _invitees(actor: str, params: Mapping[str, Any], at: ModelAt, add: Add) -> None:
    """§3, A11: who a new collaboration may invite."""
    members = params.get("members")
    if not isinstance(members, list):
        return
    accounts = [m.get("accountId") for m in members if isinstance(m, Mapping)]
    if account(actor) in accounts:
        add("the caller lists its own account as an invitee (§3, A11: 400)", _INVALID)
    if len({repr(a) for a in accounts}) < len(accounts):
        add("an account is invited twice (400)", _INVALID | _CONFLICT)


def _changes(actor: str, params: Mapping[str, Any], at: ModelAt, add: Add) -> None:
    """The rules of §2 and A10-A12 for a change request's ``changes`` against the fixture."""
    changes = params.get("changes")
    if not isinstance(changes, list):
        return
    targets: list[str] = []
    for index, change in enumerate(changes):
        if not isinstance(change, Mapping):
            continue
        kind = change.get("specificationType")
        specification = change.get("specification")
        held = list(specification) if isinstance(specification, Mapping) else []
        if held != [str(kind).lower()]:
            add(f"changes[{index}]: specificationType {kind} with a {'/'.join(held) or 'no'} specification", _INVALID)
            continue
        if kind == "COLLABORATION":
            targets.append("COLLABORATION")
            edit = specification.get("collaboration") if isinstance(specification, Mapping) else None
            if not isinstance(edit, Mapping) or "autoApprovedChangeTypes" not in edit:
                add(f"changes[{index}]: a COLLABORATION change that changes nothing (A17: 400)", _INVALID)
            continue
        member = specification.get("member") if isinstance(specification, Mapping) else None
        if not isinstance(member, Mapping):
            continue
        who = member.get("accountId")
        targets.append(repr(who))
        name = who.name if isinstance(who, Ref) else ""
        abilities = [a for a in member.get("memberAbilities") or [] if isinstance(a, str)]
        if name == "accounts.creator":
            add(f"changes[{index}]: a member specification for the creator (A11: 400)", _INVALID)
        elif name in _IN_FIXTURE:
            # An ability change for an existing member (§2): one it does not support, or none at all, is refused.
            if not abilities or any(not at.add_member_allows(a) for a in abilities):
                add(
                    f"changes[{index}]: an ability change for an existing member that changes nothing or asks for "
                    "an unsupported ability (A11, A12: 400)",
                    _INVALID,
                )
            if set(member) - _CHANGE_TYPED:
                # §2 derives change types from abilities, ML abilities and the payer; nothing else has one.
                add(f"changes[{index}]: a change no change type stands for (§2, A11: 400)", _INVALID)
        else:
            if name == "accounts.outsider":
                add(f"changes[{index}]: the fixture's pending request already adds the outsider (A10: 409)", _CONFLICT)
            if any(not at.add_member_allows(a) for a in abilities):
                add(f"changes[{index}]: a new member with abilities a change request refuses (A12: 400)", _INVALID)
            if not member.get("displayName"):
                add(f"changes[{index}]: a new member without a displayName (A11: 400)", _INVALID)
    if len(set(targets)) < len(targets):
        add("two changes target the same member or the collaboration (A10: 400)", _INVALID)


#: The spec's rules for one operation, in the order their reasons are written.
_RULES: Mapping[str, tuple[Rule, ...]] = {
    "CreateCollaboration": (_no_clean_rooms_sql, _invitees),
    "UpdateCollaboration": (_no_clean_rooms_sql,),
    "DeleteMember": (_removal,),
    "CreateCollaborationChangeRequest": (_changes,),
    "UpdateCollaborationChangeRequest": (_commit,),
}
