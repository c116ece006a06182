"""Schemathesis against the target: the OpenAPI document of the model, every request SigV4-signed.

The document comes from :mod:`conformance.model.openapi` and is loaded with ``schemathesis.openapi.from_dict``
(``schemathesis.pytest.from_fixture`` breaks on pytest 9.2, so the pytest integration is not used). For each
operation the target implements, Hypothesis draws positive cases (path ids bound to a fixture of this run, so
they reach real resources) and negative cases, and each response goes through the checks below. Requests are
signed by :class:`~conformance.fuzz.sigv4.SigV4RequestsAuth` on a ``requests`` session.

Checks run, and why the others are left out:

* ``not_a_server_error``, ``status_code_conformance``, ``content_type_conformance``,
  ``response_headers_conformance``, ``response_schema_conformance``: the model defines statuses, bodies and
  (through restJson1) the JSON content type.
* ``negative_data_rejection``: an input the schema rejects must get a 4xx.
* :func:`positive_data_not_field_refused` instead of ``positive_data_acceptance``: the service may refuse
  model-valid input for reasons the model cannot express (400 INVALID_CONFIGURATION: an analytics engine no
  longer offered, the creator listed as a member, A11/A12), so only a *field-validation* refusal of valid data
  is a failure.
* Patterns: the document's request schemas read them anchored, its response schemas as Smithy does
  (:mod:`conformance.model.openapi`), so positive cases match whole (a strict server accepts them too) and a
  response value that matches only somewhere conforms. A negative case whose only broken constraints are patterns
  that match somewhere (Smithy's reading accepts the value, SMITHY-C) may be accepted: both answers are
  defensible there (A14, :func:`failure_level`).
* The document is the one of the campaign's release (``--api-version``): operations, members and enum values of
  that model only.
* Left out: ``unsupported_method`` and ``allow_header_conformance`` (AWS front doors answer an unknown method
  with an UnknownOperation error, not 405 with ``Allow``); ``ignored_auth`` (it sends requests without
  credentials; emulators take the caller from the access key and need not check signatures, and IAM is not
  part of the model); ``missing_required_header`` (the model has no required headers); ``use_after_free``,
  ``ensure_resource_availability`` and ``object_level_authorization`` (stateful and multi-user checks: the
  stateful fuzzer and the scenarios cover lifecycles and A16 with the spec's own rules); ``max_response_time``
  (no latency contract).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from types import MappingProxyType
from typing import Any

import requests
import schemathesis
from botocore.model import Shape
from hypothesis import given
from hypothesis import settings as Settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conformance.fuzz import reproducer
from conformance.fuzz.campaign import Campaign
from conformance.fuzz.fixtures import CONSTANTS, Fixture
from conformance.fuzz.judge import Level, Problem
from conformance.fuzz.plan import NO_BODY, Plan, PlanStep, RawText, Tag
from conformance.fuzz.profiles import ShrinkBudgetSpent, ShrinkClock, run_test
from conformance.fuzz.refs import Ref
from conformance.fuzz.results import Finding, Tally, outcome_of
from conformance.fuzz.seeds import ID_REFS, OPAQUE_MEMBERS, account, planned_refusal, seed_for
from conformance.fuzz.sigv4 import SigV4RequestsAuth
from conformance.model.exchange import Exchange, read_json
from conformance.model.openapi import document
from conformance.model.redaction import redact_text
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.shapecheck import check_input
from conformance.model.vocabulary import Evidence, level_of
from conformance.targets import RunningTarget
from conformance.targets.bounded_requests import BoundedSession
from conformance.targets.spec import Timeouts

NAME = "schemathesis"


def positive_data_not_field_refused(ctx: Any, response: Any, case: Any) -> bool | None:
    """Valid data (by the schema) may be refused, but not with a field-validation error."""
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode is None or not mode.is_positive or response.status_code != 400:
        return None
    try:
        body = read_json(response.content or b"{}")
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("reason") == "FIELD_VALIDATION_FAILED":
        fields = {str(f.get("name", "")) for f in body.get("fieldList") or () if isinstance(f, dict)}
        if fields and fields <= OPAQUE_MEMBERS:
            return None  # a made-up pagination token is rightly refused (A15)
        raise AssertionError(
            f"valid data (by the model) was refused with FIELD_VALIDATION_FAILED: {body.get('message', '')}"
        )
    return None


CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_not_field_refused,
)


@dataclass(slots=True)
class _Record:
    ran: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    positive: int = 0
    """Positive cases sent."""
    succeeded: int = 0
    """Positive cases the target took, or refused for a reason only a look at the request gives (see _engaged)."""
    failure: tuple[Any, str, int, GenerationMode, Level, Any] | None = None
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


def _engaged(status: int, body: bytes) -> bool:
    """Whether an answer to valid data shows the target judged the request: a success, or a semantic refusal.

    Random valid data for a change request mostly breaks rules the model cannot express, and the service refuses
    it with 400 INVALID_CONFIGURATION or 409 (§3, A10-A12): a correct answer. A constant 403, 404 or bare 400
    is not one, so a check in which every answer was of that kind is not a PASS.
    """
    if 200 <= status < 300 or status == 409:
        return True
    if status != 400:
        return False
    try:
        document = read_json(body)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("reason") == "INVALID_CONFIGURATION"


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
        findings = (_finding(campaign, name, fixture, actor, *record.failure),)
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
    level: Callable[[Any, BaseException], Level] = lambda case, exc: "model",
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
            record.succeeded += _engaged(int(response.status_code), response.content)
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


def failure_level(
    name: str, case: Any, exc: BaseException, *, mode: GenerationMode, at: ModelAt = LATEST_MODEL
) -> Level:
    """``inferred`` when the only failure is an accepted negative case that breaks nothing but anchored patterns.

    Schemathesis builds negative cases from the anchored request schemas, so a value that matches its pattern
    somewhere (``'   '`` for ``keyPrefix``) is negative data to it, while Smithy's reading accepts it: accepting
    such a case departs only from the suite's best reading (A14), which accepts both answers, so the caller counts
    it as passed. The model checker of the release tells the two apart.
    """
    failures = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    if mode is not GenerationMode.NEGATIVE or not all(isinstance(f, AcceptedNegativeData) for f in failures):
        return "model"
    found = check_input(name, case_params(name, case, at), at=at)
    return "inferred" if found and all(v.evidence == "inferred" for v in found) else "model"


def case_params(name: str, case: Any, at: ModelAt = LATEST_MODEL) -> dict[str, Any]:
    """A schemathesis case as input members by name (path, query and body), as the model checker takes them."""
    by_wire = _members_by_wire(at.operation(name).input_shape)
    params: dict[str, Any] = {}
    for location, values in (("uri", case.path_parameters or {}), ("querystring", case.query or {})):
        for wire, value in values.items():
            params[by_wire.get((location, wire), wire)] = value
    body = case.body if _has_body(case) else None
    if isinstance(body, dict):
        for wire, value in body.items():
            params[by_wire.get((None, wire), wire)] = value
    return params


def _members_by_wire(shape: Shape | None) -> dict[tuple[str | None, str], str]:
    """``(location, wire name)`` → member name (location None for body members)."""
    members = shape.members.items() if shape is not None else ()
    return {(m.serialization.get("location"), m.serialization.get("name", n)): n for n, m in members}


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


def _finding(
    campaign: Campaign,
    name: str,
    fixture: Fixture,
    actor: str,
    case: Any,
    message: str,
    status: int,
    mode: GenerationMode,
    level: Level = "model",
    response: Any = None,
) -> Finding:
    step = _case_step(name, actor, case, mode, fixture, status, campaign.at, level)
    exchange = _exchange(name, response)
    setup = [PlanStep(s.name, s.actor, s.operation, dict(s.params), save=dict(s.save)) for s in fixture.steps]
    first_line = message.strip().splitlines()[0] if message.strip() else "a check failed"
    # schemathesis' own text repeats the request, the response and a curl command, which the record holds
    # already (exchange, reproducer): keep its account of what failed, not a wall of text.
    summary = "\n".join(message.strip().splitlines()[:8])[:1200]
    problem = Problem("schemathesis", summary, level, _SOURCES[level])
    plan = Plan(f"schemathesis {mode.value} {name}: {first_line}", message.strip()[:2000], (*setup, step))
    path = curl = None
    if campaign.reproducers is not None:
        written = reproducer.write(
            plan, campaign.reproducers, f"fuzz-{NAME}-{name}", exchange=None, region=campaign.region
        )
        path = str(written.scenario)
        curl_path = campaign.reproducers / f"fuzz-{NAME}-{name}.curl.sh"
        try:
            command = case.as_curl_command()
        except Exception:  # curl rendering is a convenience; the scenario is the reproducer
            command = ""
        if command:
            curl_path.write_text(
                # schemathesis masks Authorization itself; anything else secret-looking goes through the
                # suite's one redaction point, as in every other output.
                redact_text(
                    f"#!/bin/sh\n# {plan.title}\n# (signature headers removed; add --aws-sigv4)\n{_unsigned(command)}\n"
                ),
                encoding="utf-8",
            )
            curl = str(curl_path)
    return Finding(
        label=f"{mode.value} case",
        problems=(problem,),
        actor=actor,
        params=case_params(name, case, campaign.at),
        exchange=exchange,
        reproducer=path,
        curl=curl,
    )


def _exchange(name: str, response: Any) -> Exchange | None:
    """The raw request and answer of a schemathesis case, as the report shows every finding's."""
    if response is None:
        return None
    request = getattr(response, "request", None)
    body = getattr(request, "body", None) or b""
    return Exchange(
        name,
        str(getattr(request, "method", "") or ""),
        str(getattr(request, "url", "") or ""),
        MappingProxyType({k: str(v) for k, v in (getattr(request, "headers", None) or {}).items()}),
        body.encode("utf-8") if isinstance(body, str) else bytes(body),
        int(response.status_code),
        MappingProxyType({k.lower(): str(v) for k, v in response.headers.items()}),
        bytes(response.content or b""),
    )


