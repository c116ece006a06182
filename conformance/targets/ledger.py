"""Remembers every resource a real-AWS run creates, on disk as it happens, and deletes them at the end.

The ledger is a JSON-lines file, ``<dir>/<run_id>.jsonl``, one line per event::

    {"event": "created", "kind": "collaboration", "id": "…", "actor": "creator", "arn": "…", "at": 1795305322}
    {"event": "deleted", "kind": "collaboration", "id": "…", "at": 1795305330.1}

Lines are written (and flushed) the moment a create or delete succeeds, so a run that is killed outright still
leaves a file from which ``cleanrooms-conformance cleanup --run-id`` can finish the job. The folder is the
report folder's ``.ledger`` (``<--report-dir>/.ledger``), so a run and its cleanup find it in the same place.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError

from conformance.model.families import TRACKED, tracked_kind
from conformance.targets.errors import TargetError

log = logging.getLogger(__name__)

ResourceKind = str
"""The :attr:`~conformance.model.families.Resource.kind` of a tracked resource (``collaboration``, ``membership``)."""
Outcome = Literal["deleted", "gone", "failed"]

#: The ledger folder's name inside a report folder (``--report-dir``).
LEDGER_FOLDER = ".ledger"
#: Where ledgers go unless the caller says otherwise: the default report folder's (relative to the working directory).
DEFAULT_LEDGER_DIR = Path("reports") / LEDGER_FOLDER

# Deleting something that is already gone is success for cleanup purposes.
_GONE_CODES = frozenset({"ResourceNotFoundException"})
# What AWS answers for an id that exists nowhere (spec A16: Get/Delete of a collaboration declare no
# ResourceNotFoundException) — and also for a real refusal, which a Get then tells apart.
_MAYBE_GONE_CODES = frozenset({"AccessDeniedException"})
# IAM's own refusal ("User: arn:... is not authorized to perform: cleanrooms:DeleteCollaboration"): the resource
# may well exist; the credentials lack a permission.
_IAM_DENIAL = "not authorized to perform"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A resource the run created."""

    kind: ResourceKind
    resource_id: str
    actor: str
    """The actor that created it, and so may delete it."""
    arn: str | None = None


@dataclass(frozen=True, slots=True)
class Deletion:
    """What happened when one resource was deleted."""

    entry: LedgerEntry
    outcome: Outcome
    detail: str = ""


