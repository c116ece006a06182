"""A started target: clients per actor, ``call()``, and a ``close()`` that undoes what starting did.

``start_target`` starts what the spec needs (the reference emulator or moto on 127.0.0.1; nothing for a URL;
for real AWS, the account guard, run-id tags and the ledger) and returns a :class:`RunningTarget`, which is a
context manager. Clients are made once per actor and cached, all from one botocore session, because client
creation, not the call, is what costs time.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any

from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError

from conformance.model.exchange import CallResult, Recorder
from conformance.targets import calling
from conformance.targets.actors import REQUIRED_ACTOR
from conformance.targets.aws import (
    RUN_ID_PREFIX,
    check_accounts,
    check_aws_run_id,
    install_ledger_hooks,
    install_ownership_guard,
    install_run_tags,
)
from conformance.targets.calling import Instruments
from conformance.targets.clients import SessionFactory, aws_client, aws_session, emulator_client
from conformance.targets.errors import TargetError
from conformance.targets.ledger import DEFAULT_LEDGER_DIR, Deletion, Ledger
from conformance.targets.servers import select_moto_account, start_moto, start_reference
from conformance.targets.shutdown import ExitCleanup
from conformance.targets.spec import ActorSpec, TargetSpec, validate_spec

if TYPE_CHECKING:
    from conformance.reference import EmulatorConfig, ReferenceServer

log = logging.getLogger(__name__)

# Run ids name ledger files and go into resource names, so they must be file-name safe; on real AWS they must
# also have the suite's own form (aws.check_aws_run_id), because cleanup finds a run's resources by them.
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{7,63}")


def new_run_id() -> str:
    """``cr-conf-`` and 8 random hex digits."""
    return RUN_ID_PREFIX + secrets.token_hex(4)


def check_run_id(run_id: str) -> str:
    if not RUN_ID.fullmatch(run_id):
        raise TargetError(
            f"run id {run_id!r} is not usable: use 8 to 64 letters, digits, '.', '_' or '-' "
            f"(the default is like {RUN_ID_PREFIX}1a2b3c4d)"
        )
    return run_id


class RunningTarget:
    """A started target. Use it as a context manager, or call :meth:`close` when done."""

    def __init__(
        self,
        spec: TargetSpec,
        *,
        endpoint_url: str | None,
        run_id: str,
        accounts: Mapping[str, str],
        make_client: Callable[[ActorSpec], BaseClient],
        on_close: Sequence[Callable[[], None]] = (),
        ledger: Ledger | None = None,
        server: object | None = None,
    ) -> None:
        self.spec = spec
        self.server = server
        """The server this target started (reference or moto), None otherwise."""
        self.run_id = run_id
        self.ledger = ledger
        """The created-resources record (aws targets only)."""
        self.deletions: tuple[Deletion, ...] = ()
        """What ``close()`` deleted (aws targets only)."""
        self._endpoint_url = endpoint_url
        self._accounts = MappingProxyType(dict(accounts))
        self._make_client = make_client
        self._on_close = list(on_close)
        self._clients: dict[str, tuple[BaseClient, Instruments]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._exit_cleanup: ExitCleanup | None = None
        if ledger is not None:
            self._exit_cleanup = ExitCleanup(self.close)
            self._exit_cleanup.install()

    # -- identity -------------------------------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        """Where requests go (for aws without an override: the regional endpoint botocore resolved)."""
        if self._endpoint_url is None:
            self._endpoint_url = str(self.client(REQUIRED_ACTOR).meta.endpoint_url)
        return self._endpoint_url

    @property
    def reference_server(self) -> ReferenceServer | None:
        """The reference emulator behind a reference target (its ``reset()`` and ``set_defects()`` seams)."""
        from conformance.reference import ReferenceServer

        return self.server if isinstance(self.server, ReferenceServer) else None

    @property
    def accounts(self) -> Mapping[str, str]:
        """Actor → account id, e.g. for templating ``{{ accounts.member }}``."""
        return self._accounts

    def actors(self) -> tuple[str, ...]:
        return tuple(self._accounts)

    def account_id(self, actor: str) -> str:
        try:
            return self._accounts[actor]
        except KeyError:
            raise TargetError(self._unknown_actor(actor)) from None

    # -- clients and calls ----------------------------------------------------------------------------------

    def client(self, actor: str) -> BaseClient:
        """The cached client of ``actor``: no validation, one attempt, the spec's timeouts, a Recorder."""
        return self._instrumented(actor)[0]

    def recorder(self, actor: str) -> Recorder:
        """The Recorder on ``actor``'s client, for callers that use :meth:`client` directly."""
        return self._instrumented(actor)[1].recorder

    def call(
        self, actor: str, operation: str, params: Mapping[str, Any], *, raw_body: bytes | None = None
    ) -> CallResult:
        """Call ``operation`` (a model name) as ``actor``; service and transport problems are results.

        ``raw_body`` sends the operation's normal request with exactly these body bytes instead (signed over).
        """
        client, instruments = self._instrumented(actor)
        return calling.call(client, instruments, operation, params, raw_body=raw_body)

    def _instrumented(self, actor: str) -> tuple[BaseClient, Instruments]:
        found = self._clients.get(actor)
        if found is not None and not self._closed:
            return found
        with self._lock:
            if self._closed:
                raise TargetError(f"target {self.spec.name!r} is closed; start it again to make calls")
            found = self._clients.get(actor)
            if found is None:
                spec = self.spec.actors.get(actor)
                if spec is None:
                    raise TargetError(self._unknown_actor(actor))
                client = self._make_client(spec)
                found = (client, Instruments(client))
                self._clients[actor] = found
        return found

    def _unknown_actor(self, actor: str) -> str:
        return self.spec.unknown_actors_message([actor])

    # -- lifecycle ------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Delete what the run created (aws), stop what was started; safe to call more than once."""
        with self._lock:
            if self._closed:
                return
            self._closed = True  # even if interrupted below: a second Ctrl-C means stop, `cleanup` finishes
        try:
            if self.ledger is not None:
                self.deletions = self.ledger.drain(self._cleanup_client)
                self._report_leftovers()
        finally:
            for stop in self._on_close:
                try:
                    stop()
                except Exception:
                    log.exception("stopping target %s failed", self.spec.name)
            if self._exit_cleanup is not None:
                self._exit_cleanup.uninstall()

    def _cleanup_client(self, actor: str) -> BaseClient:
        found = self._clients.get(actor)
        if found is not None:
            return found[0]
        spec = self.spec.actors.get(actor)
        if spec is None:
            raise TargetError(self._unknown_actor(actor))
        return self._make_client(spec)

    def _report_leftovers(self) -> None:
        assert self.ledger is not None
        left = self.ledger.outstanding()
        if left:
            log.error(
                "%d resource(s) of run %s could not be deleted; retry with: cleanrooms-conformance cleanup "
                "--target=%s --run-id=%s --ledger=%s",
                len(left),
                self.run_id,
                self.spec.name,
                self.run_id,
                self.ledger.path.parent,
            )

    def __enter__(self) -> RunningTarget:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RunningTarget(name={self.spec.name!r}, kind={self.spec.kind!r}, run_id={self.run_id!r})"


