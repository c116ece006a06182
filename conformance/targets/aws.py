"""Real-AWS safety: the account allow-list guard, run-id tags, ledger hooks, and the ownership guard.

A conformance run creates and deletes collaborations, so pointing it at the wrong account would be costly.
Before anything else every actor's account is read from STS and must be on the allow-list; then every create of
a tracked resource (:data:`conformance.model.families.TRACKED`: collaborations, memberships) carries the tag
``cleanrooms-conformance:run-id = <run id>``, every successful create or delete is written to the run's ledger,
and every request that would change or delete an existing resource is refused before it is sent unless that
resource is the run's own (:func:`ownership_problem`).
All of it is done with client event hooks, so it holds whoever made the call (``call()`` or a caller using the
client directly).

Run ids on real AWS have a checkable form (:data:`AWS_RUN_ID`): ``cr-conf-`` and 8 random hex digits, or
``cr-conf-<label>-`` and 8 random hex digits for a run id a CI job chooses. The random part keeps parallel runs
apart; cleanup matches the run-id tag exactly, so no run id can reach another run's resources.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import botocore.session
from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from conformance.model.families import TRACKED, Resource, only_reads
from conformance.model.service import operation as operation_model
from conformance.targets.clients import aws_client
from conformance.targets.errors import TargetError
from conformance.targets.ledger import Ledger, LedgerEntry, ResourceKind
from conformance.targets.spec import TargetSpec

log = logging.getLogger(__name__)

#: The tag key carrying the run id on every resource a real-AWS run creates.
TAG_KEY = "cleanrooms-conformance:run-id"

RUN_ID_PREFIX = "cr-conf-"
#: The run ids a real-AWS run and ``cleanup`` accept: the prefix, an optional label, and 8 random hex digits.
AWS_RUN_ID = re.compile(r"cr-conf-(?:[a-z0-9]+(?:-[a-z0-9]+)*-)?[0-9a-f]{8}")
_MAX_RUN_ID = 64

#: Create operation → the tracked resource it makes (its id is ``<resource.key>.id`` in the answer).
CREATES: Mapping[str, Resource] = MappingProxyType({r.create: r for r in TRACKED if r.create is not None})
#: Delete operation → the tracked resource it deletes (named by ``resource.id_param``).
DELETES: Mapping[str, Resource] = MappingProxyType({r.delete: r for r in TRACKED if r.delete is not None})
_DELETED_ID = "conformance_deleted_id"

#: Parameters that name a resource the ledger tracks, and its kind.
_LEDGER_PARAMS: Mapping[str, ResourceKind] = MappingProxyType({r.id_param: r.kind for r in TRACKED})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# Every random bit zero (only the version and variant digits set): the scenarios' "an id that exists nowhere".
_NOBODYS_ID = re.compile(r"0{8}-0{4}-[0-9a-f]000-[0-9a-f]000-0{12}", re.IGNORECASE)


class NotThisRunsResource(TargetError):
    """A request that would change or delete a resource this run did not create; it was not sent."""


def check_aws_run_id(run_id: str) -> str:
    """``run_id`` if real AWS may use it; :class:`TargetError` saying the accepted form otherwise."""
    if len(run_id) > _MAX_RUN_ID or not AWS_RUN_ID.fullmatch(run_id):
        raise TargetError(
            f"run id {run_id!r} cannot be used on real AWS: a run's resources are found by its run id, so it must "
            f"be the suite's own form, {RUN_ID_PREFIX}<8 hex digits> (what a run prints, e.g. {RUN_ID_PREFIX}1a2b3c4d) "
            f"or {RUN_ID_PREFIX}<label>-<8 hex digits> (e.g. {RUN_ID_PREFIX}nightly-1a2b3c4d, at most "
            f"{_MAX_RUN_ID} characters, lower case); the 8 random digits keep parallel runs apart, and a prefix or a "
            "word would name other runs' resources"
        )
    return run_id


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
        made = CREATES[model.name]
        kind, key = made.kind, made.key
        resource = parsed.get(key) if isinstance(parsed, Mapping) else None
        resource_id = resource.get("id") if isinstance(resource, Mapping) else None
        if not isinstance(resource_id, str):
            log.warning("%s succeeded without %s.id; the ledger cannot track it", model.name, key)
            return
        arn = resource.get("arn") if isinstance(resource, Mapping) else None
        ledger.record_created(LedgerEntry(kind, resource_id, actor, arn if isinstance(arn, str) else None))

    def remember_id(params: Mapping[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        context[_DELETED_ID] = params.get(DELETES[model.name].id_param)

    def deleted(http_response: Any, model: Any, context: Mapping[str, Any], **_: Any) -> None:
        resource_id = context.get(_DELETED_ID)
        if 200 <= int(http_response.status_code) < 300 and isinstance(resource_id, str):
            ledger.record_deleted(DELETES[model.name].kind, resource_id)

    for name in CREATES:
        events.register(f"after-call.cleanrooms.{name}", created, unique_id=f"conformance-ledger-{name}")
    for name in DELETES:
        events.register(f"provide-client-params.cleanrooms.{name}", remember_id, unique_id=f"conformance-id-{name}")
        events.register(f"after-call.cleanrooms.{name}", deleted, unique_id=f"conformance-ledger-{name}")


def install_ownership_guard(client: BaseClient, ledger: Ledger) -> None:
    """Refuse, before sending, every request of ``client`` that changes or deletes what the run did not create."""

    def guard(params: Mapping[str, Any], model: Any, **_: Any) -> None:
        problem = ownership_problem(model.name, params, ledger)
        if problem is not None:
            raise NotThisRunsResource(problem)

    client.meta.events.register("provide-client-params.cleanrooms", guard, unique_id="conformance-ownership")


def ownership_problem(operation: str, params: Mapping[str, Any], ledger: Ledger) -> str | None:
    """Why ``operation`` with ``params`` may not be sent on real AWS, or None when it may.

    Reads are always sent, and so are creates of a new top-level resource. Any other operation (a delete, an
    update, a change request, a create inside a collaboration or membership, a tag) is sent only when the resource
    it names is the run's own: its collaboration or membership id (or, for operations without one, every resource
    id it names) is in the run's ledger. Two kinds of value name no one's resource and are sent too, so the
    scenarios can check how a service refuses them:

    * a value with no UUID in it (``not-a-uuid``, a fuzzed string): Clean Rooms ids are UUIDs;
    * a UUID whose 122 random bits are all zero (``00000000-0000-4000-8000-000000000000``): Clean Rooms ids are
      random version-4 UUIDs, so the service hands this one out with a probability of 2^-122.

    Any other well-formed id is refused, even one that a Get says does not exist: for a collaboration the caller
    cannot see, AWS answers AccessDeniedException whether it exists or not (spec A16), so no read can prove that an
    id belongs to no one. Ids are compared without regard to case.
    """
    if only_reads(operation):
        return None
    parents, others = _identifier_params(operation)
    for param in parents or others:
        value = params.get(param)
        if value is None:
            continue
        kind = _LEDGER_PARAMS.get(param)
        for found in _UUID.findall(str(value)):
            if _NOBODYS_ID.fullmatch(found) or ledger.owns(found, kind):
                continue
            return (
                f"refused on real AWS, not sent: {operation} names {param} {found}, which this run did not create "
                f"(it is not in the run's ledger {ledger.path}); the suite changes and deletes only its own resources"
            )
    return None


@functools.cache
def _identifier_params(operation: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(its tracked resources' id parameters, its other resource id parameters) of ``operation``."""
    shape = operation_model(operation).input_shape
    members = tuple(shape.members) if shape is not None else ()
    parents = tuple(m for m in members if m in _LEDGER_PARAMS)
    others = tuple(m for m in members if m not in _LEDGER_PARAMS and (m.endswith("Identifier") or m == "resourceArn"))
    return parents, others
