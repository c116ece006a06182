"""Reads ``--target-config`` TOML files: named targets with their endpoint, region, timeouts and actors.

The format (the user-facing description with examples is ``docs/targets.md``)::

    [targets.staging-fake]                  # NAME: letters, digits, ".", "_", "-"; used as --target=NAME
    kind = "url"                            # "url" | "reference" | "moto" | "aws"; default: "url" when an
                                            # endpoint is given, else the NAME when it is reference/moto/aws
    endpoint = "http://127.0.0.1:4566"      # required for url; an optional override for aws; not for
                                            # reference/moto (the suite starts those itself)
    region = "us-east-1"                    # default us-east-1 on emulators; required for aws (or --region)
    connect_timeout = 5.0                   # seconds
    read_timeout = 15.0                     # seconds, per socket read
    call_deadline = 60.0                    # seconds, the whole call, however slowly the bytes come
    max_response_bytes = "8 MiB"            # the largest response body read (a number of bytes, or "N KiB|MiB")
    verify = true                           # https only: false, or a CA bundle path (relative to this file)
    allow_accounts = ["111111111111"]       # aws only: the accounts the run may touch
    description = "free text"

    [targets.staging-fake.actors.creator]   # ACTOR: an identifier; creator is always needed
    account_id = "111111111111"             # emulators: default from the built-in accounts; aws: checked
    access_key_id = "111111111111"          # emulators only; default: the account id
    secret_access_key = "conformance"       # emulators only; default: the dummy secret
    session_token = "..."                   # emulators only; default: none (sent as X-Amz-Security-Token)
    profile = "cr-creator"                  # aws only, required: the AWS profile of this actor

Emulator targets (url, reference, moto) always have the built-in actors creator, member, outsider and member2;
an ``actors`` table changes them or adds more. An aws target has exactly the actors its table lists (or, with
none, creator/member/outsider from the profiles ``conformance-<actor>``).

This module checks the whole file and returns plain validated values; ``spec.py`` turns them into a
``TargetSpec`` once the command line's overrides are known. Every problem is a :class:`TargetError` naming the
file, the key and what to do.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from conformance.targets.actors import EMULATOR_ACCOUNTS, is_account_id, is_actor_name
from conformance.targets.endpoints import EndpointSyntaxError, parse_endpoint
from conformance.targets.errors import TargetError

KINDS = ("url", "reference", "moto", "aws")
TARGET_KEYS = (
    "kind",
    "endpoint",
    "region",
    "connect_timeout",
    "read_timeout",
    "call_deadline",
    "max_response_bytes",
    "verify",
    "allow_accounts",
    "description",
    "actors",
)
ACTOR_KEYS = ("account_id", "access_key_id", "secret_access_key", "session_token", "profile")

# Target names become report directory names, so keep them file-name safe.
_TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
REGION = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One ``[targets.NAME.actors.ACTOR]`` table, checked."""

    name: str
    account_id: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    profile: str | None = None

    def __repr__(self) -> str:  # keep secrets out of logs and assertion messages
        return f"ActorEntry(name={self.name!r}, account_id={self.account_id!r}, profile={self.profile!r})"


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    """One ``[targets.NAME]`` table, checked, with nothing filled in from the command line yet."""

    name: str
    kind: str
    where: str
    """``FILE [targets.NAME]``, for messages."""
    file: Path | None = None
    """The config file it came from (for messages that name a table to add)."""
    endpoint: str | None = None
    region: str | None = None
    connect_timeout: float | None = None
    read_timeout: float | None = None
    call_deadline: float | None = None
    max_response_bytes: int | None = None
    verify: bool | str = True
    allow_accounts: tuple[str, ...] = ()
    description: str = ""
    actors: Mapping[str, ActorEntry] = field(default_factory=lambda: MappingProxyType({}))


