"""A failed schemathesis case as a finding: its problem, its raw exchange and its reproducer.

The case becomes a scenario step (path and query by member name, the body as sent) after the fixture's setup
steps, written by :mod:`conformance.fuzz.reproducer`, with schemathesis' curl command beside it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from schemathesis import GenerationMode

from conformance.fuzz import reproducer
from conformance.fuzz.campaign import Campaign
from conformance.fuzz.fixtures import CONSTANTS, Fixture
from conformance.fuzz.judge import Problem
from conformance.fuzz.plan import NO_BODY, Evidence, Plan, PlanStep, RawText, Tag
from conformance.fuzz.refs import Ref
from conformance.fuzz.results import Finding
from conformance.fuzz.schemathesis_checks import case_params, has_body, members_by_wire
from conformance.model.exchange import Exchange
from conformance.model.redaction import redact_text
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.vocabulary import EvidenceLevel

NAME = "schemathesis"


def finding(
    campaign: Campaign,
    name: str,
    fixture: Fixture,
    actor: str,
    case: Any,
    message: str,
    status: int,
    mode: GenerationMode,
    level: EvidenceLevel = EvidenceLevel.MODEL,
    response: Any = None,
) -> Finding:
    """The finding of a failed case, with its reproducer (and curl command) written when a folder is set."""
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


_SOURCES: dict[EvidenceLevel, str] = {
    EvidenceLevel.MODEL: "MODEL",
    EvidenceLevel.DOCUMENTED: "MODEL",
    EvidenceLevel.INFERRED: "SMITHY-C, A14",
}


def _case_step(
    name: str,
    actor: str,
    case: Any,
    mode: GenerationMode,
    fixture: Fixture,
    status: int,
    at: ModelAt = LATEST_MODEL,
    level: EvidenceLevel = EvidenceLevel.MODEL,
) -> PlanStep:
    """The schemathesis case as a scenario step: path and query by member name, the body sent as is."""
    info = at.operation(name)
    by_wire = members_by_wire(info.input_shape)
    ids = {value: _ref(binding) for binding, value in fixture.bindings.items() if binding not in CONSTANTS}
    params: dict[str, Any] = {}
    for location, values in (("uri", case.path_parameters or {}), ("querystring", case.query or {})):
        for wire, value in values.items():
            member = by_wire.get((location, wire))
            if member is not None:
                params[member] = ids.get(value, value) if isinstance(value, str) else value
    body: Any = case.body if has_body(case) else NO_BODY
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
        evidence=Evidence(level, _SOURCES[level]),
    )


def _ref(binding: str) -> Ref:
    return Ref(binding, "account" if binding.startswith("accounts.") else "id")


def _unsigned(command: str) -> str:
    lines = [line for line in command.splitlines() if "Authorization" not in line and "X-Amz-Date" not in line]
    return "\n".join(lines)
