from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.targets import ActorSpec, TargetError, TargetSpec, Timeouts, parse_target
from conformance.targets.actors import DUMMY_SECRET
from conformance.targets.spec import LimitOverrides, validate_spec

EMULATOR_ACCOUNTS = {
    "creator": "111111111111",
    "member": "222222222222",
    "outsider": "333333333333",
    "member2": "444444444444",
}


def accounts(spec: TargetSpec) -> dict[str, str | None]:
    return {name: actor.account_id for name, actor in spec.actors.items()}


@pytest.mark.parametrize("value", ["reference", "moto", " reference "])
def test_builtin_emulators(value: str) -> None:
    spec = parse_target(value)
    assert spec.kind == spec.name == value.strip()
    assert spec.endpoint is None
    assert spec.region == "us-east-1"
    assert accounts(spec) == EMULATOR_ACCOUNTS
    assert spec.timeouts == Timeouts(connect=5.0, read=15.0)


def test_emulator_credentials_are_account_id_and_dummy_secret() -> None:
    creator = parse_target("reference").actors["creator"]
    assert creator.static_credentials() == ("111111111111", DUMMY_SECRET)
    assert DUMMY_SECRET == "conformance"
    assert "secret_access_key" not in repr(ActorSpec("x", "111111111111", secret_access_key="hidden-value"))


@pytest.mark.parametrize(
    ("value", "endpoint", "name"),
    [
        ("http://127.0.0.1:4566", "http://127.0.0.1:4566", "127.0.0.1-4566"),
        ("https://fake.example.com/", "https://fake.example.com", "fake.example.com-443"),
        ("http://localhost:4566", "http://localhost:4566", "localhost-4566"),
    ],
)
def test_url_targets(value: str, endpoint: str, name: str) -> None:
    spec = parse_target(value, region="eu-west-1", timeouts=Timeouts(connect=1, read=2))
    assert (spec.kind, spec.endpoint, spec.name) == ("url", endpoint, name)
    assert spec.region == "eu-west-1"
    assert spec.timeouts == Timeouts(connect=1, read=2)
    assert accounts(spec) == EMULATOR_ACCOUNTS


def test_aws_defaults_to_conformance_profiles_and_needs_a_region() -> None:
    spec = parse_target("aws", region="eu-west-1", allow_accounts=["111111111111", " 222222222222"])
    assert spec.kind == "aws"
    assert {n: a.profile for n, a in spec.actors.items()} == {
        "creator": "conformance-creator",
        "member": "conformance-member",
        "outsider": "conformance-outsider",
    }
    assert spec.allow_accounts == frozenset({"111111111111", "222222222222"})
    with pytest.raises(TargetError, match=r"real AWS needs a region: pass --region=REGION"):
        parse_target("aws")


def test_aws_actor_profiles_replace_and_add() -> None:
    spec = parse_target("aws", region="us-west-2", actor_profiles={"creator": "sandbox-a", "member2": "sandbox-d"})
    assert spec.actors["creator"].profile == "sandbox-a"
    assert spec.actors["member2"].profile == "sandbox-d"
    assert spec.actors["member"].profile == "conformance-member"


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("", {}, "--target is empty: use 'reference'"),
        ("ftp://x", {}, "--target=ftp://x: 'ftp://x' uses the unsupported scheme 'ftp'"),
        ("127.0.0.1:80", {}, "'127.0.0.1:80' has no scheme: write http://127.0.0.1:80"),
        ("localhost:4566", {}, "write http://localhost:4566"),
        ("http://h:70000", {}, "bad port"),
        ("staging", {}, "unknown target 'staging': use 'reference' (the built-in emulator), 'moto', 'aws'"),
        ("refrence", {}, "did you mean 'reference'?"),
        ("fake.example.com", {}, "for a server you run, write http://fake.example.com:PORT"),
        ("reference", {"region": "US East"}, "'US East' is not a region name"),
        ("reference", {"allow_accounts": ["12345"]}, "--allow-account=12345: not a 12-digit AWS account id"),
        ("reference", {"actor_profiles": {"creator": "p"}}, "actor profiles apply to aws targets only"),
        ("aws", {"region": "eu-west-1", "actor_profiles": {"bad-name": "p"}}, "bad actor name 'bad-name'"),
    ],
)
def test_bad_targets_say_what_to_do(value: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TargetError, match=re.escape(message)):
        parse_target(value, **kwargs)  # type: ignore[arg-type]


def test_unknown_name_lists_the_config_files_targets(tmp_path: Path) -> None:
    config = tmp_path / "targets.toml"
    config.write_text('[targets.staging]\nendpoint = "http://127.0.0.1:4566"\n')
    with pytest.raises(TargetError, match=re.escape(f"{config} defines staging; did you mean 'staging'?")):
        parse_target("stagin", config_file=config)


def test_no_config_file_is_mentioned() -> None:
    with pytest.raises(TargetError, match=r"no --target-config was given"):
        parse_target("staging")


def test_timeouts_must_be_positive() -> None:
    with pytest.raises(TargetError, match="timeouts must be positive"):
        Timeouts(connect=0)
    with pytest.raises(TargetError, match="timeouts must be positive"):
        Timeouts(deadline=0)
    with pytest.raises(TargetError, match="max_response_bytes must be at least 1024"):
        Timeouts(max_response_bytes=100)


def test_limit_overrides_replace_only_the_values_given() -> None:
    base = Timeouts(connect=1, read=2, deadline=3, max_response_bytes=4096)
    assert LimitOverrides().apply(base) == base
    assert LimitOverrides(deadline=9).apply(base) == Timeouts(connect=1, read=2, deadline=9, max_response_bytes=4096)
    assert LimitOverrides(connect=5, max_response_bytes=2048).apply(base) == Timeouts(5, 2, 3, 2048)
    spec = parse_target("reference", timeouts=LimitOverrides(read=7))
    assert spec.timeouts == Timeouts(read=7)


def test_specs_are_frozen_against_the_callers_dict() -> None:
    actors = {"creator": ActorSpec("creator", "111111111111")}
    spec = TargetSpec(name="x", kind="url", endpoint="http://127.0.0.1:1", region="us-east-1", actors=actors)
    actors["member"] = ActorSpec("member", "222222222222")
    assert list(spec.actors) == ["creator"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            TargetSpec("x", "url", "http://127.0.0.1:1", "us-east-1", {"member": ActorSpec("member", "222222222222")}),
            "has no 'creator' actor",
        ),
        (
            TargetSpec("x", "url", None, "us-east-1", {"creator": ActorSpec("creator", "111111111111")}),
            "needs an endpoint",
        ),
        (
            TargetSpec("x", "url", "http://127.0.0.1:1", "us-east-1", {"creator": ActorSpec("creator")}),
            "actor 'creator' has no account id",
        ),
        (
            TargetSpec("x", "url", "http://127.0.0.1:1", "us-east-1", {"creator": ActorSpec("creator", "1")}),
            "account id '1' is not 12 digits",
        ),
        (TargetSpec("x", "aws", None, "us-east-1", {"creator": ActorSpec("creator")}), "has no AWS profile"),
        (
            TargetSpec("x", "url", "http://127.0.0.1:1", "us-east-1", {"creator": ActorSpec("boss", "111111111111")}),
            "actor key 'creator' holds an ActorSpec named 'boss'",
        ),
    ],
)
def test_validate_spec_catches_hand_made_mistakes(spec: TargetSpec, message: str) -> None:
    with pytest.raises(TargetError, match=re.escape(message)):
        validate_spec(spec)
