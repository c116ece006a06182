"""Real-AWS safety: the account allow-list guard, run-id tags on everything created, and ledger hooks.

A conformance run creates and deletes collaborations, so pointing it at the wrong account would be costly.
Before anything else every actor's account is read from STS and must be on the allow-list; then every
CreateCollaboration/CreateMembership carries the tag ``cleanrooms-conformance:run-id = <run id>`` and every
successful create or delete is written to the run's ledger, whoever made the call (``call()`` or a caller
using the client directly), because both are done with client event hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import botocore.session
from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from conformance.targets.clients import aws_client
from conformance.targets.errors import TargetError
from conformance.targets.ledger import Ledger, LedgerEntry, ResourceKind
from conformance.targets.spec import TargetSpec

log = logging.getLogger(__name__)

#: The tag key carrying the run id on every resource a real-AWS run creates.
TAG_KEY = "cleanrooms-conformance:run-id"

#: Create operation → (kind of resource, key of the created resource in the response).
CREATES: Mapping[str, tuple[ResourceKind, str]] = MappingProxyType(
    {
        "CreateCollaboration": ("collaboration", "collaboration"),
        "CreateMembership": ("membership", "membership"),
    }
)
#: Delete operation → (kind of resource, identifier parameter).
DELETES: Mapping[str, tuple[ResourceKind, str]] = MappingProxyType(
    {
        "DeleteCollaboration": ("collaboration", "collaborationIdentifier"),
        "DeleteMembership": ("membership", "membershipIdentifier"),
    }
)
_DELETED_ID = "conformance_deleted_id"


def check_accounts(spec: TargetSpec, sessions: Mapping[str, botocore.session.Session]) -> dict[str, str]:
    """Every actor's account from STS; :class:`TargetError` unless all are distinct and on the allow-list."""
    if not spec.allow_accounts:
        raise TargetError(
            f"target {spec.name!r} is real AWS and the allow-list is empty: the suite creates and deletes "
            "resources, so name every account it may touch with --allow-account=ACCOUNT_ID "
            "(or allow_accounts in the target config)"
        )
    allowed = ", ".join(sorted(spec.allow_accounts))
    accounts: dict[str, str] = {}
    owners: dict[str, str] = {}
    for name, actor in spec.actors.items():
        who = f"actor {name!r} (profile {actor.profile!r})"
        account = _caller_account(spec, sessions[name], who, actor.profile or "")
        if actor.account_id is not None and actor.account_id != account:
            raise TargetError(
                f"{who} is account {account}, but the target config says {actor.account_id}; "
                "fix account_id or the profile"
            )
        if account not in spec.allow_accounts:
            raise TargetError(
                f"{who} is account {account}, which is not in the allow-list ({allowed}); "
                f"if that account is a sandbox the suite may write to, add --allow-account={account}"
            )
        if account in owners:
            raise TargetError(
                f"actors {owners[account]!r} and {name!r} are both account {account}; "
                "every actor needs its own account, so give one of them another profile"
            )
        owners[account] = name
        accounts[name] = account
    return accounts


def _caller_account(spec: TargetSpec, session: botocore.session.Session, who: str, profile: str) -> str:
    try:
        identity = aws_client(spec, session, "sts").get_caller_identity()
    except ProfileNotFound:
        raise TargetError(
            f"{who}: AWS profile {profile!r} not found; create it (aws configure --profile {profile}) "
            "or map the actor to an existing profile in the target config"
        ) from None
    except NoCredentialsError:
        raise TargetError(
            f"{who}: the profile has no usable credentials; log in (aws sso login --profile {profile}) "
            "or configure keys for it"
        ) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise TargetError(
            f"{who}: STS GetCallerIdentity failed: {error.get('Code')}: {error.get('Message')}; "
            "refresh the profile's credentials"
        ) from None
    except BotoCoreError as exc:
        raise TargetError(
            f"{who}: could not ask STS in {spec.region} who this is ({exc}); check network access to AWS"
        ) from None
    return str(identity["Account"])


def install_run_tags(client: BaseClient, run_id: str) -> None:
    """Add the run-id tag to every create on ``client`` (keeping any tags the caller gave)."""

    def add_tag(params: dict[str, Any], **_: Any) -> None:
        tags = params.get("tags")
        if tags is None:
            params["tags"] = {TAG_KEY: run_id}
        elif isinstance(tags, Mapping):
            params["tags"] = {**tags, TAG_KEY: run_id}  # a copy: never change the caller's dict
        # Anything else is a deliberately invalid value (fuzzing); the service will reject it, so leave it.

    for name in CREATES:
        client.meta.events.register(
            f"provide-client-params.cleanrooms.{name}", add_tag, unique_id=f"conformance-run-tag-{name}"
        )


def install_ledger_hooks(client: BaseClient, actor: str, ledger: Ledger) -> None:
    """Write every successful create and delete made with ``client`` (as ``actor``) to ``ledger``."""
    events = client.meta.events

    def created(http_response: Any, parsed: Mapping[str, Any], model: Any, **_: Any) -> None:
        if not 200 <= int(http_response.status_code) < 300:
            return
        kind, key = CREATES[model.name]
        resource = parsed.get(key) if isinstance(parsed, Mapping) else None
        resource_id = resource.get("id") if isinstance(resource, Mapping) else None
        if not isinstance(resource_id, str):
            log.warning("%s succeeded without %s.id; the ledger cannot track it", model.name, key)
            return
        arn = resource.get("arn") if isinstance(resource, Mapping) else None
        ledger.record_created(LedgerEntry(kind, resource_id, actor, arn if isinstance(arn, str) else None))

    def remember_id(params: Mapping[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        context[_DELETED_ID] = params.get(DELETES[model.name][1])

    def deleted(http_response: Any, model: Any, context: Mapping[str, Any], **_: Any) -> None:
        resource_id = context.get(_DELETED_ID)
        if 200 <= int(http_response.status_code) < 300 and isinstance(resource_id, str):
            ledger.record_deleted(DELETES[model.name][0], resource_id)

    for name in CREATES:
        events.register(f"after-call.cleanrooms.{name}", created, unique_id=f"conformance-ledger-{name}")
    for name in DELETES:
        events.register(f"provide-client-params.cleanrooms.{name}", remember_id, unique_id=f"conformance-id-{name}")
        events.register(f"after-call.cleanrooms.{name}", deleted, unique_id=f"conformance-ledger-{name}")
