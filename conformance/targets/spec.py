"""What a target is (kind, endpoint, region, actors, timeouts) and how ``--target=VALUE`` becomes one.

``parse_target`` accepts ``reference``, ``moto``, ``aws``, an ``http(s)://`` URL, or a name defined in a
``--target-config`` file (see ``config.py``); anything else is a :class:`TargetError` that says what to type.
Command-line values (``--region``, timeouts, ``--allow-account``) override or extend the file's.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from conformance.targets.actors import (
    AWS_PROFILE_PREFIX,
    DEFAULT_AWS_ACTORS,
    DEFAULT_REGION,
    DUMMY_SECRET,
    EMULATOR_ACCOUNTS,
    REQUIRED_ACTOR,
    is_account_id,
    is_actor_name,
)
from conformance.targets.config import MIN_RESPONSE_BYTES, REGION, ConfigEntry, load_config
from conformance.targets.endpoints import EndpointSyntaxError, looks_like_host_port, parse_endpoint
from conformance.targets.errors import TargetError

TargetKind = Literal["reference", "moto", "url", "aws"]
BUILTIN_TARGETS: tuple[TargetKind, ...] = ("reference", "moto", "aws")
_USAGE = (
    "use 'reference' (the built-in emulator), 'moto', 'aws', an http:// or https:// URL, "
    "or a target name defined in a --target-config file"
)


#: The defaults of :class:`Timeouts`, in one place for the options, the config file and the docs.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 15.0
DEFAULT_CALL_DEADLINE = 60.0
"""Seconds. Clean Rooms answers in well under a second; botocore's own read timeout is 60 s, so a call still
arriving after a minute is broken, not slow. Four read timeouts: a slow but steady answer is not cut off."""
DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024
"""8 MiB. The largest answer the model allows is BatchGetCollaborationAnalysisTemplate: 10 templates whose text
may be 500,000 characters each, about 5 MB of JSON; every list page is at most 100 entries of a few hundred bytes.
8 MiB is above that with room, and small enough that a run holds a few of them at once without trouble."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """The limits of every call: socket timeouts and a total deadline in seconds, and a response-size cap.

    ``connect`` and ``read`` bound each socket operation (a read timeout restarts with every byte that arrives);
    ``deadline`` bounds the whole call, from sending the request to the last byte of the response, however
    slowly the bytes come; ``max_response_bytes`` bounds the body the suite reads. A call that breaks the deadline
    or the cap ends as a transport error (the step's ERROR), never as a hung run or a run out of memory.
    """

    connect: float = DEFAULT_CONNECT_TIMEOUT
    read: float = DEFAULT_READ_TIMEOUT
    deadline: float = DEFAULT_CALL_DEADLINE
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        if not (self.connect > 0 and self.read > 0 and self.deadline > 0):
            raise TargetError(
                f"timeouts must be positive seconds, got connect={self.connect}, read={self.read}, "
                f"deadline={self.deadline}"
            )
        if isinstance(self.max_response_bytes, bool) or not isinstance(self.max_response_bytes, int):
            raise TargetError(f"max_response_bytes must be a whole number of bytes, got {self.max_response_bytes!r}")
        if self.max_response_bytes < MIN_RESPONSE_BYTES:
            raise TargetError(
                f"max_response_bytes must be at least {MIN_RESPONSE_BYTES} (a Clean Rooms error body alone is a few "
                f"hundred bytes), got {self.max_response_bytes}"
            )


@dataclass(frozen=True, slots=True)
class LimitOverrides:
    """Limits given on the command line: each one given replaces the target's (None keeps it, e.g. the file's)."""

    connect: float | None = None
    read: float | None = None
    deadline: float | None = None
    max_response_bytes: int | None = None

    def apply(self, timeouts: Timeouts) -> Timeouts:
        return Timeouts(
            connect=timeouts.connect if self.connect is None else self.connect,
            read=timeouts.read if self.read is None else self.read,
            deadline=timeouts.deadline if self.deadline is None else self.deadline,
            max_response_bytes=(
                timeouts.max_response_bytes if self.max_response_bytes is None else self.max_response_bytes
            ),
        )


@dataclass(frozen=True, slots=True)
class ActorSpec:
    """A role in scenarios and the identity that plays it on one target."""

    name: str
    account_id: str | None = None
    """Known up front on emulators; on aws learned from STS (when given, it must match)."""
    profile: str | None = None
    """The AWS profile of the actor (aws targets)."""
    access_key_id: str | None = None
    """Emulators: defaults to the account id (LocalStack's convention)."""
    secret_access_key: str | None = field(default=None, repr=False)
    """Emulators: defaults to :data:`~conformance.targets.actors.DUMMY_SECRET`."""
    session_token: str | None = field(default=None, repr=False)
    """Emulators: sent as ``X-Amz-Security-Token`` when given (a target that wants temporary credentials)."""

    def static_credentials(self) -> tuple[str, str]:
        """Access key id and secret for an emulator (never real AWS keys: those come from profiles)."""
        key = self.access_key_id or self.account_id
        if key is None:
            raise TargetError(f"actor {self.name!r} has no account_id or access_key_id; give one in the target config")
        return key, self.secret_access_key or DUMMY_SECRET


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """A target before it is started: everything needed to build clients for its actors."""

    name: str
    """``reference``, ``moto``, ``aws``, a config name, or ``HOST-PORT`` for a URL; names report folders."""
    kind: TargetKind
    endpoint: str | None
    """The endpoint URL; None when the suite starts the server (reference, moto) or for aws's default."""
    region: str
    actors: Mapping[str, ActorSpec]
    timeouts: Timeouts = field(default_factory=Timeouts)
    allow_accounts: frozenset[str] = frozenset()
    """aws only: the accounts the run may touch."""
    verify: bool | str = True
    """TLS verification for https: True (default CA store or ``AWS_CA_BUNDLE``), False, or a CA bundle."""
    source: str = "command line"
    """Where the spec came from, for messages (``FILE [targets.NAME]`` for config targets)."""
    config_file: Path | None = None
    """The ``--target-config`` file that defines this target, if one does."""

    def __post_init__(self) -> None:
        # A caller's dict must not change a spec after the fact.
        object.__setattr__(self, "actors", MappingProxyType(dict(self.actors)))

    def require_actors(self, needed: Iterable[str]) -> None:
        """:class:`TargetError` naming every actor of ``needed`` this target lacks and how to configure it."""
        missing = sorted(set(needed) - set(self.actors))
        if missing:
            raise TargetError(self.unknown_actors_message(missing))

    def unknown_actors_message(self, missing: Sequence[str]) -> str:
        """What is missing (the actors not configured for this target) and the table that would add each."""
        names = ", ".join(repr(name) for name in missing)
        known = ", ".join(self.actors)
        key = 'profile = "AWS_PROFILE"' if self.kind == "aws" else 'account_id = "NNNNNNNNNNNN"'
        tables = " and ".join(f"[targets.{self.name}.actors.{name}]" for name in missing)
        plural = "s" if len(missing) > 1 else ""
        if self.config_file is not None:
            where = f"in {self.config_file} {tables} with {key}"
        else:
            where = f"in a --target-config file: {tables} with {key}, then run with --target={self.name}"
        if self.kind == "aws":
            # An aws table lists its actors exactly, so adding one table must not drop the default ones.
            where += f" (an aws target has exactly the actors it lists: keep {known})"
        return (
            f"unknown actor{plural} {names} on target {self.name!r}; known actors: {known}; "
            f"configure actor{plural} {', '.join(missing)} {where} (see docs/targets.md#actors)"
        )


def emulator_actors() -> dict[str, ActorSpec]:
    """The built-in emulator actors (see :data:`~conformance.targets.actors.EMULATOR_ACCOUNTS`)."""
    return {name: ActorSpec(name=name, account_id=account) for name, account in EMULATOR_ACCOUNTS.items()}


def parse_target(
    value: str,
    *,
    config_file: Path | None = None,
    region: str | None = None,
    timeouts: Timeouts | LimitOverrides | None = None,
    allow_accounts: Iterable[str] = (),
    actor_profiles: Mapping[str, str] | None = None,
) -> TargetSpec:
    """Turn a ``--target`` value (plus the other command-line options) into a checked :class:`TargetSpec`.

    ``region``/``timeouts`` override a config file's (:class:`LimitOverrides`: only the limits it gives);
    ``allow_accounts`` extends its list; ``actor_profiles``
    (aws only) maps actors to AWS profiles, replacing or adding to the config's or the defaults.
    """
    text = value.strip()
    if not text:
        raise TargetError(f"--target is empty: {_USAGE}")
    allowed = _allow_list(allow_accounts)
    if config_file is not None:
        entries = load_config(config_file)
        if text in entries:
            return _finish(_from_entry(entries[text]), region, timeouts, allowed, actor_profiles)
    if text in ("reference", "moto"):
        kind: TargetKind = "reference" if text == "reference" else "moto"
        spec = TargetSpec(name=text, kind=kind, endpoint=None, region=DEFAULT_REGION, actors=emulator_actors())
    elif text == "aws":
        actors = {name: ActorSpec(name=name, profile=AWS_PROFILE_PREFIX + name) for name in DEFAULT_AWS_ACTORS}
        spec = TargetSpec(name="aws", kind="aws", endpoint=None, region="", actors=actors)
    elif "://" in text or looks_like_host_port(text):
        try:
            endpoint = parse_endpoint(text)
        except EndpointSyntaxError as exc:
            raise TargetError(f"--target={text}: {exc}") from None
        spec = TargetSpec(
            name=endpoint.slug,
            kind="url",
            endpoint=endpoint.url,
            region=DEFAULT_REGION,
            actors=emulator_actors(),
        )
    else:
        raise TargetError(_unknown_name(text, config_file))
    return _finish(spec, region, timeouts, allowed, actor_profiles)


def _unknown_name(text: str, config_file: Path | None) -> str:
    message = f"unknown target {text!r}: {_USAGE}"
    candidates: list[str] = list(BUILTIN_TARGETS)
    if config_file is not None:
        names = list(load_config(config_file))
        candidates += names
        defined = ", ".join(names) if names else "no targets"
        message += f"; {config_file} defines {defined}"
    else:
        message += " (no --target-config was given)"
    close = difflib.get_close_matches(text, candidates, n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    elif "." in text or text == "localhost":
        message += f"; for a server you run, write http://{text}:PORT"
    return message


def _from_entry(entry: ConfigEntry) -> TargetSpec:
    kind: TargetKind
    if entry.kind == "aws":
        kind = "aws"
        if entry.actors:
            actors = {
                name: ActorSpec(name=name, account_id=a.account_id, profile=a.profile)
                for name, a in entry.actors.items()
            }
        else:
            actors = {name: ActorSpec(name=name, profile=AWS_PROFILE_PREFIX + name) for name in DEFAULT_AWS_ACTORS}
    else:
        kind = "url" if entry.kind == "url" else "moto" if entry.kind == "moto" else "reference"
        actors = emulator_actors()
        for name, a in entry.actors.items():
            base = actors.get(name, ActorSpec(name=name))
            actors[name] = ActorSpec(
                name=name,
                account_id=a.account_id or base.account_id,
                access_key_id=a.access_key_id,
                secret_access_key=a.secret_access_key,
                session_token=a.session_token,
            )
    return TargetSpec(
        name=entry.name,
        kind=kind,
        endpoint=entry.endpoint,
        region=entry.region or (DEFAULT_REGION if kind != "aws" else ""),
        actors=actors,
        timeouts=LimitOverrides(
            entry.connect_timeout, entry.read_timeout, entry.call_deadline, entry.max_response_bytes
        ).apply(Timeouts()),
        allow_accounts=frozenset(entry.allow_accounts),
        verify=entry.verify,
        source=entry.where,
        config_file=entry.file,
    )


def _finish(
    spec: TargetSpec,
    region: str | None,
    timeouts: Timeouts | LimitOverrides | None,
    allowed: frozenset[str],
    actor_profiles: Mapping[str, str] | None,
) -> TargetSpec:
    actors = dict(spec.actors)
    if actor_profiles:
        if spec.kind != "aws":
            raise TargetError(
                f"actor profiles apply to aws targets only, and {spec.name!r} is a {spec.kind} target; "
                "remove them (emulator actors are chosen by account id)"
            )
        for name, profile in actor_profiles.items():
            if not is_actor_name(name):
                raise TargetError(f"bad actor name {name!r} for profile {profile!r}: use an identifier like member2")
            actors[name] = ActorSpec(
                name=name, account_id=actors[name].account_id if name in actors else None, profile=profile
            )
    spec = replace(
        spec,
        region=region.strip() if region else spec.region,
        timeouts=timeouts.apply(spec.timeouts) if isinstance(timeouts, LimitOverrides) else timeouts or spec.timeouts,
        allow_accounts=spec.allow_accounts | allowed,
        actors=actors,
    )
    validate_spec(spec)
    return spec


def validate_spec(spec: TargetSpec) -> None:
    """Check what a runnable spec needs; ``start_target`` calls it too, for specs built by hand."""
    where = f"target {spec.name!r} ({spec.source})"
    if spec.kind == "aws" and not spec.region:
        raise TargetError(
            f"{where}: real AWS needs a region: pass --region=REGION (or set region in the target config)"
        )
    if not REGION.fullmatch(spec.region):
        raise TargetError(f'{where}: {spec.region!r} is not a region name; write it like "us-east-1"')
    if spec.kind == "url" and not spec.endpoint:
        raise TargetError(f"{where}: a url target needs an endpoint like http://127.0.0.1:4566")
    if REQUIRED_ACTOR not in spec.actors:
        raise TargetError(f"{where}: has no {REQUIRED_ACTOR!r} actor; every target needs one (add it to actors)")
    for name, actor in spec.actors.items():
        if name != actor.name:
            raise TargetError(f"{where}: actor key {name!r} holds an ActorSpec named {actor.name!r}")
        if actor.account_id is not None and not is_account_id(actor.account_id):
            raise TargetError(f"{where}: actor {name!r}: account id {actor.account_id!r} is not 12 digits")
        if spec.kind == "aws" and not actor.profile:
            raise TargetError(f"{where}: actor {name!r} has no AWS profile; map it with a profile in the target config")
        if spec.kind != "aws" and actor.account_id is None:
            raise TargetError(f"{where}: actor {name!r} has no account id; emulator actors need one")


def _allow_list(values: Iterable[str]) -> frozenset[str]:
    accounts = set()
    for value in values:
        account = value.strip()
        if not is_account_id(account):
            raise TargetError(f"--allow-account={value}: not a 12-digit AWS account id")
        accounts.add(account)
    return frozenset(accounts)
