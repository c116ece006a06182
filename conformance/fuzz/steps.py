r"""Fuzz plans as scenario steps: the one conversion from what the fuzzer builds to what the step engine runs.

The fuzzer builds its calls as :class:`~conformance.fuzz.plan.PlanStep` values whose data holds symbols: a
:class:`~conformance.fuzz.refs.Ref` (a fixture's resource), a :class:`~conformance.fuzz.plan.StepRef` (an earlier
step's answer) and a :class:`~conformance.fuzz.plan.Tag` (a matcher). :func:`to_step` turns one into the
:class:`~conformance.scenario.format.Step` a scenario file would load as:

* a reference becomes a template (``{{ collab }}``, ``{{ accounts.member }}``, ``{{ steps[3].collaboration.id }}``);
  a constant (:data:`~conformance.fuzz.fixtures.CONSTANTS`) is written as its value;
* a tag becomes the scenario matcher of that name (``Tag("unordered", [...])`` is ``!unordered [...]``);
* a generated string holding template markup (``{{``, ``{%``, ``{#``) becomes a template expression whose string
  literal spells every unusual character as a ``\U`` escape, so it renders back to exactly the generated text;
* a raw body becomes JSON text (braces and hashes inside strings as ``\u`` escapes: the same JSON value, and no
  template markup).

:mod:`conformance.fuzz.execute` runs these steps through :class:`~conformance.scenario.runner.StepRunner` with a
context holding the fixture's bindings (:func:`context_of`); :mod:`conformance.fuzz.reproducer` writes the same
steps as YAML.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conformance.fuzz.fixtures import CONSTANTS
from conformance.fuzz.plan import ABSENT, ANY, NO_BODY, PlanStep, RawText, StepRef, Tag
from conformance.fuzz.refs import Ref
from conformance.model.vocabulary import Evidence, EvidenceLevel
from conformance.scenario.format import Step
from conformance.scenario.matcher_tags import MATCHERS
from conformance.scenario.matchers import match
from conformance.scenario.templating import TemplateError, has_template, is_template, render

__all__ = [
    "ABSENT",
    "ANY",
    "READ_EVIDENCE",
    "Context",
    "Tag",
    "context_of",
    "jinja_string",
    "literal",
    "mismatches",
    "raw_body_text",
    "scenario_value",
    "to_step",
]

READ_EVIDENCE = Evidence(EvidenceLevel.INFERRED, "MODEL")
"""The evidence of a read-back that names none: what the same member names in input and output mean."""
_MARKUP = re.compile(r"\{[{%#]")
_PLAIN = frozenset(string.ascii_letters + string.digits + " -_.,:/@+=")


def to_step(step: PlanStep, index: int, *, evidence: Evidence = READ_EVIDENCE) -> Step:
    """``step`` as the scenario step at position ``index`` (``evidence`` when the plan step names none)."""
    return Step(
        index=index,
        line=0,
        actor=step.actor,
        operation=step.operation,
        params=scenario_value(dict(step.params)),
        evidence=step.evidence or evidence,
        name=step.name,
        raw_body=raw_body_text(step.raw_body),
        expect=scenario_value(step.expect),
        expect_error=scenario_value(step.expect_error),
        save=dict(step.save),
    )


def scenario_value(value: Any) -> Any:
    """``value`` in the scenario language: references as templates, tags as matchers, markup neutralised."""
    if isinstance(value, Ref):
        return CONSTANTS.get(value.name, "{{ " + value.name + " }}")
    if isinstance(value, StepRef):
        return "{{ " + step_path(value) + " }}"
    if isinstance(value, Tag):
        argument = None if value.argument is None else scenario_value(value.argument)
        return MATCHERS[value.name](argument, templated=has_template(argument))
    if isinstance(value, Mapping):
        return {scenario_value(k): scenario_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scenario_value(v) for v in value]
    if isinstance(value, str):
        return literal(value)
    return value


def step_path(ref: StepRef) -> str:
    """``steps[3].collaboration.id`` for ``StepRef(3, "collaboration.id")`` (numeric keys as indices)."""
    text = f"steps[{ref.step}]"
    for key in filter(None, ref.path.split(".")):
        text += f"[{key}]" if key.isdigit() else f".{key}"
    return text


def literal(text: str) -> str:
    """``text`` as a scenario value that renders back to exactly ``text`` (template markup neutralised)."""
    if not is_template(text):
        return text
    return "{{ " + jinja_string(text) + " }}"


def jinja_string(text: str) -> str:
    r"""A jinja string literal of ``text``; every character outside a small safe set is a ``\U`` escape."""
    return '"' + "".join(c if c in _PLAIN else f"\\U{ord(c):08x}" for c in text) + '"'


def raw_body_text(value: Any) -> str | None:
    r"""The body of a step as the text a scenario's ``raw_body`` holds; None for :data:`NO_BODY`."""
    if value is NO_BODY:
        return None
    if isinstance(value, RawText):
        # Text that is not JSON: only its template markup needs neutralising (as a template of itself).
        return _MARKUP.sub(lambda m: "{{ '" + m.group(0) + "' }}", value.text)
    return _json_text(value)


def _json_text(value: Any) -> str:
    if isinstance(value, Ref):
        return json.dumps(scenario_value(value))
    if isinstance(value, Mapping):
        items = (f"{_json_string(str(k))}: {_json_text(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    if isinstance(value, str):
        return _json_string(value)
    return json.dumps(value)


def _json_string(text: str) -> str:
    # A brace or hash inside a string could start template markup; as a \u escape it is the same JSON value.
    encoded = json.dumps(text, ensure_ascii=False)
    return encoded.replace("{", "\\u007b").replace("}", "\\u007d").replace("#", "\\u0023").replace("%", "\\u0025")


def context_of(bindings: Mapping[str, str], steps: Sequence[Any] = ()) -> dict[str, Any]:
    """The template context of a fixture's ``bindings`` (``accounts.member`` becomes ``accounts['member']``)."""
    accounts = {name.removeprefix("accounts."): v for name, v in bindings.items() if name.startswith("accounts.")}
    saved = {name: value for name, value in bindings.items() if not name.startswith("accounts.")}
    return {**saved, "run_id": "", "scenario_id": "fuzz", "accounts": accounts, "steps": list(steps)}


@dataclass(frozen=True, slots=True)
class Context:
    """What references in an expectation checked outside a step (:func:`mismatches`) resolve to."""

    steps: Sequence[Any]
    """Responses of the steps so far, by position (JSON values)."""
    bindings: Mapping[str, str]


def mismatches(expected: Any, actual: Any, context: Context) -> list[str]:
    """Every way ``actual`` fails ``expected`` (empty when it matches), by the scenario matchers."""
    try:
        wanted = render(scenario_value(expected), context_of(context.bindings, context.steps))
    except TemplateError as exc:
        return [f"the expectation cannot be rendered: {exc}"]
    return [str(mismatch) for mismatch in match(wanted, actual)]
