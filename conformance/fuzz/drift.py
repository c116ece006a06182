"""The model-drift guard: a checksum of each operation's whole shape tree, stored beside the scenarios.

When botocore is upgraded, an operation whose HTTP binding, input, output or errors changed (any shape reached
from them, resolved recursively) gets a new checksum; the guard then fails and names the scenario files whose
steps call that operation, so someone reviews them against the new model. Documentation is hashed separately:
a documentation-only change (the 2026-04-17 ability note, docs/behaviour.md §8) is reported but does not fail the guard.

The stored file (``scenarios/model-checksums.json``)::

    {"botocore": "1.44.5", "algorithm": "sha256 over canonical JSON",
     "operations": {"CreateCollaboration": {"shape": "<hex>", "docs": "<hex>"}, ...}}

Refresh it after reviewing: ``python -m conformance.fuzz.drift update [scenarios/model-checksums.json]``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from conformance.model.service import SERVICE_NAME, botocore_version, isolated_session

CHECKSUMS_FILE = "model-checksums.json"
ALGORITHM = "sha256 over canonical JSON"
_CALL = re.compile(r"\bcall:\s*[\"']?([A-Z][A-Za-z0-9]*)")


@dataclass(frozen=True, slots=True)
class Drift:
    """How the installed model differs from the stored checksums."""

    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    docs_changed: tuple[str, ...]
    stored_botocore: str

    @property
    def breaking(self) -> bool:
        """Operations changed or disappeared: scenarios need review."""
        return bool(self.changed or self.removed)


@cache
def _raw_model() -> Mapping[str, Any]:
    loader = isolated_session().get_component("data_loader")
    model: Mapping[str, Any] = loader.load_service_model(SERVICE_NAME, "service-2")
    return model


def checksums() -> dict[str, dict[str, str]]:
    """Operation name → ``{"shape": hex, "docs": hex}`` for the installed model."""
    model = _raw_model()
    shapes: Mapping[str, Any] = model["shapes"]
    out: dict[str, dict[str, str]] = {}
    for name, definition in sorted(model["operations"].items()):
        roots = [ref["shape"] for ref in (definition.get("input"), definition.get("output")) if ref]
        roots += [ref["shape"] for ref in definition.get("errors", ())]
        reached = _reachable(shapes, roots)
        structure = {
            "http": definition.get("http"),
            "input": (definition.get("input") or {}).get("shape"),
            "output": (definition.get("output") or {}).get("shape"),
            "errors": sorted(ref["shape"] for ref in definition.get("errors", ())),
            "flags": {k: v for k, v in definition.items() if k in ("idempotent", "endpoint", "authtype")},
            "shapes": {s: _strip_docs(shapes[s]) for s in reached},
        }
        docs = {"operation": definition.get("documentation", ""), "shapes": {s: _docs(shapes[s]) for s in reached}}
        out[name] = {"shape": _digest(structure), "docs": _digest(docs)}
    return out


def _reachable(shapes: Mapping[str, Any], roots: Iterable[str]) -> list[str]:
    seen: list[str] = []
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen or name not in shapes:
            continue
        seen.append(name)
        definition = shapes[name]
        for member in (definition.get("members") or {}).values():
            pending.append(member["shape"])
        for key in ("member", "key", "value"):
            if key in definition:
                pending.append(definition[key]["shape"])
    return sorted(seen)


def _strip_docs(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip_docs(v) for k, v in value.items() if k != "documentation"}
    if isinstance(value, list):
        return [_strip_docs(v) for v in value]
    return value


def _docs(definition: Mapping[str, Any]) -> dict[str, Any]:
    members = definition.get("members") or {}
    return {
        "shape": definition.get("documentation", ""),
        "members": {name: member.get("documentation", "") for name, member in members.items()},
    }


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def document() -> dict[str, Any]:
    """The checksums file's content for the installed model."""
    return {"botocore": botocore_version(), "algorithm": ALGORITHM, "operations": checksums()}


def write(path: Path) -> Path:
    path.write_text(json.dumps(document(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load(path: Path) -> Mapping[str, Any]:
    """The stored checksums; ``ValueError`` naming the file when it is not a checksums file."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read the model checksums ({exc})") from None
    if not isinstance(stored, dict) or not isinstance(stored.get("operations"), dict):
        raise ValueError(f"{path}: not a model checksums file (no 'operations' object)")
    return stored


def compare(stored: Mapping[str, Any], current: Mapping[str, Mapping[str, str]] | None = None) -> Drift:
    """What changed between the stored checksums and the installed model."""
    now = current if current is not None else checksums()
    before: Mapping[str, Mapping[str, str]] = stored.get("operations", {})
    changed = tuple(sorted(op for op in now if op in before and before[op].get("shape") != now[op]["shape"]))
    docs = tuple(
        sorted(op for op in now if op in before and op not in changed and before[op].get("docs") != now[op]["docs"])
    )
    return Drift(
        changed=changed,
        added=tuple(sorted(op for op in now if op not in before)),
        removed=tuple(sorted(op for op in before if op not in now)),
        docs_changed=docs,
        stored_botocore=str(stored.get("botocore", "?")),
    )


def scenarios_calling(operations: Iterable[str], files: Sequence[Path]) -> dict[str, list[Path]]:
    """Operation → the scenario files whose steps call it (read as text: ``call: Name``)."""
    wanted = set(operations)
    found: dict[str, list[Path]] = {op: [] for op in sorted(wanted)}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        for name in sorted(set(_CALL.findall(text)) & wanted):
            found[name].append(path)
    return found


def report(drift: Drift, callers: Mapping[str, Sequence[Path]]) -> str:
    """The guard's message: what changed, and which scenarios to review."""
    lines = [
        f"the service model changed since the checksums were stored (botocore {drift.stored_botocore} → "
        f"{botocore_version()})"
    ]
    for op in drift.changed:
        files = ", ".join(str(p) for p in callers.get(op, ())) or "no scenario calls it"
        lines.append(f"  changed: {op} — review: {files}")
    for op in drift.removed:
        files = ", ".join(str(p) for p in callers.get(op, ())) or "no scenario calls it"
        lines.append(f"  removed: {op} — review: {files}")
    if drift.added:
        lines.append(f"  added (no review needed): {', '.join(drift.added)}")
    if drift.docs_changed:
        lines.append(f"  documentation only (worth a read): {', '.join(drift.docs_changed)}")
    lines.append("after review: python -m conformance.fuzz.drift update <scenarios>/" + CHECKSUMS_FILE)
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    """``python -m conformance.fuzz.drift update [FILE]`` writes the checksums of the installed model."""
    if not argv or argv[0] != "update":
        sys.stderr.write("usage: python -m conformance.fuzz.drift update [scenarios/model-checksums.json]\n")
        return 2
    path = Path(argv[1]) if len(argv) > 1 else Path("scenarios") / CHECKSUMS_FILE
    write(path)
    sys.stdout.write(f"wrote {path} (botocore {botocore_version()}, {len(checksums())} operations)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
