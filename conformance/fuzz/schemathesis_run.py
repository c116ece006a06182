"""Schemathesis against the target: the OpenAPI document of the model, every request SigV4-signed.

The document comes from :mod:`conformance.model.openapi` and is loaded with ``schemathesis.openapi.from_dict``
(``schemathesis.pytest.from_fixture`` breaks on pytest 9.2, so the pytest integration is not used). For each
operation the target implements, Hypothesis draws positive cases (path ids bound to a fixture of this run, so
they reach real resources) and negative cases, and each response goes through the checks. Requests are
signed by :class:`~conformance.fuzz.sigv4.SigV4RequestsAuth` on a ``requests`` session.

The checks and their reasons are in :mod:`conformance.fuzz.schemathesis_checks`; a failed case becomes a finding
in :mod:`conformance.fuzz.schemathesis_findings`. This module wires them: the schema, the signed session, one
Hypothesis test per operation and generation mode, and the tally.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

import requests
import schemathesis
from hypothesis import given
from hypothesis import settings as Settings
from schemathesis import GenerationMode

from conformance.fuzz.campaign import Campaign
from conformance.fuzz.fixtures import Fixture
from conformance.fuzz.profiles import ShrinkBudgetSpent, ShrinkClock, run_test
from conformance.fuzz.refusals import planned_refusal
from conformance.fuzz.results import Finding, Tally, outcome_of
from conformance.fuzz.schemathesis_checks import CHECKS, engaged, failure_level
from conformance.fuzz.schemathesis_findings import NAME, finding
from conformance.fuzz.seeds import ID_REFS, account, seed_for
from conformance.fuzz.sigv4 import SigV4RequestsAuth
from conformance.model.openapi import document
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.vocabulary import EvidenceLevel
from conformance.targets import RunningTarget
from conformance.targets.bounded_requests import BoundedSession
from conformance.targets.spec import Timeouts

__all__ = ["NAME", "Signing", "run_schemathesis"]


@dataclass(slots=True)
class _Record:
    ran: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    positive: int = 0
    """Positive cases sent."""
    succeeded: int = 0
    """Positive cases the target took, or refused for a reason only a look at the request gives (see engaged)."""
    failure: tuple[Any, str, int, GenerationMode, EvidenceLevel, Any] | None = None
    """The last failing case, the failure text, the HTTP status it got, its generation mode and evidence level,
    and the ``requests`` response (so the report shows the request and the answer, like any other finding)."""
    stopped: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Signing:
    """Who the requests are signed as, and any header the target needs (moto's account header)."""

    credentials: Any
    region: str
    extra_headers: Mapping[str, str] = field(default_factory=dict)


def run_schemathesis(
    campaign: Campaign,
    *,
    endpoint_url: str,
    signing: Signing,
    settings: Settings,
    seed: int | None = None,
    shrink_seconds: float = 60.0,
    actor: str = "creator",
    operations: Sequence[str] | None = None,
) -> list[Tally]:
    """One tally per implemented operation (``fuzz:schemathesis:<operation>``), positive and negative cases.

    The document is that of the campaign's release (``campaign.at``); ``operations`` (default: every one the
    campaign fuzzes) lets a caller run one operation at a time.
    """
    schema = _schema(campaign.at, endpoint_url)
    # The target's own deadline and size cap (--call-deadline, --max-response-bytes or its config), as for every
    # other call; the watchdog covers the headers too (targets/watchdog.py).
    session = BoundedSession(_limits(campaign.target))
    session.trust_env = False  # a loopback target must not go through an HTTP(S)_PROXY from the environment
    session.auth = SigV4RequestsAuth(signing.credentials, signing.region, extra_headers=signing.extra_headers)
    tallies = []
    for name in operations if operations is not None else campaign.operations():
        tallies.append(
            _run_operation(campaign, schema, session, endpoint_url, name, settings, seed, shrink_seconds, actor)
        )
    return tallies


@cache
def _schema(at: ModelAt, endpoint_url: str) -> Any:
    """The schemathesis schema of a release's document (0.2 s to build: once per process, not once per item)."""
    schema = schemathesis.openapi.from_dict(document(at))
    schema.config.update(base_url=endpoint_url)
    return schema


def _limits(target: object) -> Timeouts:
    """The limits of a running target; a stand-in with only ``call`` (a test's) gets the defaults."""
    return target.spec.timeouts if isinstance(target, RunningTarget) else Timeouts()


def _run_operation(
    campaign: Campaign,
    schema: Any,
    session: requests.Session,
    endpoint_url: str,
    name: str,
    settings: Settings,
    seed: int | None,
    shrink_seconds: float,
    actor: str,
) -> Tally:
    started = time.perf_counter()
    api_operation = schema.find_operation_by_id(name)
    fixture = campaign.runner.pool.acquire(fresh=True)  # schemathesis may change it at will
    fixed = _path_ids(name, fixture, campaign.at)
    # Ids in the body (CreateMembership's collaborationIdentifier) too: a positive case names the fixture's
    # resources, so a correct target can take it and a refusal of all of them means something.
    in_body = {k: v for k, v in _path_ids(name, fixture, campaign.at, location=None).items() if k != "accountId"}
    record = _Record()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        clock = ShrinkClock(shrink_seconds)
        strategy = api_operation.as_strategy(
            generation_mode=mode, path_parameters=fixed if mode is GenerationMode.POSITIVE else None
        )

        check = _case_test(
            strategy,
            settings,
            record,
            clock,
            mode,
            session,
            endpoint_url,
            _cleanup(campaign, name, actor),
            partial(failure_level, name, mode=mode, at=campaign.at),
            in_body if mode is GenerationMode.POSITIVE else {},
        )
        stopped = run_test(check, seed=seed, clock=clock, failure=AssertionError)
        if stopped:
            record.notes.append(f"{mode.value}: {stopped}")
            # Unsatisfiable: the generator (schemathesis' filters over the release's schemas) ran out of cases,
            # which says nothing of the target: a note. A flaky replay, or anything else, is the run's ERROR.
            record.stopped = record.stopped or "Unsatisfiable" not in stopped
    campaign.runner.pool.release(fixture, clean=False)
    findings: tuple[Finding, ...] = ()
    if record.failure is not None:
        findings = (finding(campaign, name, fixture, actor, *record.failure),)
    # Valid data that never once succeeded shows nothing works (an always-403 server refuses it all, and
    # schemathesis' own checks take any declared refusal): not a PASS, where the plan expects success for this
    # caller (planned_refusal of the operation's baseline: on a core operation, by its standing caller; elsewhere
    # the cases name resources that do not exist, and CreateMembership is the invitee's, not the creator's).
    baseline = seed_for(name, campaign.at)
    expects_success = planned_refusal(name, actor, baseline.required.params, campaign.at) is None
    # No positive case at all (the generator ran out: Unsatisfiable) judges nothing either way.
    succeeded = record.succeeded if expects_success and record.positive else None
    errors = record.errors + (1 if record.stopped else 0)
    outcome = outcome_of(1 if findings else 0, errors, record.ran, succeeded=succeeded)
    return Tally(
        NAME,
        name,
        outcome,
        succeeded=succeeded,
        variants=record.ran,
        passed=record.passed,
        failed=record.failed,
        errors=record.errors,
        findings=findings,
        note="; ".join(dict.fromkeys(record.notes)),
        duration_s=time.perf_counter() - started,
    )


def _case_test(
    strategy: Any,
    settings: Settings,
    record: _Record,
    clock: ShrinkClock,
    mode: GenerationMode,
    session: requests.Session,
    endpoint_url: str,
    cleanup: Callable[[Any], None],
    level: Callable[[Any, BaseException], EvidenceLevel] = lambda case, exc: EvidenceLevel.MODEL,
    pinned: Mapping[str, str] | None = None,
) -> Any:
    """The Hypothesis test of one operation and generation mode; ``cleanup`` sees every response.

    ``level`` tells how firmly a failure of a case shows a departure from the model (see :func:`failure_level`).
    """

    @settings
    @given(strategy)
    def check(case: Any) -> None:
        clock.check()
        record.ran += 1
        if pinned and isinstance(case.body, dict):
            case.body.update({wire: value for wire, value in pinned.items() if wire in case.body})
        try:
            response = case.call(base_url=endpoint_url, session=session)
        except requests.RequestException as exc:
            record.errors += 1
            record.notes.append(f"transport: {type(exc).__name__}")
            raise AssertionError(str(exc)) from None
        cleanup(response)
        if mode is GenerationMode.POSITIVE:
            record.positive += 1
            record.succeeded += engaged(int(response.status_code), response.content)
        transport = {"base_url": endpoint_url, "session": session}
        try:
            case.validate_response(response, checks=list(CHECKS), transport_kwargs=transport)
        except (KeyboardInterrupt, SystemExit, ShrinkBudgetSpent):
            raise
        except BaseException as exc:  # schemathesis' FailureGroup (an exception group): a failed check
            rated = level(case, exc)
            if rated == "inferred":
                # Only an accepted negative case that breaks nothing but anchored patterns rates "inferred": Smithy's
                # own reading takes such a value, so accepting it is one of the two defensible answers (A14).
                record.passed += 1
                return
            record.failed += 1
            clock.failed()
            record.failure = (case, str(exc), int(response.status_code), mode, rated, response)
            raise AssertionError(str(exc)) from None
        record.passed += 1

    return check


def _cleanup(campaign: Campaign, name: str, actor: str) -> Callable[[Any], None]:
    """Deletes a collaboration a CreateCollaboration case made, once answered (other cases change the fixture).

    Without it every run against a long-lived target leaves ~100 collaborations in the creator's list, which the
    other checks' witness reads page through: on one served emulator, fuzz:negative took 2.4, 4.8, 7.8 s in
    three consecutive runs.
    """

    def delete_created(response: Any) -> None:
        if name != "CreateCollaboration" or not 200 <= int(response.status_code) < 300:
            return
        try:
            body = response.json()
        except ValueError:
            return
        created = body.get("collaboration", {}).get("id") if isinstance(body, dict) else None
        if isinstance(created, str):
            campaign.target.call(actor, "DeleteCollaboration", {"collaborationIdentifier": created})

    return delete_created


def _path_ids(
    name: str, fixture: Fixture, at: ModelAt = LATEST_MODEL, *, location: str | None = "uri"
) -> dict[str, str]:
    """Path parameters (or, with ``location=None``, body members) that name the fixture's resources (wire → id)."""
    shape = at.operation(name).input_shape
    fixed: dict[str, str] = {}
    if shape is None:
        return fixed
    for member_name, member in shape.members.items():
        if member.serialization.get("location") != location:
            continue
        wire = member.serialization.get("name", member_name)
        ref = ID_REFS.get(member_name) or (account("member2") if member_name == "accountId" else None)
        if ref is not None and ref.name in fixture.bindings:
            fixed[wire] = fixture.bindings[ref.name]
    return fixed