def start_target(
    spec: TargetSpec,
    *,
    run_id: str | None = None,
    emulator_config: EmulatorConfig | None = None,
    ledger_dir: Path | None = None,
    session_factory: SessionFactory | None = None,
) -> RunningTarget:
    """Start ``spec``'s target.

    ``emulator_config`` is for the reference emulator; ``ledger_dir`` (default ``reports/.ledger``) and
    ``session_factory`` (default: one session per actor profile) are for real AWS.
    """
    validate_spec(spec)
    run_id = check_run_id(run_id) if run_id is not None else new_run_id()
    if emulator_config is not None and spec.kind != "reference":
        raise TargetError(f"an emulator config applies to the reference target only, not to {spec.kind!r}")
    accounts = {name: actor.account_id for name, actor in spec.actors.items() if actor.account_id is not None}
    if spec.kind == "aws":
        return _start_aws(spec, run_id, ledger_dir or DEFAULT_LEDGER_DIR, session_factory or aws_session)
    if spec.kind == "url":
        assert spec.endpoint is not None  # validate_spec checked it
        make = partial(emulator_client, spec, spec.endpoint)
        return RunningTarget(spec, endpoint_url=spec.endpoint, run_id=run_id, accounts=accounts, make_client=make)
    if spec.kind == "reference":
        server = start_reference(spec.region, emulator_config)
        make = partial(emulator_client, spec, server.url)
        return RunningTarget(
            spec,
            endpoint_url=server.url,
            run_id=run_id,
            accounts=accounts,
            make_client=make,
            on_close=[server.stop],
            server=server.handle,
        )
    server = start_moto()

    def moto_client(actor: ActorSpec) -> BaseClient:
        client = emulator_client(spec, server.url, actor)
        select_moto_account(client, accounts[actor.name])
        return client

    return RunningTarget(
        spec,
        endpoint_url=server.url,
        run_id=run_id,
        accounts=accounts,
        make_client=moto_client,
        on_close=[server.stop],
        server=server.handle,
    )