def load_config(path: Path) -> Mapping[str, ConfigEntry]:
    """Read and check a target config file; the mapping is keyed by target name, in file order."""
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise TargetError(f"{path}: target config file not found; check the --target-config path") from None
    except OSError as exc:
        raise TargetError(f"{path}: cannot read the target config file ({exc.strerror})") from None
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise TargetError(f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise TargetError(f"{path}: not valid TOML: {exc}; fix the syntax (format: docs/targets.md)") from None
    _check_keys(path, "", data, ("targets",))
    targets = data.get("targets")
    if targets is None:
        raise TargetError(f"{path}: no [targets.NAME] table; define at least one target (format: docs/targets.md)")
    if not isinstance(targets, dict):
        raise TargetError(f"{path}: targets: must be a table of [targets.NAME] tables, got {_type(targets)}")
    entries: dict[str, ConfigEntry] = {}
    for name, table in targets.items():
        entries[name] = _entry(path, name, table)
    return MappingProxyType(entries)


def _entry(path: Path, name: str, table: Any) -> ConfigEntry:
    key = f"targets.{name}"
    if not _TARGET_NAME.fullmatch(name):
        raise TargetError(
            f"{path}: {key}: bad target name; use letters, digits, '.', '_' and '-' (it names a report folder)"
        )
    if not isinstance(table, dict):
        raise TargetError(f"{path}: {key}: must be a table ([{key}]), got {_type(table)}")
    _check_keys(path, key, table, TARGET_KEYS)
    endpoint = _opt_str(path, key, table, "endpoint")
    kind = _kind(path, key, name, table, endpoint)
    if endpoint is not None:
        if kind in ("reference", "moto"):
            raise TargetError(
                f"{path}: {key}.endpoint: a {kind} target is started by the suite on a free port; "
                'remove endpoint (or set kind = "url" to use a server you started)'
            )
        try:
            endpoint = parse_endpoint(endpoint).url
        except EndpointSyntaxError as exc:
            raise TargetError(f"{path}: {key}.endpoint: {exc}") from None
    region = _opt_str(path, key, table, "region")
    if region is not None and not REGION.fullmatch(region):
        raise TargetError(f'{path}: {key}.region: {region!r} is not a region name; write it like "us-east-1"')
    allow = _allow_accounts(path, key, table, kind)
    return ConfigEntry(
        name=name,
        kind=kind,
        where=f"{path} [{key}]",
        file=path,
        endpoint=endpoint,
        region=region,
        connect_timeout=_opt_seconds(path, key, table, "connect_timeout"),
        read_timeout=_opt_seconds(path, key, table, "read_timeout"),
        call_deadline=_opt_seconds(path, key, table, "call_deadline"),
        max_response_bytes=_opt_size(path, key, table, "max_response_bytes"),
        verify=_verify(path, key, table),
        allow_accounts=allow,
        description=_opt_str(path, key, table, "description") or "",
        actors=_actors(path, key, table, kind),
    )


def _kind(path: Path, key: str, name: str, table: Mapping[str, Any], endpoint: str | None) -> str:
    kind = _opt_str(path, key, table, "kind")
    if kind is None:
        if endpoint is not None:
            return "url"
        if name in KINDS:
            return name
        raise TargetError(
            f'{path}: {key}: missing key "endpoint"; add endpoint = "http://HOST:PORT" for a server you run, '
            f'or kind = "reference" | "moto" | "aws"'
        )
    if kind not in KINDS:
        raise TargetError(f"{path}: {key}.kind: {kind!r} is not a target kind; use one of {', '.join(KINDS)}")
    if kind == "url" and endpoint is None:
        raise TargetError(f'{path}: {key}: missing key "endpoint"; a url target needs endpoint = "http://HOST:PORT"')
    return kind


def _allow_accounts(path: Path, key: str, table: Mapping[str, Any], kind: str) -> tuple[str, ...]:
    value = table.get("allow_accounts")
    if value is None:
        return ()
    if kind != "aws":
        raise TargetError(f'{path}: {key}.allow_accounts: applies to kind = "aws" only; remove it')
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TargetError(
            f'{path}: {key}.allow_accounts: must be a list of quoted 12-digit account ids, like ["111111111111"]'
        )
    for account in value:
        if not is_account_id(account):
            raise TargetError(f"{path}: {key}.allow_accounts: {account!r} is not a 12-digit AWS account id")
    return tuple(value)


def _actors(path: Path, key: str, table: Mapping[str, Any], kind: str) -> Mapping[str, ActorEntry]:
    raw = table.get("actors")
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, dict):
        raise TargetError(f"{path}: {key}.actors: must be a table of [{key}.actors.ACTOR] tables, got {_type(raw)}")
    actors: dict[str, ActorEntry] = {}
    for name, fields in raw.items():
        akey = f"{key}.actors.{name}"
        if not is_actor_name(name):
            raise TargetError(f"{path}: {akey}: bad actor name; use an identifier (letters, digits, '_')")
        if not isinstance(fields, dict):
            raise TargetError(f"{path}: {akey}: must be a table ([{akey}]), got {_type(fields)}")
        _check_keys(path, akey, fields, ACTOR_KEYS)
        entry = ActorEntry(
            name=name,
            account_id=_opt_str(path, akey, fields, "account_id"),
            access_key_id=_opt_str(path, akey, fields, "access_key_id"),
            secret_access_key=_opt_str(path, akey, fields, "secret_access_key"),
            session_token=_opt_str(path, akey, fields, "session_token"),
            profile=_opt_str(path, akey, fields, "profile"),
        )
        _check_actor(path, akey, entry, kind)
        actors[name] = entry
    return MappingProxyType(actors)


