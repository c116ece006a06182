"""Loads scenario YAML files into :class:`~conformance.scenario.format.Scenario` values, or says what is wrong.

Every problem is a :class:`ScenarioError` naming ``file:line`` and what to write instead. A file is checked in
three passes, each only if the one before passed: YAML syntax (ruamel's round-trip loader, which keeps the
line of every key and item), the JSON Schema of the format (``scenario.schema.json``), and the checks that need
the service model or the whole file: operation and member names (with close-match suggestions), actors,
matcher tags and their arguments, templates (syntax, and names that no earlier step saves), ``save`` names,
the ``since`` release, and citations: every key in ``evidence.source`` and every key or section that the title,
the description or a step name cites must be defined in ``docs/behaviour.md``, and what rests on an ambiguity
key must be ``inferred``. Values are never checked against the model: negative scenarios send bad values on
purpose. Names are.

This module reads the file and builds the scenario; the parts live beside it: the YAML with its lines
(:mod:`.yaml_doc`), the model checks of each step (:mod:`.step_checks`, values and matchers in
:mod:`.step_values`), what a template may name (:mod:`.template_scope`) and the evidence rules
(:mod:`.evidence_rules`).
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from conformance.model.behaviour import REFERENCE_NAME
from conformance.model.releases import RELEASE_DATES
from conformance.model.vocabulary import ACTORS
from conformance.scenario.evidence_rules import EvidenceRules
from conformance.scenario.format import Scenario, Step
from conformance.scenario.problems import Problems, ScenarioError
from conformance.scenario.schema import schema_problems
from conformance.scenario.step_checks import StepChecks
from conformance.scenario.yaml_doc import Tagged, item_line, json_view, key_line, line_at, parse_yaml, value_line
from conformance.scenario.yaml_limits import MAX_FILE_BYTES, LimitExceeded, check_size

__all__ = ["DEFAULT_ACTORS", "ScenarioError", "load_scenario", "load_scenarios"]

DEFAULT_ACTORS: tuple[str, ...] = ACTORS


def load_scenario(path: Path, *, actors: Iterable[str] = DEFAULT_ACTORS) -> Scenario:
    """Load one file; raises :class:`ScenarioError` (the first problem, with the others in ``more``)."""
    loaded, errors = _FileLoader(Path(path), frozenset(actors)).load()
    if errors:
        raise ScenarioError(errors[0].path, errors[0].line, errors[0].message, more=errors[1:])
    assert loaded is not None
    return loaded.scenario


def load_scenarios(
    paths: Iterable[Path], *, actors: Iterable[str] = DEFAULT_ACTORS
) -> tuple[list[Scenario], list[ScenarioError]]:
    """Load files and folders (``*.yaml``/``*.yml`` below them, sorted); every problem is returned, not raised.

    Besides each file's own problems this reports a scenario id used by two files (at the second one).
    """
    actor_set = frozenset(actors)
    scenarios: list[Scenario] = []
    errors: list[ScenarioError] = []
    first: dict[str, Scenario] = {}
    for file in _expand(paths):
        loaded, problems = _FileLoader(file, actor_set).load()
        errors.extend(problems)
        if loaded is None:
            continue
        scenario = loaded.scenario
        earlier = first.get(scenario.id)
        if earlier is not None:
            errors.append(
                ScenarioError(
                    file,
                    loaded.id_line,
                    f"scenario id {scenario.id!r} is already used by {earlier.file}; give one of them another `id:`",
                )
            )
            continue
        first[scenario.id] = scenario
        scenarios.append(scenario)
    return scenarios, errors


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            # Not only regular files: a FIFO or socket named *.yaml is reported by the loader, not skipped.
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and not p.is_dir()))
        else:
            files.append(path)
    return files


# --- one file ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Loaded:
    scenario: Scenario
    id_line: int


class _FileLoader:
    """Checks one file and builds its Scenario; collects every problem rather than stopping at the first."""

    def __init__(self, path: Path, actors: frozenset[str]) -> None:
        self.path = path
        self.actors = actors
        self.problems = Problems(path)
        self._fast = True
        self._lines: list[str] = []
        self._beyond_limits = False
        """Set when the file was refused by a limit: reading it again, more slowly, would say the same."""

    @property
    def errors(self) -> list[ScenarioError]:
        return self.problems.errors

    def error(self, line: int, message: str) -> None:
        self.problems.error(line, message)

    def load(self) -> tuple[_Loaded | None, list[ScenarioError]]:
        loaded, errors = self._load()
        if errors and self._fast and not self._beyond_limits:
            # A file with problems is read again by the pure parser, so that every message and line is exactly
            # what it reports (libyaml places an empty value elsewhere, which only an error message would show).
            self._fast = False
            self.problems = Problems(self.path)
            loaded, errors = self._load()
        return loaded, errors

    def _load(self) -> tuple[_Loaded | None, list[ScenarioError]]:
        doc = self._read()
        if doc is None:
            return None, self.errors
        for problem in schema_problems(json_view(doc)):
            self.error(line_at(doc, problem.path, problem.key), problem.message)
        if self.errors:
            return None, sorted(self.errors, key=lambda e: e.line)
        loaded = self._build(doc)
        if self.errors:
            return None, sorted(self.errors, key=lambda e: e.line)
        return loaded, []

    def _read(self) -> CommentedMap | None:
        text = self._text()
        if text is None:
            return None
        self._lines = text.splitlines()
        try:
            doc = parse_yaml(text, fast=self._fast)
        except LimitExceeded as exc:
            self._beyond_limits = True
            self.error(exc.line, exc.message)
            return None
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            problem = " ".join(part for part in (exc.context, exc.problem) if part)
            source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
            hint = ""
            if "scanning a tag" in problem:
                hint = "; inside {...} or [...] put a space after a tag without argument: `{id: !uuid }`"
            elif "single document" in problem:
                hint = "; a scenario file holds one document: put each scenario in its own file"
            elif "{{" in source_line:
                hint = '; a value holding a template must be quoted: "{{ name }}"'
            self.error(line, f"YAML syntax error: {problem}{hint}")
            return None
        except YAMLError as exc:
            self.error(1, f"YAML error: {exc}")
            return None
        if doc is None:
            self.error(1, "the file is empty; a scenario needs `scenario`, `since`, `evidence` and `steps`")
            return None
        if not isinstance(doc, CommentedMap):
            self.error(1, "a scenario file holds one mapping with `scenario`, `since`, `evidence` and `steps`")
            return None
        self._check_keys(doc)
        return None if self.errors else doc

    def _text(self) -> str | None:
        """The file's text, or None with the problem recorded: not a regular file, too large, not UTF-8."""
        try:
            # stat before open: opening a FIFO named *.yaml would wait for a writer forever.
            info = self.path.stat()
            if not stat.S_ISREG(info.st_mode):
                self.error(1, f"not a regular file ({_file_kind(info.st_mode)}); a scenario is a *.yaml text file")
                return None
            check_size(info.st_size)
            with self.path.open("rb") as file:
                raw = file.read(MAX_FILE_BYTES + 1)  # never more, even if it grew since
            check_size(len(raw))
        except LimitExceeded as exc:
            self.error(exc.line, exc.message)
            return None
        except OSError as exc:
            self.error(1, f"cannot read the file: {exc.strerror or exc}")
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            byte = raw[exc.start]
            self.error(line, f"not UTF-8 text (byte 0x{byte:02x}: {exc.reason}); save the file as UTF-8")
            return None

    def _check_keys(self, node: Any) -> None:
        """Mapping keys must be text; an unquoted ``{{ x }}`` parses as a mapping used as a key."""
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                if isinstance(key, Mapping | tuple):
                    message = 'a key must be text, not a mapping; is a template unquoted? write "{{ name }}"'
                    self.error(key_line(node, key), message)
                elif not isinstance(key, str):
                    self.error(key_line(node, key), f"a key must be text, not {key!r}; put it in quotes")
                self._check_keys(value)
        elif isinstance(node, CommentedSeq):
            for item in node:
                self._check_keys(item)
        elif isinstance(node, Tagged):
            self._check_keys(node.value)

    # --- the document -----------------------------------------------------------------------------------

    def _build(self, doc: CommentedMap) -> _Loaded | None:
        rules = EvidenceRules(self.problems, self._lines)
        checks = StepChecks(self.problems, self.actors, rules)
        scenario_line = key_line(doc, "scenario")
        if "id" in doc:
            scenario_id, id_line = str(doc["id"]), value_line(doc, "id")
        else:
            scenario_id, id_line = self.path.stem, scenario_line
            if not _valid_id(scenario_id):
                self.error(1, f"the file name {self.path.stem!r} cannot serve as the scenario id; add `id: some-name`")
        since = self._since(doc)
        evidence = rules.evidence(doc["evidence"], "evidence", value_line(doc, "evidence"))
        steps_node: CommentedSeq = doc["steps"]
        saved_by = self._saved_by(steps_node)
        saved: dict[str, int] = {}
        steps: list[Step] = []
        for index, node in enumerate(steps_node):
            step = checks.step(index, node, item_line(steps_node, index), evidence, saved, saved_by)
            if step is not None:
                steps.append(step)
        rules.scenario_prose(doc, evidence, steps)
        if since is None or evidence is None or self.errors:
            return None
        scenario = Scenario(
            id=scenario_id,
            title=str(doc["scenario"]),
            file=self.path,
            line=scenario_line,
            since=since,
            tags=tuple(str(tag) for tag in doc.get("tags", ())),
            evidence=evidence,
            steps=tuple(steps),
            description=str(doc.get("description", "")),
        )
        return _Loaded(scenario, id_line)

    def _since(self, doc: CommentedMap) -> date | None:
        line = value_line(doc, "since")
        value = date.fromisoformat(str(doc["since"]))  # the schema's date format already held
        if value not in RELEASE_DATES:
            known = ", ".join(d.isoformat() for d in sorted(RELEASE_DATES))
            self.error(line, f"since: {value} is not an SDK release date ({REFERENCE_NAME} §8); use one of {known}")
            return None
        return value

    def _saved_by(self, steps: CommentedSeq) -> dict[str, int]:
        """Every saved name → the first step that saves it (to tell "saved later" from "never saved")."""
        found: dict[str, int] = {}
        for index, node in enumerate(steps):
            for name in node.get("save") or {}:
                found.setdefault(str(name), index)
        return found


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a device or special file")


def _valid_id(text: str) -> bool:
    return bool(text) and text[0].isalnum() and all(c.isalnum() or c in "._-" for c in text) and text.isascii()
