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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import given
from hypothesis import settings as Settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conformance.fuzz import reproducer
from conformance.fuzz.campaign import Campaign
from conformance.fuzz.expect import Tag
from conformance.fuzz.fixtures import CONSTANTS, Fixture
from conformance.fuzz.judge import Problem
from conformance.fuzz.plan import NO_BODY, Evidence, Plan, PlanStep, RawText
from conformance.fuzz.profiles import ShrinkBudgetSpent, ShrinkClock, run_test
from conformance.fuzz.refs import Ref
from conformance.fuzz.results import Finding, Tally, outcome_of
from conformance.fuzz.seeds import ID_REFS, OPAQUE_MEMBERS, account
from conformance.fuzz.sigv4 import SigV4RequestsAuth
from conformance.model.exchange import read_json
from conformance.model.openapi import document
from conformance.model.service import operation
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
    failure: tuple[Any, str, int, GenerationMode] | None = None
    """The last failing case, the failure text, the HTTP status it got and its generation mode."""
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
) -> list[Tally]:
    """One tally per implemented operation (``fuzz:schemathesis:<operation>``), positive and negative cases."""
    schema = schemathesis.openapi.from_dict(document())
    schema.config.update(base_url=endpoint_url)
    session = BoundedSession(Timeouts())  # the default deadline and size cap (the target's own: not passed in yet)
    session.trust_env = False  # a loopback target must not go through an HTTP(S)_PROXY from the environment
    session.auth = SigV4RequestsAuth(signing.credentials, signing.region, extra_headers=signing.extra_headers)
    tallies = []
    for name in campaign.operations():
        tallies.append(
            _run_operation(campaign, schema, session, endpoint_url, name, settings, seed, shrink_seconds, actor)
        )
    return tallies


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
    fixed = _path_ids(name, fixture)
    record = _Record()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        clock = ShrinkClock(shrink_seconds)
        strategy = api_operation.as_strategy(
            generation_mode=mode, path_parameters=fixed if mode is GenerationMode.POSITIVE else None
        )

        check = _case_test(
            strategy, settings, record, clock, mode, session, endpoint_url, _cleanup(campaign, name, actor)
        )
        stopped = run_test(check, seed=seed, clock=clock, failure=AssertionError)
        if stopped:
            record.stopped = True
            record.notes.append(f"{mode.value}: {stopped}")
    campaign.runner.pool.release(fixture, clean=False)
    findings: tuple[Finding, ...] = ()
    if record.failure is not None:
        findings = (_finding(campaign, name, fixture, actor, *record.failure),)
    outcome = outcome_of(1 if findings else 0, record.errors + (1 if record.stopped else 0))
    return Tally(
        NAME,
        name,
        outcome,
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
) -> Any:
    """The Hypothesis test of one operation and generation mode; ``cleanup`` sees every response."""

    @settings
    @given(strategy)
    def check(case: Any) -> None:
        clock.check()
        record.ran += 1
        try:
            response = case.call(base_url=endpoint_url, session=session)
        except requests.RequestException as exc:
            record.errors += 1
            record.notes.append(f"transport: {type(exc).__name__}")
            raise AssertionError(str(exc)) from None
        cleanup(response)
        transport = {"base_url": endpoint_url, "session": session}
        try:
            case.validate_response(response, checks=list(CHECKS), transport_kwargs=transport)
        except (KeyboardInterrupt, SystemExit, ShrinkBudgetSpent):
            raise
        except BaseException as exc:  # schemathesis' FailureGroup (an exception group): a failed check
            record.failed += 1
            clock.failed()
            record.failure = (case, str(exc), int(response.status_code), mode)
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


def _path_ids(name: str, fixture: Fixture) -> dict[str, str]:
    """Path parameters that name the fixture's resources (wire name → id)."""
    shape = operation(name).input_shape
    fixed: dict[str, str] = {}
    if shape is None:
        return fixed
    for member_name, member in shape.members.items():
        if member.serialization.get("location") != "uri":
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
) -> Finding:
    step = _case_step(name, actor, case, mode, fixture, status)
    setup = [PlanStep(s.name, s.actor, s.operation, dict(s.params), save=dict(s.save)) for s in fixture.steps]
    first_line = message.strip().splitlines()[0] if message.strip() else "a check failed"
    problem = Problem("schemathesis", message.strip()[:2000])
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
                f"#!/bin/sh\n# {plan.title}\n# (signature headers removed; add --aws-sigv4)\n{_unsigned(command)}\n",
                encoding="utf-8",
            )
            curl = str(curl_path)
    return Finding(label=f"{mode.value} case", problems=(problem,), actor=actor, reproducer=path, curl=curl)


def _case_step(name: str, actor: str, case: Any, mode: GenerationMode, fixture: Fixture, status: int) -> PlanStep:
    """The schemathesis case as a scenario step: path and query by member name, the body sent as is."""
    shape = operation(name).input_shape
    by_wire = {
        (m.serialization.get("location"), m.serialization.get("name", n)): n
        for n, m in (shape.members.items() if shape is not None else ())
    }
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
        declared = [e for e in operation(name).errors if e != "InternalServerException"]
        # Valid data: success, or a declared refusal; the automatic model checks judge either.
        expect_error = {"code": Tag("one_of", declared)} if status >= 300 and declared else None
    return PlanStep(
        "the schemathesis case",
        actor,
        name,
        params,
        raw_body=body,
        expect_error=expect_error,
        evidence=Evidence("model", "MODEL"),
    )


def _ref(binding: str) -> Ref:
    return Ref(binding, "account" if binding.startswith("accounts.") else "id")


def _has_body(case: Any) -> bool:
    body = getattr(case, "body", None)
    return body is not None and type(body).__name__ != "NotSet"


def _unsigned(command: str) -> str:
    lines = [line for line in command.splitlines() if "Authorization" not in line and "X-Amz-Date" not in line]
    return "\n".join(lines)
