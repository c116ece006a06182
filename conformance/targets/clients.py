"""Builds botocore Clean Rooms clients for actors: sessions, credentials, timeouts, no retries.

Client creation is the expensive part of a botocore call path (a new session re-reads every model: ~40 ms),
so emulator clients all come from one process-wide session and real-AWS per-profile sessions share its
model loader. Every client is built the same way: no client-side parameter validation (the suite must be
able to send invalid input), exactly one attempt (a 500 must come back as one exchange, not three), the
target's connect and read timeouts, its call deadline and response-size cap (``bounded.install``), and
explicit credentials or an explicit profile, never the environment's defaults.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import botocore.session
from botocore.client import BaseClient
from botocore.config import Config

from conformance.model.service import SERVICE_NAME, isolated_session
from conformance.targets import bounded
from conformance.targets.endpoints import parse_endpoint
from conformance.targets.spec import ActorSpec, TargetSpec

#: Builds the botocore session of one real-AWS actor; tests swap it for sessions with stubbed clients.
SessionFactory = Callable[[ActorSpec], botocore.session.Session]

# botocore sessions are not documented as thread-safe for create_client; xdist uses processes, but a
# scenario runner may use threads, so client creation on the shared session is serialized.
_SESSION_LOCK = threading.Lock()


@cache
def user_agent() -> str:
    try:
        return f"cleanrooms-conformance/{version('cleanrooms-conformance')}"
    except PackageNotFoundError:  # running from a source tree without an install
        return "cleanrooms-conformance/dev"


@cache
def base_user_agent() -> str:
    """The fixed User-Agent every client sends before :func:`user_agent` (``Botocore/1.44.5 Python/3.11.7 ...``).

    Given explicitly because botocore rebuilds its default User-Agent, component by component and twice, on
    every request (about 90 µs, 12-15% of a call against a local emulator); a supplied one is used as it is.
    The string is the session's own classic form, so a server still sees which botocore and Python called.
    """
    return str(emulator_session().user_agent())


def emulator_session() -> botocore.session.Session:
    """The process-wide session for emulator clients: the model layer's isolated session (one per process)."""
    return isolated_session()


def aws_session(actor: ActorSpec) -> botocore.session.Session:
    """A session for a real-AWS actor's profile, sharing the emulator session's already-loaded models."""
    session = botocore.session.Session(profile=actor.profile)
    session.register_component("data_loader", emulator_session().get_component("data_loader"))
    return session


def client_config(spec: TargetSpec, endpoint_url: str | None) -> Config:
    """The botocore config of every client of ``spec``."""
    options: dict[str, Any] = {
        "parameter_validation": False,
        "retries": {"total_max_attempts": 1, "mode": "standard"},
        "connect_timeout": spec.timeouts.connect,
        "read_timeout": spec.timeouts.read,
        "user_agent": base_user_agent(),
        "user_agent_extra": user_agent(),
    }
    # No proxy can reach a server on this machine's loopback, and an HTTP_PROXY without NO_PROXY would
    # otherwise route 127.0.0.1 through it. An explicit empty mapping is botocore's "no proxies".
    if endpoint_url is not None and parse_endpoint(endpoint_url).is_loopback:
        options["proxies"] = {}
    return Config(**options)


def emulator_client(spec: TargetSpec, endpoint_url: str, actor: ActorSpec) -> BaseClient:
    """A client signing as ``actor`` with its static emulator credentials (access key id = account id)."""
    key, secret = actor.static_credentials()
    with _SESSION_LOCK:
        client: BaseClient = emulator_session().create_client(
            SERVICE_NAME,
            region_name=spec.region,
            endpoint_url=endpoint_url,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=actor.session_token,
            verify=_verify(spec),
            config=client_config(spec, endpoint_url),
        )
    bounded.install(client, spec.timeouts)
    return client


def aws_client(spec: TargetSpec, session: botocore.session.Session, service: str = SERVICE_NAME) -> BaseClient:
    """A client of ``service`` from an actor's profile session (credentials resolved by botocore)."""
    endpoint = spec.endpoint if service == SERVICE_NAME else None
    client: BaseClient = session.create_client(
        service,
        region_name=spec.region,
        endpoint_url=endpoint,
        verify=_verify(spec),
        config=client_config(spec, endpoint),
    )
    bounded.install(client, spec.timeouts)
    return client


def _verify(spec: TargetSpec) -> bool | str | None:
    # None, not True, so that AWS_CA_BUNDLE / ca_bundle still apply when the user did not ask for anything.
    return None if spec.verify is True else spec.verify
