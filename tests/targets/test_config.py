from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.targets import TargetError, Timeouts, parse_target
from conformance.targets.config import load_config, parse_size

GOOD = """
[targets.staging-fake]
endpoint = "http://127.0.0.1:4566"
region = "eu-central-1"
connect_timeout = 1
read_timeout = 2.5
call_deadline = 30
max_response_bytes = "2 MiB"
description = "our fake"

[targets.staging-fake.actors.creator]
account_id = "555555555555"

[targets.staging-fake.actors.member3]
account_id = "666666666666"
access_key_id = "member3-key"
secret_access_key = "member3-secret"

[targets.sandbox]
kind = "aws"
region = "eu-west-1"
allow_accounts = ["111111111111"]

[targets.sandbox.actors.creator]
profile = "cr-creator"
account_id = "111111111111"

[targets.sandbox.actors.member]
profile = "cr-member"

[targets.moto]
region = "us-west-2"

[targets.tls]
endpoint = "https://fake.example.com"
verify = false
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(GOOD)
    return path


def test_url_target_from_config(config: Path) -> None:
    spec = parse_target("staging-fake", config_file=config)
    assert (spec.name, spec.kind, spec.endpoint, spec.region) == (
        "staging-fake",
        "url",
        "http://127.0.0.1:4566",
        "eu-central-1",
    )
    assert spec.timeouts == Timeouts(connect=1.0, read=2.5, deadline=30.0, max_response_bytes=2 * 1024 * 1024)
    assert spec.source == f"{config} [targets.staging-fake]"
    # Built-in actors stay, the config changes and adds some.
    assert spec.actors["creator"].account_id == "555555555555"
    assert spec.actors["member"].account_id == "222222222222"
    assert spec.actors["member3"].static_credentials() == ("member3-key", "member3-secret")


def test_command_line_overrides_the_file(config: Path) -> None:
    spec = parse_target("staging-fake", config_file=config, region="ap-south-1", timeouts=Timeouts(connect=9, read=9))
    assert spec.region == "ap-south-1"
    assert spec.timeouts == Timeouts(connect=9, read=9)


def test_a_size_is_bytes_or_a_binary_unit() -> None:
    assert [parse_size(t) for t in ("1048576", "512 KiB", "8MiB", "1 gib", "2048 B")] == [
        1024**2,
        512 * 1024,
        8 * 1024**2,
        1024**3,
        2048,
    ]
    for bad in ("8 MB", "-1", "1.5 MiB", ""):
        with pytest.raises(ValueError, match="is not a size"):
            parse_size(bad)


def test_aws_target_from_config_lists_exactly_its_actors(config: Path) -> None:
    spec = parse_target("sandbox", config_file=config, allow_accounts=["222222222222"])
    assert spec.kind == "aws"
    assert {n: (a.profile, a.account_id) for n, a in spec.actors.items()} == {
        "creator": ("cr-creator", "111111111111"),
        "member": ("cr-member", None),
    }
    assert spec.allow_accounts == frozenset({"111111111111", "222222222222"})


def test_builtin_name_in_config_customizes_that_kind(config: Path) -> None:
    spec = parse_target("moto", config_file=config)
    assert (spec.kind, spec.region, spec.endpoint) == ("moto", "us-west-2", None)
    assert parse_target("reference", config_file=config).kind == "reference"  # not in the file: built-in


def test_verify_false(config: Path) -> None:
    assert parse_target("tls", config_file=config).verify is False


def test_verify_bundle_is_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    path = tmp_path / "t.toml"
    path.write_text('[targets.x]\nendpoint = "https://h"\nverify = "ca.pem"\n')
    assert parse_target("x", config_file=path).verify == str(tmp_path / "ca.pem")


def test_entries_keep_file_order(config: Path) -> None:
    assert list(load_config(config)) == ["staging-fake", "sandbox", "moto", "tls"]


def test_aws_without_actors_uses_default_profiles(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[targets.aws]\nregion = "eu-west-1"\nallow_accounts = ["111111111111"]\n')
    spec = parse_target("aws", config_file=path)
    assert [a.profile for a in spec.actors.values()] == [
        "conformance-creator",
        "conformance-member",
        "conformance-outsider",
    ]


BAD = [
    ("[targets.x\n", "not valid TOML: "),
    ('[targets.x]\nendpont = "http://h:1"\n', "targets.x.endpont: unknown key; did you mean 'endpoint'?"),
    ('colour = "red"\n', "colour: unknown key; allowed keys: targets"),
    ("", "no [targets.NAME] table; define at least one target"),
    ('targets = "x"\n', "targets: must be a table of [targets.NAME] tables, got a string"),
    ('[targets."bad name"]\nendpoint = "http://h:1"\n', "bad target name"),
    ("[targets.x]\n", 'targets.x: missing key "endpoint"; add endpoint = "http://HOST:PORT"'),
    ('[targets.x]\nkind = "url"\n', 'targets.x: missing key "endpoint"; a url target needs'),
    (
        '[targets.x]\nkind = "docker"\n',
        "targets.x.kind: 'docker' is not a target kind; use one of url, reference",
    ),
    ('[targets.x]\nkind = "moto"\nendpoint = "http://h:1"\n', "targets.x.endpoint: a moto target is started"),
    ('[targets.x]\nendpoint = "127.0.0.1:4566"\n', "targets.x.endpoint: '127.0.0.1:4566' has no scheme"),
    ('[targets.x]\nendpoint = "ftp://h"\n', "unsupported scheme 'ftp'"),
    ("[targets.x]\nendpoint = 4566\n", "targets.x.endpoint: must be a quoted string, got an integer"),
    ('[targets.x]\nendpoint = "  "\n', "targets.x.endpoint: is empty"),
    (
        '[targets.x]\nendpoint = "http://h:1"\nregion = "Mars"\n',
        "targets.x.region: 'Mars' is not a region name",
    ),
    ('[targets.x]\nendpoint = "http://h:1"\nread_timeout = 0\n', "read_timeout: must be a positive number"),
    ('[targets.x]\nendpoint = "http://h:1"\nconnect_timeout = true\n', "connect_timeout: must be a positive"),
    ('[targets.x]\nendpoint = "http://h:1"\ncall_deadline = -1\n', "call_deadline: must be a positive number"),
    ('[targets.x]\nendpoint = "http://h:1"\nmax_response_bytes = "big"\n', "max_response_bytes: 'big' is not a size"),
    ('[targets.x]\nendpoint = "http://h:1"\nmax_response_bytes = 1.5\n', "max_response_bytes: must be a number of"),
    ('[targets.x]\nendpoint = "http://h:1"\nmax_response_bytes = 10\n', "max_response_bytes: must be at least 1024"),
    ('[targets.x]\nendpoint = "http://h:1"\nverify = 3\n', "verify: must be true, false or a CA bundle path"),
    ('[targets.x]\nendpoint = "https://h"\nverify = "nope.pem"\n', "verify: CA bundle"),
    (
        '[targets.x]\nendpoint = "http://h:1"\nallow_accounts = ["111111111111"]\n',
        'applies to kind = "aws" only',
    ),
    ('[targets.x]\nkind = "aws"\nallow_accounts = "111111111111"\n', "allow_accounts: must be a list"),
    ('[targets.x]\nkind = "aws"\nallow_accounts = ["1234"]\n', "allow_accounts: '1234' is not a 12-digit"),
    ('[targets.x]\nendpoint = "http://h:1"\nactors = 1\n', "targets.x.actors: must be a table"),
    (
        '[targets.x]\nendpoint = "http://h:1"\n[targets.x.actors.creator]\nacount_id = "111111111111"\n',
        "targets.x.actors.creator.acount_id: unknown key; did you mean 'account_id'?",
    ),
    (
        '[targets.x]\nendpoint = "http://h:1"\n[targets.x.actors.creator]\naccount_id = 111111111111\n',
        "targets.x.actors.creator.account_id: must be a quoted string, got an integer",
    ),
    (
        '[targets.x]\nendpoint = "http://h:1"\n[targets.x.actors.creator]\naccount_id = "1111"\n',
        "targets.x.actors.creator.account_id: '1111' is not 12 digits",
    ),
    (
        '[targets.x]\nendpoint = "http://h:1"\n[targets.x.actors."two words"]\naccount_id = "111111111111"\n',
        "bad actor name",
    ),
    (
        '[targets.x]\nendpoint = "http://h:1"\n[targets.x.actors.member3]\n',
        'targets.x.actors.member3: missing key "account_id"',
    ),
    (
        '[targets.x]\nendpoint = "http://h:1"\n[targets.x.actors.creator]\nprofile = "p"\n',
        'targets.x.actors.creator.profile: applies to kind = "aws" only',
    ),
    (
        '[targets.x]\nkind = "aws"\n[targets.x.actors.creator]\naccount_id = "111111111111"\n',
        'targets.x.actors.creator: missing key "profile"',
    ),
    (
        '[targets.x]\nkind = "aws"\n[targets.x.actors.creator]\nprofile = "p"\nsecret_access_key = "s"\n',
        "secret_access_key: real-AWS keys never go in this file",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_files_name_the_file_the_key_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(TargetError, match=re.escape(message)) as info:
        parse_target("x", config_file=path)
    assert str(info.value).startswith(f"{path}: ")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(
        TargetError, match=re.escape(f"{path}: target config file not found; check the --target-config")
    ):
        parse_target("x", config_file=path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[targets.x]\ndescription = "caf\xe9"\n')
    with pytest.raises(TargetError, match="not UTF-8"):
        parse_target("x", config_file=path)


def test_aws_config_target_still_needs_a_region(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[targets.sb]\nkind = "aws"\n[targets.sb.actors.creator]\nprofile = "p"\n')
    with pytest.raises(TargetError, match=re.escape(f"target 'sb' ({path} [targets.sb]): real AWS needs a region")):
        parse_target("sb", config_file=path)
    assert parse_target("sb", config_file=path, region="eu-west-1").region == "eu-west-1"


def test_a_config_needs_a_creator(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[targets.sb]\nkind = "aws"\nregion = "eu-west-1"\n[targets.sb.actors.member]\nprofile = "p"\n')
    with pytest.raises(TargetError, match="has no 'creator' actor"):
        parse_target("sb", config_file=path)
