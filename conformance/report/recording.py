"""Golden recordings: the normalised responses of a run, saved per scenario, and the differences from them.

A team records the truth once (``--record`` against sandbox AWS, or against any implementation it trusts),
commits the files, and later checks another implementation against them (``--against-recording DIR``).
Responses are normalised first (:mod:`conformance.report.normalise`), so ids, account ids, times, tokens and
the run id do not count as differences, while "the same id as in step 2" still does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ReportError
from .exchanges import error_code
from .files import atomic_write_text
from .normalise import PlaceholderMap, normalise_response, without_run_id
from .records import CheckRecord

RECORDING_VERSION = 1


@dataclass(frozen=True, slots=True)
class Difference:
    """One way the current run's answer to a step differs from the recording."""

    step: int
    operation: str
    message: str

    def __str__(self) -> str:
        return f"steps[{self.step}] {self.operation}: {self.message}"


def recording_of(
    scenario_id: str,
    target: str,
    checks: Sequence[CheckRecord],
    *,
    accounts: Mapping[str, str],
    run_id: str,
) -> dict[str, Any]:
    """The normalised recording of one scenario's checks (status, error code and body of every step)."""
    placeholders = PlaceholderMap(accounts=accounts)
    steps = []
    for check in checks:
        response = check.response or {}
        body = without_run_id(response.get("body"), run_id)
        steps.append(
            {
                "step": check.step,
                "operation": check.operation,
                "actor": check.actor,
                "status": response.get("status"),
                "error_code": error_code(response) if response else None,
                "body": normalise_response(body, placeholders=placeholders),
            }
        )
    return {"version": RECORDING_VERSION, "scenario_id": scenario_id, "target": target, "steps": steps}


def path_for(directory: Path, scenario_id: str) -> Path:
    return directory / f"{scenario_id}.json"


def write_recording(directory: Path, recording: Mapping[str, Any]) -> Path:
    path = path_for(directory, str(recording["scenario_id"]))
    atomic_write_text(path, json.dumps(recording, indent=2, sort_keys=True) + "\n")
    return path


def read_recording(directory: Path, scenario_id: str) -> dict[str, Any] | None:
    """The recording of ``scenario_id`` in ``directory``; None when there is none; ReportError when unreadable."""
    path = path_for(directory, scenario_id)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: not a readable recording ({exc}); record it again with --record") from None
    if not isinstance(data, dict) or data.get("version") != RECORDING_VERSION or "steps" not in data:
        raise ReportError(f"{path}: not a recording of version {RECORDING_VERSION}; record it again with --record")
    return data


def differences(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[Difference]:
    """Every difference between a recording and the same scenario's current recording, step by step."""
    found: list[Difference] = []
    old_steps = {s["step"]: s for s in recorded.get("steps", [])}
    new_steps = {s["step"]: s for s in current.get("steps", [])}
    for index in sorted(set(old_steps) | set(new_steps), key=lambda i: -1 if i is None else int(i)):
        old, new = old_steps.get(index), new_steps.get(index)
        if old is None or new is None:
            label = (new or old or {}).get("operation", "?")
            what = "not in the recording" if old is None else "recorded but did not run now"
            found.append(Difference(int(index or 0), str(label), what))
            continue
        operation = str(new.get("operation"))
        for key in ("status", "error_code"):
            if old.get(key) != new.get(key):
                found.append(Difference(int(index), operation, f"{key} {new.get(key)!r}, recorded {old.get(key)!r}"))
        if old.get("error_code") is None and new.get("error_code") is None:
            found.extend(_body_differences(int(index), operation, old.get("body"), new.get("body")))
    return found


def _body_differences(step: int, operation: str, old: Any, new: Any) -> list[Difference]:
    # Imported here: deepdiff (and pydantic under it) takes ~70 ms to import, and only runs that compare with a
    # recording need it; every pytest process imports this module.
    from deepdiff import DeepDiff

    diff = DeepDiff(old, new, ignore_order=False, verbose_level=2)
    out: list[Difference] = []
    for kind, entries in diff.items():
        items = entries.items() if isinstance(entries, Mapping) else ((entry, None) for entry in entries)
        for path, detail in items:
            where = str(path).replace("root", "body", 1)
            out.append(Difference(step, operation, f"{where}: {kind.replace('_', ' ')} {_short(detail)}".rstrip()))
    return out


def _short(detail: Any) -> str:
    if detail is None:
        return ""
    if isinstance(detail, Mapping) and {"old_value", "new_value"} <= set(detail):
        return f"{detail['new_value']!r}, recorded {detail['old_value']!r}"
    text = json.dumps(detail, default=str)
    return text if len(text) <= 200 else text[:197] + "..."