def _start_aws(spec: TargetSpec, run_id: str, ledger_dir: Path, session_factory: SessionFactory) -> RunningTarget:
    check_aws_run_id(run_id)
    sessions = {name: session_factory(actor) for name, actor in spec.actors.items()}
    accounts = check_accounts(spec, sessions)
    ledger = Ledger(ledger_dir, run_id)

    def make_client(actor: ActorSpec) -> BaseClient:
        client = aws_client(spec, sessions[actor.name])
        install_run_tags(client, run_id)
        install_ledger_hooks(client, actor.name, ledger)
        install_ownership_guard(client, ledger)
        return client

    return RunningTarget(
        spec,
        endpoint_url=spec.endpoint,
        run_id=run_id,
        accounts=accounts,
        make_client=make_client,
        ledger=ledger,
    )


# The last: the watchdog ended a wait for headers that trickled (targets/bounded.py, no_complete_answer).
_ACCEPTED_BUT_BROKEN = ("ReadTimeoutError", "ConnectionClosedError", "no complete answer within")


def probe(target: RunningTarget) -> None:
    """One cheap call (ListCollaborations as creator); :class:`TargetError` if no HTTP answer came back.

    Any answer, whatever its status, means the target is reachable; whether it is *right* is the suite's job.
    """
    try:
        result = target.call(REQUIRED_ACTOR, "ListCollaborations", {"maxResults": 1})
    except BotoCoreError as exc:  # e.g. credentials a profile cannot produce
        raise TargetError(f"target {target.spec.name!r} could not be probed: {exc}") from None
    if result.transport_error is None or result.status != 0:
        return
    if result.transport_error.startswith(_ACCEPTED_BUT_BROKEN):
        # The server took the connection and then hung or hung up: reachable, only broken. Its scenarios end as
        # ERROR with that evidence instead of the whole run stopping here.
        return
    raise TargetError(
        f"target {target.spec.name!r} at {target.endpoint_url} is not reachable: {result.transport_error}; "
        f"check that {_reachability_hint(target)}"
    )


def _reachability_hint(target: RunningTarget) -> str:
    spec = target.spec
    if spec.kind == "url":
        return (
            f"the server is running and listening at {spec.endpoint} (or pass another --target); "
            f"timeouts are connect {spec.timeouts.connect:g}s, read {spec.timeouts.read:g}s"
        )
    if spec.kind == "aws":
        return f"this machine can reach AWS in {spec.region} (network, proxy, --region)"
    return f"the built-in {spec.kind} server started; this is a suite bug, please report it"
