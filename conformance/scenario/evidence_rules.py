"""The evidence rules of a scenario file: what its evidence and its prose may cite, and at which level.

Every key in ``evidence.source`` and every key or section that the title, the description or a step name cites
must be defined in ``docs/behaviour.md``; what rests on an ambiguity key must be ``inferred``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ruamel.yaml.comments import CommentedMap

from conformance.model.behaviour import REFERENCE_NAME, Citation, is_ambiguity_key, reference
from conformance.model.vocabulary import Evidence, EvidenceLevel
from conformance.scenario.format import Step
from conformance.scenario.problems import Problems
from conformance.scenario.yaml_doc import value_line


class EvidenceRules:
    """Checks the evidence and the citations of one file, reporting to its :class:`Problems`."""

    def __init__(self, problems: Problems, lines: Sequence[str]) -> None:
        self.problems = problems
        self.lines = lines
        """The file's text, line by line (to place a citation in a folded description)."""

    def evidence(self, node: CommentedMap, here: str, line: int) -> Evidence | None:
        level = EvidenceLevel(str(node["level"]))
        source = str(node["source"])
        source_line = value_line(node, "source")
        keys = [part.strip() for part in source.split(",")]
        ok = True
        for key, hint in reference().unknown_keys(source):
            self.problems.error(source_line, f"{here}.source: {key!r} is not a key of {REFERENCE_NAME}{hint}")
            ok = False
        for key in keys:
            if is_ambiguity_key(key) and key in reference().keys and level is not EvidenceLevel.INFERRED:
                self.problems.error(
                    value_line(node, "level"),
                    f"{here}.level: {key} is an ambiguity of {REFERENCE_NAME} (a reading of what AWS leaves open),"
                    f" so the level must be inferred, not {level}",
                )
                ok = False
        return Evidence(level, ", ".join(keys)) if ok else None

    # --- citations in the prose ------------------------------------------------------------------------------

    def _prose(self, text: str, line: int, where: str) -> list[Citation]:
        """Every citation of ``text`` (which starts at ``line``); an undefined one is an error at its own line."""
        known: list[Citation] = []
        for citation in reference().citations(text):
            if citation.known:
                known.append(citation)
                continue
            what = "section" if citation.text.startswith("§") else "key"
            self.problems.error(
                self._line_holding(citation.text, line),
                f"{where}: {citation.text!r} is not a {what} of {REFERENCE_NAME}{citation.hint}",
            )
        return known

    def _line_holding(self, token: str, start: int) -> int:
        """The first line from ``start`` that holds ``token`` (a folded description spans several lines)."""
        pattern = re.compile(rf"(?<![\w§]){re.escape(token)}(?!\w|\.\d)")
        for number in range(start, len(self.lines) + 1):
            if pattern.search(self.lines[number - 1]):
                return number
        return start

    def scenario_prose(self, doc: CommentedMap, evidence: Evidence | None, steps: Sequence[Step]) -> None:
        """The title and description cite only defined keys, and an ambiguity they cite is tested as inferred."""
        texts = [("scenario", str(doc["scenario"]), value_line(doc, "scenario"))]
        if "description" in doc:
            texts.append(("description", str(doc["description"]), value_line(doc, "description")))
        for where, text, line in texts:
            for citation in self._prose(text, line, where):
                key = citation.text
                if not citation.is_ambiguity or evidence is None or evidence.level is EvidenceLevel.INFERRED:
                    continue
                if any(step.evidence.level is EvidenceLevel.INFERRED and key in step.evidence.keys for step in steps):
                    continue
                self.problems.error(
                    self._line_holding(key, line),
                    f"{where}: cites {key}, an ambiguity of {REFERENCE_NAME} (a reading of what AWS leaves open),"
                    f" but no step rests on it: give the step(s) that test it"
                    f' `evidence: {{level: inferred, source: "..., {key}"}}`, or make the file\'s evidence inferred',
                )

    def step_name(self, node: CommentedMap, here: str, evidence: Evidence | None) -> None:
        line = value_line(node, "name")
        for citation in self._prose(str(node["name"]), line, f"{here}.name"):
            if citation.is_ambiguity and evidence is not None and evidence.level is not EvidenceLevel.INFERRED:
                self.problems.error(
                    line,
                    f"{here}.name: cites {citation.text}, an ambiguity of {REFERENCE_NAME}, so the step's evidence"
                    f' must be inferred: `evidence: {{level: inferred, source: "..., {citation.text}"}}`',
                )
