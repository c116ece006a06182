r"""Model level means Smithy's reading of patterns: an implementation that reads them unanchored fails no check.

Smithy's ``pattern`` is not anchored (SMITHY-C): ``[\w!.=*/-]*`` (``keyPrefix``) matches somewhere in every string,
so ``'   '`` is a valid key prefix to the model. The suite's best reading is the full match (A14), but where only
that reading refuses a value, both answers are defensible: a refusal (which must still be a proper 400) or the
value taken as sent. These tests run the fuzz checks against a reference emulator changed to read patterns as
Smithy does (its validation drops the violations that only the anchored reading sees) and show that it passes:
the negative strategy and the random-invalid property find nothing, schemathesis rates an accepted negative case
by the model checker, and the values generated as valid satisfy both readings. (The OpenAPI document's two
readings, anchored for requests and Smithy's for responses, are tested in tests/model.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup

from conformance.fuzz.execute import Variant
from conformance.fuzz.judge import judge_invalid
from conformance.fuzz.profiles import budget, hypothesis_settings
from conformance.fuzz.properties import run_property
from conformance.fuzz.refs import placeholders
from conformance.fuzz.schemathesis_checks import failure_level
from conformance.fuzz.seeds import CORE_OPERATIONS
from conformance.fuzz.strategies import invalid_variant, valid_variant
from conformance.fuzz.systematic import generate
from conformance.model.exchange import CallResult, Exchange
from conformance.model.shapecheck import check_input
from conformance.model.violations import Violation, ViolationKind
from conformance.model.vocabulary import EvidenceLevel
from conformance.reference import validation
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign

KEY_PREFIX = "defaultResultConfiguration.outputConfiguration.s3.keyPrefix"
ROLE_ARN = "arn:aws:iam::000000000000:role/conformance-results"
FAST = settings(
    max_examples=40, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
#: Finding one example is enough; shrinking a whole CreateCollaboration input takes minutes.
SEARCH = settings(FAST, max_examples=2000, phases=[Phase.generate])


def _smithy_reading(check: Callable[..., list[Violation]]) -> Callable[..., list[Violation]]:
    def unanchored(operation: str, params: Any, **kwargs: Any) -> list[Violation]:
        found = check(operation, params, **kwargs)
        return [v for v in found if not (v.kind is ViolationKind.PATTERN and v.evidence == "inferred")]

    return unanchored


@pytest.fixture
def smithy_exact(broken: Callable[..., RunningTarget], monkeypatch: pytest.MonkeyPatch) -> RunningTarget:
    """A reference emulator whose input validation reads patterns unanchored, exactly as Smithy specifies."""
    monkeypatch.setattr(validation, "check_input", _smithy_reading(validation.check_input))
    return broken()


def test_the_smithy_exact_emulator_accepts_what_matches_somewhere(smithy_exact: RunningTarget) -> None:
    """The fixture does what it claims: '   ' is taken for keyPrefix, and taking it is no failure."""
    fuzz = campaign(smithy_exact)
    (variant,) = [v for v in generate("negative", "CreateMembership").variants if _is_key_prefix_break(v)]
    outcome = fuzz.runner.run(variant)
    assert outcome.result is not None
    assert outcome.result.ok  # accepted, as Smithy's reading allows
    assert outcome.status == "pass", outcome.problems
    assert check_input("CreateMembership", placeholders(dict(variant.params)))  # the suite's checker sees it


def _is_key_prefix_break(variant: Variant) -> bool:
    broken = variant.broken
    return broken is not None and broken.kind == "bad-pattern" and broken.path == KEY_PREFIX


def test_the_negative_strategy_passes_a_smithy_exact_implementation(smithy_exact: RunningTarget) -> None:
    fuzz = campaign(smithy_exact)
    accepted = []
    for name in ("CreateMembership", "CreateCollaboration"):
        for variant in generate("negative", name).variants:
            outcome = fuzz.runner.run(variant)
            assert outcome.status == "pass", (variant.label, outcome.problems)
            if outcome.result is not None and outcome.result.ok:
                accepted.append(variant)
    assert accepted, "the keyPrefix variant must be accepted by a Smithy-exact implementation"
    assert any(_is_key_prefix_break(v) for v in accepted)
    assert all(v.broken is not None and v.broken.level == "inferred" for v in accepted)
    assert fuzz.systematic("negative", ["CreateMembership"])[0].outcome == "PASS"


def test_random_invalid_rates_an_anchored_only_break_inferred_and_takes_both_answers(
    smithy_exact: RunningTarget,
) -> None:
    """A blank description matches '(?!\\s+$)...' at its end (Smithy's reading): breaking it is inferred only."""
    variant = find(invalid_variant("CreateCollaboration"), _anchored_only, settings=SEARCH)
    assert variant.broken is not None
    assert (variant.broken.kind, variant.broken.path) == ("bad-pattern", "description")
    quick = hypothesis_settings(budget("quick"), examples=40)
    for name in ("CreateCollaboration", "CreateMembership"):
        tally = run_property(campaign(smithy_exact), "random-invalid", name, quick, 7, shrink_seconds=2)
        assert not tally.findings, tally.findings


def _anchored_only(variant: Variant) -> bool:
    return variant.broken is not None and variant.broken.level == "inferred"


def _answer(status: int, body: dict[str, Any], code: str | None = None) -> CallResult:
    headers = MappingProxyType({"content-type": "application/json", **({"x-amzn-errortype": code} if code else {})})
    raw = json.dumps(body).encode()
    exchange = Exchange("CreateMembership", "POST", "http://x/memberships", {}, b"", status, headers, raw)
    return CallResult("CreateMembership", parsed=None if code else body, error_code=code, exchange=exchange)


def test_the_judge_rates_the_answer_to_an_anchored_only_break_at_its_level() -> None:
    def levels(answer: CallResult, level: EvidenceLevel) -> list[tuple[str, str]]:
        planted = {"kind": "bad-pattern", "path": KEY_PREFIX, "member": "keyPrefix"}
        found = judge_invalid("CreateMembership", answer, **planted, level=level)
        return [(p.kind, p.level) for p in found if p.kind != "shape"]

    accepted = _answer(200, {})
    assert levels(accepted, EvidenceLevel.INFERRED) == []  # Smithy's reading takes it: a defensible answer (A14)
    assert levels(accepted, EvidenceLevel.MODEL) == [("accepted-invalid", EvidenceLevel.MODEL)]
    conflict = _answer(409, {"message": "m"}, "ConflictException")
    assert levels(conflict, EvidenceLevel.INFERRED) == [("wrong-refusal", EvidenceLevel.INFERRED)]
    # A server fault is one whichever reading made the input invalid.
    fault = _answer(500, {"message": "m"}, "InternalServerException")
    assert levels(fault, EvidenceLevel.INFERRED) == [("wrong-refusal", EvidenceLevel.MODEL)]


@pytest.mark.parametrize("name", CORE_OPERATIONS)
def test_valid_values_satisfy_both_readings(name: str) -> None:
    """What the generators call valid has no pattern violation at all, not even an inferred one."""
    for strategy in ("boundary", "enum", "optionals", "echo", "actors"):
        for variant in generate(strategy, name).variants:
            assert check_input(name, placeholders(dict(variant.params))) == [], variant.label

    @FAST
    @given(valid_variant(name))
    def check(variant: Variant) -> None:
        assert check_input(name, placeholders(dict(variant.params))) == []

    check()


@dataclass
class _Case:
    """The parts of a schemathesis case that :func:`failure_level` reads."""

    path_parameters: dict[str, Any]
    query: dict[str, Any]
    body: Any


def _accepted() -> FailureGroup:
    failure = AcceptedNegativeData(operation="CreateMembership", message="", status_code=200, expected_statuses=[])
    return FailureGroup([failure])


def test_schemathesis_rates_an_accepted_negative_case_by_the_model_checker() -> None:
    s3 = {"resultFormat": "CSV", "bucket": "fuzz-results", "keyPrefix": "   "}
    body = {
        "queryLogStatus": "DISABLED",
        "defaultResultConfiguration": {"outputConfiguration": {"s3": s3}, "roleArn": ROLE_ARN},
    }
    path = {"collaborationIdentifier": "00000000-0000-4000-8000-000000000000"}
    anchored_only = _Case(path, {}, body)
    assert failure_level("CreateMembership", anchored_only, _accepted(), mode=GenerationMode.NEGATIVE) == "inferred"
    no_reading = _Case(path, {}, {**body, "queryLogStatus": "SOMETIMES"})
    assert failure_level("CreateMembership", no_reading, _accepted(), mode=GenerationMode.NEGATIVE) == "model"
    # A positive case, or another failure than accepting negative data, is a model finding whatever the input.
    assert failure_level("CreateMembership", anchored_only, _accepted(), mode=GenerationMode.POSITIVE) == "model"
    other = FailureGroup([AssertionError("a server error")])  # type: ignore[list-item]
    assert failure_level("CreateMembership", anchored_only, other, mode=GenerationMode.NEGATIVE) == "model"
