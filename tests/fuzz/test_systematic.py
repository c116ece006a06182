from __future__ import annotations

import pytest

from conformance.fuzz.catalogue import STRATEGIES
from conformance.fuzz.refs import placeholders
from conformance.fuzz.seeds import CORE_OPERATIONS
from conformance.fuzz.systematic import KIND_VIOLATION, generate
from conformance.model.shapecheck import check_input


def test_the_systematic_strategies_produce_over_a_thousand_variants_on_the_core_operations() -> None:
    total = sum(len(generate(strategy, op).variants) for strategy in STRATEGIES for op in CORE_OPERATIONS)
    assert total >= 1000


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_variants_are_what_they_claim(strategy: str) -> None:
    for op in CORE_OPERATIONS:
        for variant in generate(strategy, op).variants:
            found = check_input(op, placeholders(dict(variant.params)))
            if variant.broken is None:
                assert found == [], variant.label
            else:
                kinds = {v.kind for v in found if v.evidence == "model" or v.path != variant.broken.path}
                assert kinds <= {KIND_VIOLATION[variant.broken.kind]}, (variant.label, found)
                assert all(v.path == variant.broken.path for v in found), (variant.label, found)


def test_negative_covers_every_kind_of_constraint() -> None:
    kinds = {v.broken.kind for op in CORE_OPERATIONS for v in generate("negative", op).variants if v.broken}
    assert kinds == set(KIND_VIOLATION)


def test_wrong_types_in_the_body_go_as_raw_json() -> None:
    variants = generate("negative", "CreateCollaboration").variants
    wrong = [v for v in variants if v.broken and v.broken.kind == "wrong-type"]
    assert wrong
    assert all(v.raw for v in wrong)
    query = [
        v for v in generate("negative", "ListCollaborations").variants if v.broken and v.broken.kind == "wrong-type"
    ]
    assert query
    assert not any(v.raw for v in query)


def test_boundary_enum_optionals_echo_and_actors_cover_their_ground() -> None:
    boundary = {v.label for v in generate("boundary", "CreateCollaboration").variants}
    assert {"name length 1 (min)", "name length 100 (max)", "name length 50 (middle)"} <= boundary
    assert "tags 200 entries (max)" in boundary
    enum = {v.label for v in generate("enum", "CreateCollaboration").variants}
    assert {"queryLogStatus = ENABLED", "analyticsEngine = CLEAN_ROOMS_SQL"} <= enum
    # 33 regions; the baseline's own (us-east-1) is the same request as other "current value" variants.
    assert len([label for label in enum if label.startswith("allowedResultRegions[0] =")]) >= 32
    optionals = {v.label for v in generate("optionals", "CreateCollaboration").variants}
    assert {"required members only", "every member", "description alone"} <= optionals
    assert all(v.lists for v in generate("echo", "CreateMembership").variants)
    assert generate("echo", "GetCollaboration").variants == ()
    assert {v.actor for v in generate("actors", "GetCollaboration").variants} == {
        "creator",
        "member",
        "member2",
        "outsider",
    }


def test_dropped_candidates_are_reported_not_mislabelled() -> None:
    dropped = generate("negative", "CreateCollaboration").dropped
    assert any(line.startswith("name: too-short") for line in dropped)  # "" is also blank: two rules at once


def test_unknown_strategy_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown systematic strategy"):
        generate("nope", "GetCollaboration")