_SOURCES: dict[Level, str] = {"model": "MODEL", "documented": "MODEL", "inferred": "SMITHY-C, A14"}


def _case_step(
    name: str,
    actor: str,
    case: Any,
    mode: GenerationMode,
    fixture: Fixture,
    status: int,
    at: ModelAt = LATEST_MODEL,
    level: Level = "model",
) -> PlanStep:
    """The schemathesis case as a scenario step: path and query by member name, the body sent as is."""
    info = at.operation(name)
    by_wire = _members_by_wire(info.input_shape)
    ids = {value: _ref(binding) for binding, value in fixture.bindings.items() if binding not in CONSTANTS}
    params: dict[str, Any] = {}
    for location, values in (("uri", case.path_parameters or {}), ("querystring", case.query or {})):
        for wire, value in values.items():
            member = by_wire.get((location, wire))
            if member is not None:
                params[member] = ids.get(value, value) if isinstance(value, str) else value
    body: Any = case.body if _has_body(case) else NO_BODY
    if isinstance(body, bytes | bytearray):
        body = RawText(bytes(body).decode("utf-8", "replace"))
    expect_error: dict[str, Any] | None
    if mode is GenerationMode.NEGATIVE:
        expect_error = {"code": Tag("one_of", ["ValidationException", "SerializationException"]), "status": 400}
    else:
        declared = [e for e in info.errors if e != "InternalServerException"]
        # Valid data: success, or a declared refusal; the automatic model checks judge either.
        expect_error = {"code": Tag("one_of", declared)} if status >= 300 and declared else None
    return PlanStep(
        "the schemathesis case",
        actor,
        name,
        params,
        raw_body=body,
        expect_error=expect_error,
        evidence=Evidence(level_of(level), _SOURCES[level]),
    )


def _ref(binding: str) -> Ref:
    return Ref(binding, "account" if binding.startswith("accounts.") else "id")


def _has_body(case: Any) -> bool:
    body = getattr(case, "body", None)
    return body is not None and type(body).__name__ != "NotSet"


def _unsigned(command: str) -> str:
    lines = [line for line in command.splitlines() if "Authorization" not in line and "X-Amz-Date" not in line]
    return "\n".join(lines)
