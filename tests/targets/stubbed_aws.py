"""A stand-in for real AWS in tests: a session factory whose clients answer from ``botocore.stub.Stubber``.

``start_target(spec, session_factory=StubbedAws(accounts))`` gets, for each actor, a botocore session whose
STS client says the actor is the given account and whose Clean Rooms client has a Stubber the test scripts
with ``aws.stubber(actor)``. Nothing touches the network.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import botocore.session
from botocore.client import BaseClient
from botocore.stub import Stubber

from conformance.targets.clients import emulator_session
from conformance.targets.spec import ActorSpec, TargetSpec

ISOLATED = {
    "profile": (None, None, None, None),
    "config_file": (None, None, os.devnull, None),
    "credentials_file": (None, None, os.devnull, None),
}


def aws_spec(accounts: Mapping[str, str], *, allow: frozenset[str] | None = None) -> TargetSpec:
    """An aws target spec with one profile per actor; every account allowed unless ``allow`` says otherwise."""
    actors = {name: ActorSpec(name=name, profile=f"cr-{name}") for name in accounts}
    return TargetSpec(
        name="sandbox",
        kind="aws",
        endpoint=None,
        region="eu-west-1",
        actors=actors,
        allow_accounts=frozenset(accounts.values()) if allow is None else allow,
    )


class _EmptyBody:
    def stream(self, **_: Any) -> Any:
        yield b""


def _give_body(http_response: Any, **_: Any) -> None:
    # Stubber's fake responses have no body at all (raw=None), which the model layer's Recorder cannot read.
    if http_response.raw is None:
        http_response.raw = _EmptyBody()


class StubbedAws:
    """Session factory for ``start_target``/``cleanup``; keeps the Stubber of every client it made."""

    def __init__(
        self,
        accounts: Mapping[str, str],
        *,
        sts_errors: Mapping[str, str] | None = None,
        script: Callable[[str, Stubber], None] | None = None,
    ) -> None:
        self.accounts = dict(accounts)
        self.sts_errors = dict(sts_errors or {})
        self.script = script
        """Called with (actor, stubber) as each Clean Rooms client is made, to queue its responses."""
        self.stubbers: dict[tuple[str, str], Stubber] = {}
        self.sessions_made: list[str] = []

    def __call__(self, actor: ActorSpec) -> botocore.session.Session:
        self.sessions_made.append(actor.name)
        return _Session(self, actor.name)

    def stubber(self, actor: str, service: str = "cleanrooms") -> Stubber:
        return self.stubbers[(actor, service)]

    def made(self, actor: str, service: str, client: BaseClient) -> Stubber:
        stubber = Stubber(client)
        self.stubbers[(actor, service)] = stubber
        if service == "sts":
            code = self.sts_errors.get(actor)
            if code is not None:
                stubber.add_client_error("get_caller_identity", service_error_code=code, http_status_code=403)
            else:
                account = self.accounts[actor]
                stubber.add_response(
                    "get_caller_identity",
                    {"UserId": "AIDTEST", "Account": account, "Arn": f"arn:aws:iam::{account}:user/{actor}"},
                )
        else:
            client.meta.events.register_first("after-call.cleanrooms", _give_body)
            if self.script is not None:
                self.script(actor, stubber)
        stubber.activate()
        return stubber

    def assert_done(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


class _Session(botocore.session.Session):
    def __init__(self, owner: StubbedAws, actor: str) -> None:
        super().__init__(session_vars=ISOLATED)
        self.set_credentials("testing", "testing")
        self.register_component("data_loader", emulator_session().get_component("data_loader"))  # speed
        self._owner = owner
        self._actor = actor

    def create_client(self, service_name: str, *args: Any, **kwargs: Any) -> BaseClient:
        client: BaseClient = super().create_client(service_name, *args, **kwargs)
        self._owner.made(self._actor, service_name, client)
        return client
