"""Removes what a real-AWS run left behind: ``cleanrooms-conformance cleanup --run-id ID``.

Two passes. First the run's ledger file (``<report dir>/.ledger/<run id>.jsonl``, or the folder given):
everything it records as created and not deleted is deleted, newest first, as the actor that created it. Then,
because a run can die between a create and its ledger line, a sweep: every tracked resource
(:data:`conformance.model.families.TRACKED`: every actor's memberships and own collaborations) is listed, and
those whose ``cleanrooms-conformance:run-id`` tag *equals* the run id are added to the ledger and deleted too
(memberships first). Names are never matched: a name is free text that
anyone can choose ("prod conformance-reporting pipeline"), and a substring of it proves nothing.

Only run ids of the suite's own form are accepted (``cr-conf-<8 hex>`` or ``cr-conf-<label>-<8 hex>``, see
:func:`conformance.targets.aws.check_aws_run_id`), so neither a prefix nor a word can stand for many runs. The
account guard runs first, as for any real-AWS target, so cleanup never touches an account outside the
allow-list; and the ownership guard of every aws target refuses any delete of an id that is not in the ledger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError

from conformance.model.families import TRACKED
from conformance.targets.aws import TAG_KEY, check_aws_run_id
from conformance.targets.clients import SessionFactory
from conformance.targets.errors import TargetError
from conformance.targets.ledger import (
    DEFAULT_LEDGER_DIR,
    Deletion,
    Ledger,
    LedgerEntry,
    Outcome,
    ResourceKind,
    delete_resource,
)
from conformance.targets.running import RunningTarget, start_target
from conformance.targets.spec import TargetSpec

log = logging.getLogger(__name__)

FoundBy = Literal["ledger", "tag"]
_MAX_PAGES = 100  # a bound on listing, so a target that always returns a nextToken cannot loop forever


@dataclass(frozen=True, slots=True)
class CleanupItem:
    """One resource cleanup tried to delete."""

    kind: ResourceKind
    resource_id: str
    actor: str
    outcome: Outcome
    found_by: FoundBy
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CleanupReport:
    """What ``cleanup`` did for one run id."""

    run_id: str
    items: tuple[CleanupItem, ...]
    ledger: Path | None = None
    """The ledger file cleanup read (None when there was none: only the sweep by tag ran)."""
    looked_in: Path | None = None
    """The folder where cleanup looked for the ledger."""

    @property
    def deleted(self) -> tuple[CleanupItem, ...]:
        return tuple(i for i in self.items if i.outcome == "deleted")

    @property
    def failed(self) -> tuple[CleanupItem, ...]:
        return tuple(i for i in self.items if i.outcome == "failed")

    @property
    def ok(self) -> bool:
        """Nothing failed (resources already gone count as cleaned)."""
        return not self.failed

    def __str__(self) -> str:
        """A human summary: counts, then one line per resource."""
        gone = sum(1 for i in self.items if i.outcome == "gone")
        lines = [
            f"cleanup of run {self.run_id}: {len(self.deleted)} deleted, {gone} already gone, {len(self.failed)} failed"
        ]
        if self.ledger is not None:
            lines.append(f"  ledger: {self.ledger}")
        elif self.looked_in is not None:
            lines.append(
                f"  ledger: none in {self.looked_in} (only the sweep by run-id tag ran; "
                "give the run's --report-dir or --ledger if it wrote one elsewhere)"
            )
        lines += [
            f"  {i.outcome:<7} {i.kind} {i.resource_id} as {i.actor} (found by {i.found_by})"
            + (f": {i.detail}" if i.outcome == "failed" else "")
            for i in self.items
        ]
        return "\n".join(lines)


def cleanup(
    spec: TargetSpec,
    run_id: str,
    *,
    ledger_dir: Path | None = None,
    session_factory: SessionFactory | None = None,
) -> CleanupReport:
    """Delete the leftovers of run ``run_id`` on the real-AWS target ``spec``.

    ``ledger_dir`` is the folder of the run's ledger (default ``reports/.ledger``, where a run with the default
    ``--report-dir`` keeps it).
    """
    if spec.kind != "aws":
        raise TargetError(
            f"cleanup is for real-AWS targets, and {spec.name!r} is a {spec.kind} target; "
            "emulators need no cleanup (restart them to start empty)"
        )
    check_aws_run_id(run_id)
    folder = ledger_dir or DEFAULT_LEDGER_DIR
    existed = (folder / f"{run_id}.jsonl").is_file()
    items: list[CleanupItem] = []
    with start_target(spec, run_id=run_id, ledger_dir=folder, session_factory=session_factory) as target:
        ledger = target.ledger
        assert ledger is not None  # aws targets always have one
        handled: set[tuple[str, str]] = set()
        for deletion in ledger.drain(target.client):
            items.append(_item(deletion, "ledger"))
            handled.add((deletion.entry.kind, deletion.entry.resource_id))
        for entry in _sweep(target, run_id):
            if (entry.kind, entry.resource_id) in handled:
                continue
            handled.add((entry.kind, entry.resource_id))
            items.append(_item(_adopt_and_delete(ledger, entry, target), "tag"))
    for item in items:
        if item.outcome == "failed":
            log.warning("cleanup of run %s: %s %s failed: %s", run_id, item.kind, item.resource_id, item.detail)
    return CleanupReport(
        run_id=run_id, items=tuple(items), ledger=ledger.path if existed else None, looked_in=folder.resolve()
    )


def _adopt_and_delete(ledger: Ledger, entry: LedgerEntry, target: RunningTarget) -> Deletion:
    # Its run-id tag proves it is this run's; written to the ledger first, so the ownership guard lets the delete
    # through and a delete that fails stays outstanding for the next cleanup.
    ledger.record_created(entry)
    deletion = delete_resource(entry, target.client)
    if deletion.outcome != "failed":
        ledger.record_deleted(entry.kind, entry.resource_id)
    return deletion


def _item(deletion: Deletion, found_by: FoundBy) -> CleanupItem:
    entry = deletion.entry
    return CleanupItem(entry.kind, entry.resource_id, entry.actor, deletion.outcome, found_by, deletion.detail)


def _sweep(target: RunningTarget, run_id: str) -> Iterator[LedgerEntry]:
    """Resources tagged with the run id, found by listing, children first (memberships before collaborations).

    The registry lists parents before the resources made in them, so it is walked backwards.
    """
    for resource in reversed(TRACKED):
        for actor in target.actors():
            client = target.client(actor)
            owner = target.account_id(actor) if resource.owner_member is not None else None
            for summary in _pages(getattr(client, xform_name(resource.lister)), resource.list_key):
                if summary.get("status") in resource.ended:
                    continue
                if resource.owner_member is not None and summary.get(resource.owner_member) != owner:
                    continue  # only its owner can delete it (a collaboration: its creator)
                if _tagged_with(client, summary, run_id):
                    yield LedgerEntry(resource.kind, str(summary["id"]), actor, summary.get("arn"))


def _tagged_with(client: BaseClient, summary: Mapping[str, Any], run_id: str) -> bool:
    """True when the resource's run-id tag equals ``run_id`` exactly."""
    arn = summary.get("arn")
    if not isinstance(arn, str):
        return False
    try:
        tags = client.list_tags_for_resource(resourceArn=arn).get("tags", {})
    except (ClientError, BotoCoreError) as exc:
        log.warning("cannot read the tags of %s: %s", arn, exc)
        return False
    return isinstance(tags, Mapping) and tags.get(TAG_KEY) == run_id


def _pages(list_call: Callable[..., Any], key: str) -> Iterator[Mapping[str, Any]]:
    params: dict[str, Any] = {}
    for _ in range(_MAX_PAGES):
        try:
            page = list_call(**params)
        except (ClientError, BotoCoreError) as exc:
            raise TargetError(f"cleanup could not list resources ({exc}); check the profiles' permissions") from None
        yield from page.get(key, [])
        token = page.get("nextToken")
        if not token:
            return
        params["nextToken"] = token
