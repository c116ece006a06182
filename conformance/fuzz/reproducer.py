r"""Writes a fuzz failure as a stand-alone scenario file, and its request as a curl command.

Each plan step is written as the scenario step the step engine ran (:func:`conformance.fuzz.steps.to_step`):
references are templates (``{{ collab }}``, ``{{ accounts.member }}``, ``{{ steps[3].x }}``), matchers are tags
(``!unordered [...]``), and generated strings that happen to contain template markup (``{{``, ``{%``, ``{#``) are
template expressions whose string literal spells every unusual character as a ``\U`` escape, so they are sent
exactly as generated.

Everything written goes through the suite's one redaction (:mod:`conformance.model.redaction`, the rules
``report/redact.py`` applies to every other output): a target's answer quoted in a description, or a generated
value shaped like an access key id, comes out as ``<redacted>``. And because a reproducer is loaded as a
scenario, whose title, description and step names may cite only keys ``docs/behaviour.md`` defines, a piece of
server text that looks like a citation (a stray "A99", "§42" or an ambiguity key in a model-level file) is
quoted so that it cites nothing, and the file still loads.

The curl command carries no signature headers; ``--aws-sigv4`` makes curl sign the request itself with the
credentials in ``$AWS_ACCESS_KEY_ID``/``$AWS_SECRET_ACCESS_KEY`` (any value for an emulator that does not check
signatures; the access key id names the caller on emulators, e.g. 111111111111).
"""

from __future__ import annotations

import io
import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.representer import RoundTripRepresenter

from conformance.fuzz.fixtures import CONSTANTS
from conformance.fuzz.plan import NO_BODY, Plan, PlanStep, RawText, Tag
from conformance.fuzz.refs import refs_in
from conformance.fuzz.steps import to_step
from conformance.model.behaviour import is_ambiguity_key, reference
from conformance.model.exchange import Exchange
from conformance.model.redaction import REDACTED, is_secret_key, redact_text
from conformance.model.service import SIGNING_NAME, botocore_version
from conformance.model.vocabulary import Evidence
from conformance.scenario.format import Step
from conformance.scenario.matchers import Matcher

#: The SDK release whose model every reproducer is generated from (the newest release date of spec §8
#: that botocore 1.44.5 contains); ``--api-version`` older than this deselects reproducers, as it should.
SINCE = "2026-08-11"
#: Request headers that are part of a signature or SDK bookkeeping, never written into a curl command.
DROPPED_HEADERS = frozenset(
    {
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "content-length",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
        "user-agent",
    }
)
_ID = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Written:
    """The files written for one failure."""

    scenario: Path
    curl: Path | None


@dataclass(frozen=True, slots=True)
class _Tagged:
    tag: str
    value: Any