class Ledger:
    """The created-resources record of one run; safe to use from several threads."""

    def __init__(self, directory: Path, run_id: str) -> None:
        self.run_id = run_id
        self.path = directory / f"{run_id}.jsonl"
        self._lock = threading.Lock()
        self._created: dict[tuple[str, str], LedgerEntry] = {}
        self._deleted: set[tuple[str, str]] = set()
        self._ids: set[tuple[str, str]] = set()  # (kind, lower-case id) of everything ever created, for owns()
        if self.path.exists():
            self._load()

    def record_created(self, entry: LedgerEntry) -> None:
        key = (entry.kind, entry.resource_id)
        with self._lock:
            if key in self._created and key not in self._deleted:
                return
            self._created[key] = entry
            self._ids.add((entry.kind, entry.resource_id.lower()))
            self._deleted.discard(key)
            self._append(
                {
                    "event": "created",
                    "kind": entry.kind,
                    "id": entry.resource_id,
                    "actor": entry.actor,
                    "arn": entry.arn,
                }
            )

    def record_deleted(self, kind: ResourceKind, resource_id: str) -> None:
        key = (kind, resource_id)
        with self._lock:
            if key not in self._created or key in self._deleted:
                return  # not ours, or already noted
            self._deleted.add(key)
            self._append({"event": "deleted", "kind": kind, "id": resource_id})

    def owns(self, resource_id: str, kind: ResourceKind | None = None) -> bool:
        """True when this run created ``resource_id`` (of ``kind``, or of any kind), deleted since or not."""
        key = resource_id.lower()
        with self._lock:
            if kind is not None:
                return (kind, key) in self._ids
            return any((r.kind, key) in self._ids for r in TRACKED)

    def outstanding(self) -> tuple[LedgerEntry, ...]:
        """Created and not yet deleted, oldest first."""
        with self._lock:
            return tuple(e for key, e in self._created.items() if key not in self._deleted)

    def drain(self, client_for: Callable[[str], BaseClient]) -> tuple[Deletion, ...]:
        """Delete every outstanding resource, newest first, as the actor that created it.

        A failure is logged and the drain goes on; the failed resource stays outstanding in the file.
        ``KeyboardInterrupt`` stops the drain (a second Ctrl-C means "stop now"); ``cleanup`` finishes later.
        """
        results = []
        for entry in reversed(self.outstanding()):
            result = delete_resource(entry, client_for)
            if result.outcome == "failed":
                log.warning(
                    "could not delete %s %s as %s: %s",
                    entry.kind,
                    entry.resource_id,
                    entry.actor,
                    result.detail,
                )
            else:
                self.record_deleted(entry.kind, entry.resource_id)
            results.append(result)
        return tuple(results)

    def _append(self, record: dict[str, Any]) -> None:
        record["at"] = round(time.time(), 3)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(record, sort_keys=True) + "\n")
            stream.flush()

    def _load(self) -> None:
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                key = (str(record["kind"]), str(record["id"]))
                tracked_kind(record["kind"])  # KeyError for a kind the registry does not track
                if record["event"] == "created":
                    self._created[key] = LedgerEntry(
                        kind=record["kind"],
                        resource_id=key[1],
                        actor=str(record["actor"]),
                        arn=record.get("arn"),
                    )
                    self._ids.add((key[0], key[1].lower()))
                    self._deleted.discard(key)
                elif record["event"] == "deleted":
                    self._deleted.add(key)
            except (ValueError, KeyError, TypeError):
                # A run killed mid-write leaves a torn last line; the rest of the file is still good.
                log.warning("%s:%d: skipping unreadable ledger line %r", self.path, number, line[:120])


def delete_resource(entry: LedgerEntry, client_for: Callable[[str], BaseClient]) -> Deletion:
    """Delete one resource as ``entry.actor``; "gone" when it no longer exists, "failed" with the reason.

    AWS answers AccessDeniedException, not ResourceNotFoundException, to a DeleteCollaboration of a collaboration
    that is already gone; the creator can always read its own collaboration, so when a Get as the same actor
    is refused (or finds nothing) too, the resource is gone. Without that second look, cleanup would report it as
    failed and keep it in the ledger for ever. An IAM refusal ("... is not authorized to perform ...") proves
    nothing, and stays a failure.
    """
    resource = tracked_kind(entry.kind)
    assert resource.delete is not None  # tracked resources have a delete
    method = xform_name(resource.delete)
    try:
        client = client_for(entry.actor)
        getattr(client, method)(**resource.address(entry.resource_id))
    except ClientError as exc:
        code = _code(exc)
        if code in _GONE_CODES:
            return Deletion(entry, "gone", code)
        detail = " ".join(str(exc).split())
        if code in _MAYBE_GONE_CODES and _IAM_DENIAL not in detail:
            confirmed = _gone_on_read(entry, client)
            if confirmed is not None:
                return Deletion(entry, "gone", f"{code}, and {confirmed}")
        return Deletion(entry, "failed", detail)
    except (BotoCoreError, TargetError) as exc:
        return Deletion(entry, "failed", f"{type(exc).__name__}: {exc}")
    return Deletion(entry, "deleted")


def _gone_on_read(entry: LedgerEntry, client: BaseClient) -> str | None:
    """How a Get showed that ``entry`` no longer exists, or None when it did not show that."""
    # A Get tells "already gone" from "not allowed".
    resource = tracked_kind(entry.kind)
    method = xform_name(resource.get)
    try:
        getattr(client, method)(**resource.address(entry.resource_id))
    except ClientError as exc:
        code = _code(exc)
        if code in _GONE_CODES or (code in _MAYBE_GONE_CODES and _IAM_DENIAL not in str(exc)):
            return f"{method} answered {code}"
        return None
    except (BotoCoreError, TargetError):
        return None
    return None  # it is still there


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
