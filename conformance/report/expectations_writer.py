"""Writing an expectations file from a run: every item that did not pass, one entry per line, ready to commit.

The reading side, the file's format and the gate are :mod:`conformance.report.expectations`; this module is
what ``cleanrooms-conformance expectations --from <report-dir>`` writes.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import records
from .results import Results


def expectations_from_results(results: Results, *, reason: str = "recorded by expectations --from") -> str:
    """YAML text of an expectations file that lists every scenario that did not pass, ready to commit.

    A scenario that was already an expected failure (XFAIL) keeps its entry (outcome, reason, link, expiry);
    a stale one (XPASS) is left out, as it passes now, and so are fuzz items that were not run (SKIPPED) or had
    nothing to run on (UNSUPPORTED: the operation is not implemented), and files that could not be loaded: no
    entry excuses those (fix the file).
    """
    seq = CommentedSeq()
    chosen = [
        s
        for s in results.scenarios
        if s.outcome not in ("PASS", "XPASS", "SKIPPED")
        and not _unjudged_fuzz(s)
        and s.evidence_level != records.COLLECTION_ERROR
    ]
    for scenario in sorted(chosen, key=lambda s: s.scenario_id):
        old = scenario.expectation if scenario.outcome == "XFAIL" else None
        entry = CommentedMap()
        entry["id"] = scenario.scenario_id
        # An XFAIL with no entry behind it was excused by --evidence: it failed.
        fresh = "FAIL" if scenario.outcome == "XFAIL" else scenario.outcome
        entry["outcome"] = str(old.get("outcome")) if old else fresh
        entry["reason"] = str(old.get("reason")) if old and old.get("reason") else _first_failure(scenario, reason)
        if old and old.get("link"):
            entry["link"] = str(old["link"])
        if old and old.get("expires"):
            entry["expires"] = dt.date.fromisoformat(str(old["expires"]))
        # One line per entry: a reviewer reads one scenario per line, and deleting a line un-lists exactly
        # one scenario (the gate then fails on it) instead of leaving a broken half-entry behind.
        entry.fa.set_flow_style()
        seq.append(entry)
        if scenario.title:
            seq.yaml_add_eol_comment(scenario.title, len(seq) - 1)
    document = CommentedMap()
    document["version"] = 1
    document["implementation"] = results.run.target + (f" ({results.run.endpoint})" if results.run.endpoint else "")
    document["entries"] = seq
    document.yaml_set_start_comment(
        f"Expected failures of {document['implementation']}, from run {results.run.run_id or '-'}.\n"
        "Each entry: id, outcome (FAIL | ERROR | UNSUPPORTED), reason; optional link, expires (YYYY-MM-DD)."
    )
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # keep each entry on its one line
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _unjudged_fuzz(scenario: records.ScenarioRecord) -> bool:
    """A fuzz item on an operation the target lacks: skipped, never gating (the scenarios judge that), so unlisted."""
    return "fuzz" in scenario.tags and scenario.outcome == "UNSUPPORTED"


# A failure line of a scenario ("  - [expectation, model: MODEL] text") or of a fuzz check ("  [shape, model] text").
_FAILURE_LINE = re.compile(r"^\s*(?:- )?\[[^\]]*\]\s*(?P<text>.+)$", re.MULTILINE)


_FILE_REFERENCE = re.compile(r"\s*\([^()]*\.ya?ml:\d+\)\s*$")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _first_failure(scenario: records.ScenarioRecord, default: str) -> str:
    """The first failure of the scenario's message, as a reason a reviewer can judge (or ``default``).

    Run-specific parts (ids, the scenario file's path on this machine) are left out, so that regenerating the
    file after another run changes only what really changed.
    """
    found = _FAILURE_LINE.search(scenario.message or "")
    if found is None:
        return default
    text = _UUID.sub("<id>", _FILE_REFERENCE.sub("", " ".join(found.group("text").split())))
    return text if len(text) <= 200 else text[:197] + "..."