def write(plan: Plan, directory: Path, stem: str, *, exchange: Exchange | None, region: str) -> Written:
    """Write ``<stem>.yaml`` (and ``<stem>.curl.sh`` when a request was sent) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = scenario_id(redact_text(stem))
    plan = redacted(plan)
    path = directory / f"{stem}.yaml"
    path.write_text(render(plan, stem), encoding="utf-8")
    curl_path: Path | None = None
    if exchange is not None and exchange.method:
        curl_path = directory / f"{stem}.curl.sh"
        curl_path.write_text(f"#!/bin/sh\n# {plan.title}\n{curl_command(exchange, region)}\n", encoding="utf-8")
    return Written(path, curl_path)


def scenario_id(text: str) -> str:
    """``text`` as a valid scenario id (letters, digits, ``.``, ``_``, ``-``; starting with a letter or digit)."""
    cleaned = _ID.sub("-", text).strip("-._") or "fuzz"
    return cleaned[:120]


def redacted(plan: Plan) -> Plan:
    """``plan`` with every secret-looking string (and every value under a secret-named key) redacted."""
    return replace(
        plan,
        title=redact_text(plan.title),
        description=redact_text(plan.description),
        steps=tuple(
            replace(
                step,
                name=redact_text(step.name),
                params=_clean(step.params),
                raw_body=_clean(step.raw_body),
                expect=_clean(step.expect),
                expect_error=_clean(step.expect_error),
            )
            for step in plan.steps
        ),
    )


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, RawText):
        return RawText(redact_text(value.text))
    if isinstance(value, Tag):
        return Tag(value.name, _clean(value.argument))
    if isinstance(value, Mapping):
        return {
            _clean(k): REDACTED if isinstance(k, str) and is_secret_key(k) and v not in (None, "") else _clean(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value  # numbers, booleans, None, references (Ref, StepRef), NO_BODY


def uncited(text: str, *, inferred: frozenset[str] = frozenset(), allow_all: bool = False) -> str:
    """``text`` in which nothing cites a key or section the scenario loader would refuse.

    Refused: a key or section ``docs/behaviour.md`` does not define, and an ambiguity key (A1..) that is not in
    ``inferred`` (the keys an inferred level of this scenario rests on; ``allow_all`` when the file is inferred).
    Each such citation is quoted in backticks (quoted text is a value, not a citation); one that a stray quote
    of the server text keeps exposed is spelled apart instead (``A 99``), which cites nothing either.
    """
    for attempt in range(2):
        bad = [
            c
            for c in reference().citations(text)
            if not c.known or (is_ambiguity_key(c.text) and not allow_all and c.text not in inferred)
        ]
        if not bad:
            return text
        for citation in reversed(bad):
            end = citation.offset + len(citation.text)
            spelled = f"`{citation.text}`" if attempt == 0 else _apart(citation.text)
            text = text[: citation.offset] + spelled + text[end:]
    return text


def _apart(token: str) -> str:
    if token.startswith("§"):
        return "§ " + token[1:]
    if "-" in token:
        return token.replace("-", " - ")
    return token[:1] + " " + token[1:]


def render(plan: Plan, stem: str) -> str:
    """The scenario YAML of ``plan`` with id ``stem``."""
    saved = {name for step in plan.steps for name in step.save}
    inferred_file = plan.evidence.level == "inferred"
    rests_on = frozenset(
        key.strip()
        for step in plan.steps
        if step.evidence is not None and step.evidence.level == "inferred"
        for key in step.evidence.source.split(",")
    )
    document = CommentedMap()
    document["scenario"] = uncited(plan.title, inferred=rests_on, allow_all=inferred_file)
    document["id"] = scenario_id(stem)
    document["description"] = uncited(plan.description or plan.title, inferred=rests_on, allow_all=inferred_file)
    document["since"] = SINCE
    document["tags"] = ["fuzz", "reproducer"]
    document["evidence"] = _evidence(plan.evidence)
    _check_references(plan, saved)
    document["steps"] = [_step(step, to_step(step, index), inferred_file) for index, step in enumerate(plan.steps)]
    document.yaml_set_start_comment(
        f"Generated by cleanrooms-conformance fuzzing (botocore {botocore_version()}).\n"
        "Replay: pytest --scenarios <this folder> --target=<target> -k <id>"
    )
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    return buffer.getvalue()


def _check_references(plan: Plan, saved: set[str]) -> None:
    """Every reference of ``plan`` names an account, a constant or a name a step of it saves."""
    for step in plan.steps:
        body = step.raw_body if step.raw_body is not NO_BODY and not isinstance(step.raw_body, RawText) else None
        for ref in refs_in([step.params, body, step.expect, step.expect_error]):
            if ref.name not in CONSTANTS and not ref.name.startswith("accounts.") and ref.name not in saved:
                raise ValueError(f"reproducer refers to {ref.name!r}, which no step saves")


def _step(planned: PlanStep, step: Step, inferred_file: bool) -> dict[str, Any]:
    inferred = planned.evidence.level == "inferred" if planned.evidence is not None else inferred_file
    out: dict[str, Any] = {"name": uncited(step.name, allow_all=inferred), "as": step.actor, "call": step.operation}
    if step.params:
        out["with"] = _data(step.params)
    if step.raw_body is not None:
        out["raw_body"] = step.raw_body
    if step.expect is not None:
        out["expect"] = _data(step.expect)
    if step.expect_error is not None:
        out["expect_error"] = _data(step.expect_error)
    if step.save:
        out["save"] = dict(step.save)
    if planned.evidence is not None:
        out["evidence"] = _evidence(planned.evidence)
    return out


def _evidence(evidence: Evidence) -> dict[str, str]:
    return {"level": evidence.level.value, "source": evidence.source}


def _data(value: Any) -> Any:
    """A scenario value as YAML data: matchers become tagged nodes."""
    if isinstance(value, Matcher):
        return _Tagged(value.tag, None if value.arg is None else _data(value.arg))
    if isinstance(value, Mapping):
        return {_data(k): _data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_data(v) for v in value]
    return value


def curl_command(exchange: Exchange, region: str) -> str:
    """The request of ``exchange`` as a curl command that signs itself (no signature headers copied)."""
    # Redacted piece by piece before quoting: "<redacted>" must end up inside the shell's quotes.
    parts = ["curl", "--request", exchange.method, redact_text(exchange.url)]
    parts += ["--aws-sigv4", f"aws:amz:{region}:{SIGNING_NAME}"]
    command = shlex.join(parts) + ' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'
    headers = [
        f"{k}: {REDACTED if is_secret_key(k) else v}"
        for k, v in exchange.request_headers.items()
        if k.lower() not in DROPPED_HEADERS
    ]
    for header in headers:
        command += " \\\n  --header " + shlex.quote(redact_text(header))
    if exchange.request_body:
        body = redact_text(exchange.request_body.decode("utf-8", "replace"))
        command += " \\\n  --data-binary " + shlex.quote(body)
    return command


def _yaml() -> YAML:
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 120
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(_Tagged, _represent_tagged)
    return yaml


def _represent_tagged(representer: RoundTripRepresenter, value: _Tagged) -> Any:
    tag = f"!{value.tag}"
    if value.value is None:
        return representer.represent_scalar(tag, "")
    if isinstance(value.value, Mapping):
        return representer.represent_mapping(tag, value.value)
    if isinstance(value.value, list):
        return representer.represent_sequence(tag, value.value)
    if isinstance(value.value, str):
        return representer.represent_scalar(tag, value.value, style="'")
    return representer.represent_scalar(tag, json.dumps(value.value))
