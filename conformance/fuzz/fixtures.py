"""The fuzz fixture: a small world of real resources that generated inputs refer to, and a pool of them.

One fixture is a collaboration made by the creator that invites ``member`` and ``member2``; the creator and the
member join, ``member2`` stays invited; and a pending change request asks to add the outsider (so the member is
its only voter, A1). Its setup is plain data (:data:`SETUP`), so a reproducer replays it step by step.

Fixtures are expensive next to a single call (four calls), so the :class:`FixturePool` hands the same *clean*
fixture to every call that cannot change it (reads, and refusals that the witness reads showed changed
nothing) and builds a fresh one only after a call that may have changed it. A setup step the target refuses
leaves its names unbound; variants that need them are skipped (moto has no change requests, for example).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.fuzz.refs import Ref, UnboundRef, resolve
from conformance.fuzz.seeds import COLLAB, account
from conformance.model import families
from conformance.model.exchange import CallResult
from conformance.model.families import Resource

Caller = Callable[[str, str, Mapping[str, Any]], CallResult]
"""``(actor, operation, params) -> CallResult``: how the pool makes its calls (``RunningTarget.call``)."""

#: Bound to fixed values rather than to a setup step's answer (written literally into reproducers).
CONSTANTS: Mapping[str, str] = {"new_account": "999999999999"}


@dataclass(frozen=True, slots=True)
class SetupStep:
    """One call that builds part of the fixture; ``save`` binds names to dotted paths of its answer."""

    name: str
    actor: str
    operation: str
    params: Mapping[str, Any]
    save: Mapping[str, str]


def _make(name: str, actor: str, resource: Resource, params: Mapping[str, Any], *, bind: str = "") -> SetupStep:
    """A step that creates ``resource`` and binds its id to the resource's reference name (or to ``bind``)."""
    if resource.create is None:
        raise ValueError(f"a {resource.kind} is not made by an operation of its own")
    return SetupStep(name, actor, resource.create, params, {bind or resource.ref: f"{resource.key}.id"})


#: The fixture's root: deleting it deletes everything the setup made in it.
_ROOT = families.COLLABORATION

SETUP: tuple[SetupStep, ...] = (
    _make(
        "a collaboration that invites member and member2",
        "creator",
        families.COLLABORATION,
        {
            "name": "fuzz-fixture",
            "description": "made by the fuzzer",
            "members": [
                {"accountId": account("member"), "memberAbilities": [], "displayName": "member"},
                {"accountId": account("member2"), "memberAbilities": [], "displayName": "member2"},
            ],
            "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
            "creatorDisplayName": "creator",
            "queryLogStatus": "DISABLED",
        },
    ),
    _make(
        "the creator joins",
        "creator",
        families.MEMBERSHIP,
        {"collaborationIdentifier": COLLAB, "queryLogStatus": "DISABLED"},
    ),
    _make(
        "the member joins",
        "member",
        families.MEMBERSHIP,
        {"collaborationIdentifier": COLLAB, "queryLogStatus": "DISABLED"},
        bind="member_membership",
    ),
    _make(
        "a pending request to add the outsider",
        "creator",
        families.CHANGE_REQUEST,
        {
            "collaborationIdentifier": COLLAB,
            "changes": [
                {
                    "specificationType": "MEMBER",
                    "specification": {
                        "member": {"accountId": account("outsider"), "memberAbilities": [], "displayName": "outsider"}
                    },
                }
            ],
        },
    ),
)


@dataclass(slots=True)
class Fixture:
    """One built fixture: the names it could bind and the setup steps that succeeded (for reproducers)."""

    serial: int
    bindings: dict[str, str]
    steps: tuple[SetupStep, ...]
    failures: tuple[str, ...] = ()
    """One line per setup step the target refused."""

    def has(self, ref: Ref) -> bool:
        return ref.name in self.bindings


@dataclass(slots=True)
class FixturePool:
    """Builds fixtures on one target and lends out the clean one."""

    call: Caller
    accounts: Mapping[str, str]
    built: int = 0
    _clean: Fixture | None = field(default=None, repr=False)

    def acquire(self, *, fresh: bool = False) -> Fixture:
        """The shared clean fixture, or a new one when ``fresh`` (the caller will change it)."""
        if fresh:
            return self._build()
        if self._clean is None:
            self._clean = self._build()
        return self._clean

    def release(self, fixture: Fixture, *, clean: bool) -> None:
        """Give a fixture back; an unclean one is never lent again and its collaboration is deleted.

        Deleting keeps the creator's collaboration list short, so witness reads that page through it stay
        cheap (and a real-AWS run leaves less behind); a target that refuses the delete just keeps it.
        """
        if clean and (self._clean is None or self._clean is fixture):
            self._clean = fixture
            return
        # Unclean, or a second clean one (a fresh fixture a refused call left as it was): one is enough to lend.
        if self._clean is fixture:
            self._clean = None
        self._delete(fixture)

    def close(self) -> None:
        """Delete the clean fixture too: the end of the campaign."""
        if self._clean is not None:
            fixture, self._clean = self._clean, None
            self._delete(fixture)

    def _delete(self, fixture: Fixture) -> None:
        root = fixture.bindings.get(_ROOT.ref)
        if root is not None and _ROOT.delete is not None:
            self.call("creator", _ROOT.delete, _ROOT.address(root))

    def base_bindings(self) -> dict[str, str]:
        return {**{f"accounts.{actor}": number for actor, number in self.accounts.items()}, **CONSTANTS}

    def _build(self) -> Fixture:
        self.built += 1
        bindings = self.base_bindings()
        done: list[SetupStep] = []
        failures: list[str] = []
        for step in SETUP:
            try:
                params = resolve(step.params, bindings)
            except UnboundRef as exc:
                failures.append(f"{step.name}: skipped, {exc}")
                continue
            result = self.call(step.actor, step.operation, params)
            if not result.ok or result.parsed is None:
                failures.append(f"{step.name}: {step.operation} answered {result.status} {result.error_code or ''}")
                continue
            saved = {name: _dig(result.parsed, where) for name, where in step.save.items()}
            if any(not isinstance(value, str) for value in saved.values()):
                failures.append(f"{step.name}: the answer has no {', '.join(step.save.values())}")
                continue
            bindings.update({name: str(value) for name, value in saved.items()})
            done.append(step)
        return Fixture(self.built, bindings, tuple(done), tuple(failures))


def _dig(value: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