def _check_actor(path: Path, key: str, actor: ActorEntry, kind: str) -> None:
    if actor.account_id is not None and not is_account_id(actor.account_id):
        raise TargetError(f'{path}: {key}.account_id: {actor.account_id!r} is not 12 digits; quote it: "111111111111"')
    if kind == "aws":
        if actor.profile is None:
            raise TargetError(
                f'{path}: {key}: missing key "profile"; real-AWS actors take their credentials from an '
                'AWS profile: add profile = "NAME" (see `aws configure list-profiles`)'
            )
        for secret_key in ("access_key_id", "secret_access_key", "session_token"):
            if getattr(actor, secret_key) is not None:
                raise TargetError(
                    f"{path}: {key}.{secret_key}: real-AWS keys never go in this file; remove it and use profile"
                )
        return
    if actor.profile is not None:
        raise TargetError(
            f'{path}: {key}.profile: applies to kind = "aws" only; emulator actors use account_id '
            "(and optionally access_key_id/secret_access_key)"
        )
    if actor.account_id is None and actor.name not in EMULATOR_ACCOUNTS:
        raise TargetError(
            f'{path}: {key}: missing key "account_id"; actor {actor.name!r} is not built in, so give it '
            f'account_id = "NNNNNNNNNNNN" (12 digits)'
        )


def _verify(path: Path, key: str, table: Mapping[str, Any]) -> bool | str:
    value = table.get("verify", True)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value:
        bundle = Path(value)
        if not bundle.is_absolute():
            bundle = path.parent / bundle
        if not bundle.is_file():
            raise TargetError(f"{path}: {key}.verify: CA bundle {str(bundle)!r} not found; fix the path")
        return str(bundle)
    raise TargetError(f"{path}: {key}.verify: must be true, false or a CA bundle path, got {_type(value)}")


def _check_keys(path: Path, key: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for name in table:
        if name not in allowed:
            where = f"{key}.{name}" if key else name
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise TargetError(f"{path}: {where}: unknown key; {hint}allowed keys: {', '.join(allowed)}")


def _opt_str(path: Path, key: str, table: Mapping[str, Any], name: str) -> str | None:
    value = table.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TargetError(f'{path}: {key}.{name}: must be a quoted string, got {_type(value)}; write {name} = "..."')
    if not value.strip():
        raise TargetError(f"{path}: {key}.{name}: is empty; give a value or remove the key")
    return value


def _opt_seconds(path: Path, key: str, table: Mapping[str, Any], name: str) -> float | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise TargetError(f"{path}: {key}.{name}: must be a positive number of seconds, like {name} = 5.0")
    return float(value)


def _opt_size(path: Path, key: str, table: Mapping[str, Any], name: str) -> int | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TargetError(f'{path}: {key}.{name}: must be a number of bytes or a size like "8 MiB", got {_type(value)}')
    try:
        size = parse_size(str(value))
    except ValueError as exc:
        raise TargetError(f"{path}: {key}.{name}: {exc}") from None
    if size < MIN_RESPONSE_BYTES:
        raise TargetError(f'{path}: {key}.{name}: must be at least {MIN_RESPONSE_BYTES} bytes, like {name} = "8 MiB"')
    return size


#: A smaller cap would refuse even a Clean Rooms error body (a few hundred bytes).
MIN_RESPONSE_BYTES = 1024
_SIZE = re.compile(r"\s*([0-9]+)\s*(B|KiB|MiB|GiB)?\s*", re.IGNORECASE)
_UNITS = {"b": 1, "kib": 1024, "mib": 1024**2, "gib": 1024**3}


def parse_size(text: str) -> int:
    """A size in bytes from ``8388608``, ``"512 KiB"``, ``"8MiB"`` or ``"1 GiB"``; ValueError says how to write it."""
    found = _SIZE.fullmatch(text)
    if found is None:
        raise ValueError(f"{text!r} is not a size; write a number of bytes or a size like 8MiB, 512KiB")
    return int(found.group(1)) * _UNITS[(found.group(2) or "b").lower()]


def _type(value: Any) -> str:
    names = {
        dict: "a table",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a float",
    }
    return names.get(type(value), type(value).__name__)
