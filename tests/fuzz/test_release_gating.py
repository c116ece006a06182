"""``--api-version``: the fuzz layer generates from the model as it was at the selected release.

Every input a generator produces for 2025-09-03 is walked against the *installed* model and the release table's
own questions (:class:`~conformance.model.releases.ModelAt`), independently of the dated botocore model the
generators use: no operation, structure member or enum value that came later may appear, and what that release
required must be sent. The checks are then run against an emulator whose input validation is that of 2025-09-03
(a stand-in for an implementation of that API): the release's inputs pass, the latest model's do not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pytest
from botocore.credentials import Credentials
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings

from conformance.fuzz.campaign import Campaign
from conformance.fuzz.catalogue import STRATEGIES
from conformance.fuzz.execute import Variant
from conformance.fuzz.machine import UPDATE, run_machine
from conformance.fuzz.profiles import budget, hypothesis_settings
from conformance.fuzz.refs import Ref, placeholders
from conformance.fuzz.schemathesis_run import Signing, run_schemathesis
from conformance.fuzz.seeds import CORE_OPERATIONS, seed_for
from conformance.fuzz.strategies import invalid_variant, valid_variant
from conformance.fuzz.systematic import generate
from conformance.model.exchange import CallResult
from conformance.model.openapi import document
from conformance.model.releases import CHANGE_REQUESTS, RELEASE_DATES, ModelAt
from conformance.model.service import operation
from conformance.model.shapecheck import check_input
from conformance.reference import validation
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign

OLD = ModelAt(CHANGE_REQUESTS)
FAST = settings(
    max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


def later_things(value: Any, shape: Shape, at: ModelAt, path: str = "") -> Iterator[str]:
    """Members and enum values in ``value`` that the installed ``shape`` has but the model of ``at`` did not."""
    if isinstance(value, Ref):
        return
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                continue
            where = f"{path}.{name}" if path else name
            if not at.has_member(shape.name, name):
                yield f"member {shape.name}.{name} at {where}"
            yield from later_things(item, member, at, where)
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from later_things(item, shape.member, at, f"{path}[{index}]")
    elif kind == "map" and isinstance(value, Mapping):
        for key, item in value.items():
            yield from later_things(key, shape.key, at, f"{path}[{key!r}]")
            yield from later_things(item, shape.value, at, f"{path}[{key!r}]")
    elif kind == "string" and value in shape.enum and value not in at.enum_values(shape.name, shape.enum):
        yield f"enum value {shape.name}.{value} at {path}"


def variant_problems(variant: Variant, at: ModelAt) -> list[str]:
    if not at.has_operation(variant.operation):
        return [f"operation {variant.operation}"]
    shape = operation(variant.operation).input_shape  # the installed model: the walk does not trust the dated one
    return list(later_things(variant.params, shape, at)) if shape is not None else []


def test_the_walk_sees_what_came_later() -> None:
    """The checker itself: the latest seeds hold later members and enum values, found at their paths."""
    found = [p for v in generate("optionals", "CreateCollaboration").variants for p in variant_problems(v, OLD)]
    assert "member CreateCollaborationInput.isMetricsEnabled at isMetricsEnabled" in found
    latest = seed_for("CreateCollaborationChangeRequest").full
    problems = list(later_things(latest.params, operation("CreateCollaborationChangeRequest").input_shape, OLD))
    assert "enum value ChangeSpecificationType.COLLABORATION at changes[1].specificationType" in problems
    assert "member ChangeSpecification.collaboration at changes[1].specification.collaboration" in problems


def test_no_systematic_variant_of_2025_09_03_holds_what_came_later() -> None:
    names = OLD.operation_names()
    assert UPDATE not in names
    walked = 0
    for name in names:
        for strategy in STRATEGIES:
            for variant in generate(strategy, name, OLD).variants:
                walked += 1
                assert not variant_problems(variant, OLD), (strategy, variant.label, variant_problems(variant, OLD))
    assert walked > 3000


@pytest.mark.parametrize("name", [name for name in CORE_OPERATIONS if OLD.has_operation(name)])
def test_no_random_variant_of_2025_09_03_holds_what_came_later(name: str) -> None:
    @FAST
    @given(valid_variant(name, at=OLD), invalid_variant(name, at=OLD))
    def check(valid: Variant, invalid: Variant) -> None:
        assert not variant_problems(valid, OLD)
        assert not variant_problems(invalid, OLD)

    check()


def test_what_2025_09_03_required_is_sent_and_its_caps_are_tested() -> None:
    valid = [v for strategy in STRATEGIES for v in generate(strategy, "CreateCollaboration", OLD).variants if v.valid]
    assert valid
    assert all("description" in v.params for v in valid)
    negative = {v.label for v in generate("negative", "CreateCollaboration", OLD).variants}
    assert {"description: missing-required", "members: too-many-items"} <= negative
    latest = {v.label for v in generate("negative", "CreateCollaboration").variants}
    assert not {"description: missing-required", "members: too-many-items"} & latest
    # The full change-request baseline shrinks to what 2025-09-03 had: one ADD_MEMBER without ML or payer members.
    changes = seed_for("CreateCollaborationChangeRequest", OLD).full.params["changes"]
    assert [c["specificationType"] for c in changes] == ["MEMBER"]
    assert set(changes[0]["specification"]["member"]) == {"accountId", "memberAbilities", "displayName"}
    assert changes[0]["specification"]["member"]["memberAbilities"] == []  # CAN_RECEIVE_RESULTS: from 2026-04-17


def schema_later(doc: Mapping[str, Any], schema: Mapping[str, Any], shape: Shape, seen: set[str]) -> Iterator[str]:
    """Properties and enum values of an OpenAPI schema that the model of 2025-09-03 did not have."""
    ref = schema.get("$ref")
    if ref is not None:
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return
        seen.add(name)
        schema = doc["components"]["schemas"][name]
    kind = shape.type_name
    if kind == "structure":
        for alternative in [schema, *schema.get("oneOf", ())]:
            for prop, sub in alternative.get("properties", {}).items():
                if not OLD.has_member(shape.name, prop):
                    yield f"property {shape.name}.{prop}"
                yield from schema_later(doc, sub, shape.members[prop], seen)
    elif kind == "list":
        yield from schema_later(doc, schema["items"], shape.member, seen)
    elif kind == "map":
        yield from schema_later(doc, schema["additionalProperties"], shape.value, seen)
    for value in schema.get("enum", ()):
        if value not in OLD.enum_values(shape.name, [value]):
            yield f"enum value {shape.name}.{value}"


def test_the_openapi_document_of_2025_09_03_holds_nothing_later() -> None:
    doc = document(OLD)
    found: list[str] = []
    walked = 0
    for item in doc["paths"].values():
        for op in item.values():
            name = op["operationId"]
            assert OLD.has_operation(name), name
            info = operation(name)
            seen: set[str] = set()
            if info.input_shape is not None:
                members = {m.serialization.get("name", n): m for n, m in info.input_shape.members.items()}
                for parameter in op.get("parameters", ()):
                    found += schema_later(doc, parameter["schema"], members[parameter["name"]], seen)
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                if body is not None:
                    found += schema_later(doc, body, info.input_shape, seen)
            success = op["responses"][str(info.success_status)].get("content")
            if success is not None and info.output_shape is not None:
                found += schema_later(doc, success["application/json"]["schema"], info.output_shape, seen)
            walked += len(seen)
    assert not found, found[:20]
    assert walked > 100
    names = {op["operationId"] for item in doc["paths"].values() for op in item.values()}
    assert UPDATE not in names
    assert list(
        schema_later(
            document(),
            document()["paths"]["/collaborations"]["post"]["requestBody"]["content"]["application/json"]["schema"],
            operation("CreateCollaboration").input_shape,
            set(),
        )
    )  # the walk finds things


class _Recorder:
    """A target that forwards every call and remembers it."""

    def __init__(self, target: RunningTarget) -> None:
        self.target = target
        self.calls: list[tuple[str, Mapping[str, Any]]] = []

    def call(
        self, actor: str, operation_name: str, params: Mapping[str, Any], *, raw_body: bytes | None = None
    ) -> CallResult:
        self.calls.append((operation_name, params))
        return self.target.call(actor, operation_name, params, raw_body=raw_body)


def test_the_stateful_machine_of_2025_09_03_sends_nothing_later(healthy: RunningTarget) -> None:
    recorder = _Recorder(healthy)
    fuzz = Campaign(recorder, healthy.accounts, region=healthy.spec.region, at=OLD)  # type: ignore[arg-type]
    tally = run_machine(fuzz, hypothesis_settings(budget("quick"), examples=8), seed=1, shrink_seconds=1)
    assert tally.outcome != "UNSUPPORTED", tally.note  # UpdateCollaborationChangeRequest is not needed then
    sent = [(name, params) for name, params in recorder.calls]
    assert any(name == "CreateCollaborationChangeRequest" for name, _ in sent)
    assert not [name for name, _ in sent if name == UPDATE]
    for name, params in sent:
        shape = operation(name).input_shape
        assert shape is not None
        assert not list(later_things(params, shape, OLD)), (name, params)
    created = [params for name, params in sent if name == "CreateCollaboration"]
    assert created
    assert all("description" in params for params in created)


@pytest.fixture
def api_2025_09_03(broken: Any, monkeypatch: pytest.MonkeyPatch) -> RunningTarget:
    """A reference emulator whose input validation is that of the 2025-09-03 model (its semantics stay later)."""
    # The validator takes its release from the emulator's api_version (None here): give it the old one alone.
    monkeypatch.setattr(validation, "ModelAt", lambda _api_version: OLD)
    target: RunningTarget = broken()
    return target


def test_the_systematic_checks_of_2025_09_03_pass_where_the_latest_ones_fail(api_2025_09_03: RunningTarget) -> None:
    old = Campaign(api_2025_09_03, api_2025_09_03.accounts, region=api_2025_09_03.spec.region, at=OLD)
    assert UPDATE not in old.operations()
    for strategy in STRATEGIES:
        for tally in old.systematic(strategy):
            # UNSUPPORTED only where the strategy has no variant for the operation (``enum`` on GetCollaboration).
            ok = tally.outcome == "PASS" or (tally.outcome == "UNSUPPORTED" and not tally.variants + tally.skipped)
            assert ok, (tally.check_id, tally.outcome, tally.note, tally.findings[:1])
    latest = campaign(api_2025_09_03, operations=["CreateCollaboration", "CreateCollaborationChangeRequest"])
    refused = [t for s in ("enum", "optionals") for t in latest.systematic(s, latest.wanted)]
    assert {t.outcome for t in refused} == {"FAIL"}  # later enum values, members and a missing description


def test_schemathesis_of_2025_09_03_passes_on_that_api(api_2025_09_03: RunningTarget) -> None:
    fuzz = Campaign(
        api_2025_09_03,
        api_2025_09_03.accounts,
        region=api_2025_09_03.spec.region,
        operations=["CreateCollaboration", "CreateCollaborationChangeRequest"],
        at=OLD,
    )
    tallies = run_schemathesis(
        fuzz,
        endpoint_url=api_2025_09_03.endpoint_url,
        signing=Signing(Credentials(api_2025_09_03.account_id("creator"), "conformance"), api_2025_09_03.spec.region),
        settings=hypothesis_settings(budget("quick"), examples=10),
        shrink_seconds=2,
    )
    assert [t.outcome for t in tallies] == ["PASS", "PASS"], [(t.check_id, t.findings[:1]) for t in tallies]


def test_an_operation_asked_for_by_name_that_came_later_is_reported_not_probed(healthy: RunningTarget) -> None:
    fuzz = Campaign(healthy, healthy.accounts, region=healthy.spec.region, operations=[UPDATE], at=OLD)
    assert fuzz.operations() == ()
    assert "not in the model at 2025-09-03" in fuzz.reported_unsupported()[UPDATE]


def test_the_default_is_the_installed_model() -> None:
    name = "CreateCollaborationChangeRequest"
    assert generate("enum", name).variants == generate("enum", name, ModelAt(None)).variants
    assert generate("enum", name).variants != generate("enum", name, OLD).variants


@pytest.mark.parametrize("day", sorted(RELEASE_DATES), ids=str)
def test_every_seed_is_valid_at_every_release(day: date) -> None:
    at = ModelAt(day)
    for name in at.operation_names():
        for baseline in seed_for(name, at).baselines:
            params = placeholders(dict(baseline.params))
            assert check_input(name, params, at=at) == [], (name, baseline.name)
            assert not list(later_things(baseline.params, operation(name).input_shape, at)), (name, baseline.name)
