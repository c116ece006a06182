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
"""

from __future__ import annotations

import contextlib
import difflib
import re
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jmespath
from botocore.model import Shape
from jmespath.exceptions import JMESPathError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from conformance.model.behaviour import REFERENCE_NAME, Citation, is_ambiguity_key, reference
from conformance.model.common_errors import COMMON_ERRORS
from conformance.model.releases import RELEASE_DATES
from conformance.model.service import (
    OperationInfo,
    UnknownOperationError,
    error_status,
    operation,
    paging,
    service_model,
)
from conformance.scenario.format import Alternative, Evidence, EvidenceLevel, Scenario, Step
from conformance.scenario.matcher_tags import MATCHERS
from conformance.scenario.matchers import MatcherArgError, join_path
from conformance.scenario.schema import PathKey, schema_problems
from conformance.scenario.templating import BUILTIN_NAMES, TemplateError, has_template, references
from conformance.scenario.value_matchers import AbsentMatcher
from conformance.scenario.yaml_events import LibyamlRefused, events_parser
from conformance.scenario.yaml_limits import MAX_FILE_BYTES, BoundedParser, BoundedScanner, LimitExceeded, check_size

__all__ = ["DEFAULT_ACTORS", "ScenarioError", "load_scenario", "load_scenarios"]

DEFAULT_ACTORS: tuple[str, ...] = ("creator", "member", "member2", "outsider")

_SAME_VALUE_TAGS = frozenset({"not", "one_of", "all_of"})
"""Matchers whose argument stands for the same value as the matcher itself (so ``!not !absent`` is fine)."""


class ScenarioError(Exception):
    """A problem in a scenario file; ``str()`` is ``path:line: message`` (one line per problem)."""

    def __init__(self, path: Path, line: int, message: str, more: Sequence[ScenarioError] = ()) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message
        self.more = tuple(more)
        """Further problems of the same file (:func:`load_scenario` raises the first and carries the rest)."""

    def __str__(self) -> str:
        head = f"{self.path}:{self.line}: {self.message}"
        return "\n".join([head, *(f"{m.path}:{m.line}: {m.message}" for m in self.more)])


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


# --- YAML with line numbers and tags -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tagged:
    """A YAML tag (``!uuid``, ``!contains [...]``) as parsed, before it is checked and becomes a matcher."""

    tag: str
    """Without the leading ``!``."""
    value: Any
    line: int


class _Constructor(RoundTripConstructor):
    """Round-trip construction, with every application tag kept as :class:`_Tagged` and dates kept as text.

    Dates stay text because a scenario value such as ``name: 2025-09-03`` must be sent as written, and
    ``since`` is parsed (with a clear message) by the loader rather than failing inside the YAML parser.
    """

    def construct_tagged(self, node: Node) -> _Tagged:
        value: Any
        if isinstance(node, MappingNode):
            value = CommentedMap()
            value._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
            self.construct_mapping(node, value, deep=True)
        elif isinstance(node, SequenceNode):
            value = CommentedSeq()
            value._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
            value.extend(self.construct_rt_sequence(node, value, deep=True))
        else:
            value = str(node.value)
        return _Tagged(str(node.tag).removeprefix("!"), value, node.start_mark.line + 1)

    def construct_text_timestamp(self, node: Node) -> str:
        return str(node.value)

    def construct_bounded_int(self, node: Node) -> Any:
        """An integer, or a YAML error at its line when Python will not read that many digits."""
        try:
            return self.construct_yaml_int(node)
        except ValueError as exc:  # int() refuses more than sys.get_int_max_str_digits() digits
            problem = f"the number {str(node.value)[:12]}... cannot be read ({exc}); quote it to send it as text"
            raise ConstructorError(None, None, problem, node.start_mark) from None


_Constructor.add_constructor(None, _Constructor.construct_tagged)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_text_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_bounded_int)


def _parse_yaml(text: str, *, fast: bool = True) -> Any:
    """The document in ``text``: scanned by libyaml when it can be (see :mod:`.yaml_events`), else by ruamel.

    Both parsers are bounded (:mod:`.yaml_limits`): :class:`LimitExceeded` for a file beyond a limit.
    """
    parser = None
    # On LibyamlRefused the pure parser reads the text again and reports the problem in its own words.
    with contextlib.suppress(LibyamlRefused):
        parser = events_parser(text) if fast else None
    if parser is not None:
        try:
            return _load_yaml(text, parser)
        except YAMLError:
            pass  # e.g. a duplicate key: the message (and its mark) must be the pure parser's
    return _load_yaml(text, None)


def _load_yaml(text: str, parser: Any) -> Any:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    if parser is not None:
        yaml.Parser = parser
    else:
        yaml.Parser, yaml.Scanner = BoundedParser, BoundedScanner
    return yaml.load(text)


def _key_line(node: CommentedMap, key: object) -> int:
    return _position(node, key, 0)


def _value_line(node: CommentedMap, key: object) -> int:
    return _position(node, key, 2)


def _position(node: CommentedMap, key: object, index: int) -> int:
    """The 1-based line of a key (index 0) or its value (2).

    A key merged in with ``<<: *anchor`` has its position in the anchored mapping.
    """
    where = node.lc.data.get(key)
    if where is not None:
        return int(where[index]) + 1
    for source in getattr(node, "merge", ()):
        if isinstance(source, CommentedMap) and key in source:
            return _position(source, key, index)
    return int(node.lc.line) + 1


def _item_line(node: CommentedSeq, index: int) -> int:
    return int(node.lc.item(index)[0]) + 1


def _json_view(node: Any) -> Any:
    """The document as plain JSON-like data for the schema (matcher tags become ``"!tag"`` strings)."""
    if isinstance(node, Mapping):
        return {str(key): _json_view(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_json_view(item) for item in node]
    if isinstance(node, _Tagged):
        return f"!{node.tag}"
    return _scalar(node)


def _scalar(node: Any) -> Any:
    """The scalar subclasses of ruamel (ScalarFloat, LiteralScalarString ...) as the plain builtin types."""
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


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
        self.errors: list[ScenarioError] = []
        self._fast = True
        self._lines: list[str] = []
        self._beyond_limits = False
        """Set when the file was refused by a limit: reading it again, more slowly, would say the same."""

    def error(self, line: int, message: str) -> None:
        self.errors.append(ScenarioError(self.path, line, message))

    def load(self) -> tuple[_Loaded | None, list[ScenarioError]]:
        loaded, errors = self._load()
        if errors and self._fast and not self._beyond_limits:
            # A file with problems is read again by the pure parser, so that every message and line is exactly
            # what it reports (libyaml places an empty value elsewhere, which only an error message would show).
            self._fast = False
            self.errors = []
            loaded, errors = self._load()
        return loaded, errors

    def _load(self) -> tuple[_Loaded | None, list[ScenarioError]]:
        doc = self._read()
        if doc is None:
            return None, self.errors
        for problem in schema_problems(_json_view(doc)):
            self.error(_line_at(doc, problem.path, problem.key), problem.message)
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
            doc = _parse_yaml(text, fast=self._fast)
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
                    self.error(_key_line(node, key), message)
                elif not isinstance(key, str):
                    self.error(_key_line(node, key), f"a key must be text, not {key!r}; put it in quotes")
                self._check_keys(value)
        elif isinstance(node, CommentedSeq):
            for item in node:
                self._check_keys(item)
        elif isinstance(node, _Tagged):
            self._check_keys(node.value)

    # --- the document -----------------------------------------------------------------------------------

    def _build(self, doc: CommentedMap) -> _Loaded | None:
        scenario_line = _key_line(doc, "scenario")
        if "id" in doc:
            scenario_id, id_line = str(doc["id"]), _value_line(doc, "id")
        else:
            scenario_id, id_line = self.path.stem, scenario_line
            if not _valid_id(scenario_id):
                self.error(1, f"the file name {self.path.stem!r} cannot serve as the scenario id; add `id: some-name`")
        since = self._since(doc)
        evidence = self._evidence(doc["evidence"], "evidence", _value_line(doc, "evidence"))
        steps_node: CommentedSeq = doc["steps"]
        saved_by = self._saved_by(steps_node)
        saved: dict[str, int] = {}
        steps: list[Step] = []
        for index, node in enumerate(steps_node):
            step = self._step(index, node, _item_line(steps_node, index), evidence, saved, saved_by)
            if step is not None:
                steps.append(step)
        self._scenario_prose(doc, evidence, steps)
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
        line = _value_line(doc, "since")
        value = date.fromisoformat(str(doc["since"]))  # the schema's date format already held
        if value not in RELEASE_DATES:
            known = ", ".join(d.isoformat() for d in sorted(RELEASE_DATES))
            self.error(line, f"since: {value} is not an SDK release date ({REFERENCE_NAME} §8); use one of {known}")
            return None
        return value

    def _evidence(self, node: CommentedMap, here: str, line: int) -> Evidence | None:
        level = EvidenceLevel(str(node["level"]))
        source = str(node["source"])
        source_line = _value_line(node, "source")
        keys = [part.strip() for part in source.split(",")]
        ok = True
        for key, hint in reference().unknown_keys(source):
            self.error(source_line, f"{here}.source: {key!r} is not a key of {REFERENCE_NAME}{hint}")
            ok = False
        for key in keys:
            if is_ambiguity_key(key) and key in reference().keys and level is not EvidenceLevel.INFERRED:
                self.error(
                    _value_line(node, "level"),
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
            self.error(
                self._line_holding(citation.text, line),
                f"{where}: {citation.text!r} is not a {what} of {REFERENCE_NAME}{citation.hint}",
            )
        return known

    def _line_holding(self, token: str, start: int) -> int:
        """The first line from ``start`` that holds ``token`` (a folded description spans several lines)."""
        pattern = re.compile(rf"(?<![\w§]){re.escape(token)}(?!\w|\.\d)")
        for number in range(start, len(self._lines) + 1):
            if pattern.search(self._lines[number - 1]):
                return number
        return start

    def _scenario_prose(self, doc: CommentedMap, evidence: Evidence | None, steps: Sequence[Step]) -> None:
        """The title and description cite only defined keys, and an ambiguity they cite is tested as inferred."""
        texts = [("scenario", str(doc["scenario"]), _value_line(doc, "scenario"))]
        if "description" in doc:
            texts.append(("description", str(doc["description"]), _value_line(doc, "description")))
        for where, text, line in texts:
            for citation in self._prose(text, line, where):
                key = citation.text
                if not citation.is_ambiguity or evidence is None or evidence.level is EvidenceLevel.INFERRED:
                    continue
                if any(step.evidence.level is EvidenceLevel.INFERRED and key in step.evidence.keys for step in steps):
                    continue
                self.error(
                    self._line_holding(key, line),
                    f"{where}: cites {key}, an ambiguity of {REFERENCE_NAME} (a reading of what AWS leaves open),"
                    f" but no step rests on it: give the step(s) that test it"
                    f' `evidence: {{level: inferred, source: "..., {key}"}}`, or make the file\'s evidence inferred',
                )

    def _step_name(self, node: CommentedMap, here: str, evidence: Evidence | None) -> None:
        line = _value_line(node, "name")
        for citation in self._prose(str(node["name"]), line, f"{here}.name"):
            if citation.is_ambiguity and evidence is not None and evidence.level is not EvidenceLevel.INFERRED:
                self.error(
                    line,
                    f"{here}.name: cites {citation.text}, an ambiguity of {REFERENCE_NAME}, so the step's evidence"
                    f' must be inferred: `evidence: {{level: inferred, source: "..., {citation.text}"}}`',
                )

    def _saved_by(self, steps: CommentedSeq) -> dict[str, int]:
        """Every saved name → the first step that saves it (to tell "saved later" from "never saved")."""
        found: dict[str, int] = {}
        for index, node in enumerate(steps):
            for name in node.get("save") or {}:
                found.setdefault(str(name), index)
        return found

    # --- one step ---------------------------------------------------------------------------------------

    def _step(
        self,
        index: int,
        node: CommentedMap,
        line: int,
        default_evidence: Evidence | None,
        saved: dict[str, int],
        saved_by: Mapping[str, int],
    ) -> Step | None:
        here = f"steps[{index}]"
        errors_before = len(self.errors)
        name = str(node["call"])
        info = None
        try:
            info = operation(name)
        except UnknownOperationError as exc:
            hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
            self.error(_value_line(node, "call"), f"{here}.call: unknown operation {name!r}{hint}")
        actor = str(node["as"])
        if actor not in self.actors:
            close = difflib.get_close_matches(actor, sorted(self.actors), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            self.error(
                _value_line(node, "as"),
                f"{here}.as: unknown actor {actor!r}; {hint}(known actors: {', '.join(sorted(self.actors))})",
            )

        context = _TemplateScope(index, dict(saved), saved_by, self.actors)
        params: dict[str, Any] = {}
        if "with" in node:
            with_node = node["with"]
            with_line = _value_line(node, "with")
            params = self._plain(with_node, f"{here}.with", "", with_line, matchers=False, lines=None)
            if info is not None:
                self._names(with_node, info.input_shape, f"{here}.with", with_line, output=False)
            self._templates(with_node, with_line, context)

        raw_body = None
        if "raw_body" in node:
            raw_body = str(node["raw_body"])
            self._templates(raw_body, _value_line(node, "raw_body"), context)
            if info is not None and not _has_body(info.input_shape):
                self.error(_key_line(node, "raw_body"), f"{here}.raw_body: {name} has no request body to replace")

        all_pages = "pages" in node
        if all_pages and info is not None:
            found = paging(name)
            where = _key_line(node, "pages")
            if found is None:
                self.error(where, f"{here}.pages: {name} does not page (the model gives it no nextToken)")
            elif raw_body is not None:
                self.error(where, f"{here}.pages: a step with raw_body sends one request; leave out one of the two")
            elif found.input_token in params:
                self.error(where, f"{here}.pages: with {found.input_token} in `with` the pages are not all")

        lines: dict[str, int] = {}
        expect, expect_error = self._expectation(node, here, info, context, lines)
        alternatives = self._alternatives(node, here, info, context)

        evidence = default_evidence
        if "evidence" in node:
            evidence = self._evidence(node["evidence"], f"{here}.evidence", _value_line(node, "evidence"))
        if "name" in node:
            self._step_name(node, here, evidence)

        save = self._save(node, here, saved)
        if save and len({alternative.success for alternative in alternatives}) > 1:
            self.error(
                _key_line(node, "save"),
                f"{here}.save: this step accepts a success or an error (expect_one_of), so a later step could not"
                " rely on what it saves; save from a step with one kind of answer",
            )
        for saved_name in save:
            saved[saved_name] = index
        if len(self.errors) > errors_before or evidence is None:
            return None
        return Step(
            index=index,
            line=line,
            actor=actor,
            operation=name,
            params=params,
            evidence=evidence,
            name=str(node.get("name", "")),
            raw_body=raw_body,
            expect=expect,
            expect_error=expect_error,
            expect_one_of=alternatives,
            save=save,
            all_pages=all_pages,
            lines=lines,
        )

    def _expectation(
        self,
        node: CommentedMap,
        here: str,
        info: OperationInfo | None,
        context: _TemplateScope,
        lines: dict[str, int],
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The ``expect`` and ``expect_error`` of a step or of one ``expect_one_of`` alternative."""
        expect = None
        if "expect" in node:
            expect_line = _value_line(node, "expect")
            expect = self._plain(node["expect"], f"{here}.expect", "", expect_line, matchers=True, lines=lines)
            if info is not None:
                self._names(node["expect"], info.output_shape, f"{here}.expect", expect_line, output=True)
            self._templates(node["expect"], expect_line, context)
        expect_error = None
        if "expect_error" in node:
            expect_error = self._expect_error(node["expect_error"], here, lines, context)
        return expect, expect_error

    def _alternatives(
        self, node: CommentedMap, here: str, info: OperationInfo | None, context: _TemplateScope
    ) -> tuple[Alternative, ...]:
        """The ``expect_one_of`` alternatives (the schema already made each hold exactly one expectation)."""
        if "expect_one_of" not in node:
            return ()
        items: CommentedSeq = node["expect_one_of"]
        alternatives: list[Alternative] = []
        for index, item in enumerate(items):
            lines: dict[str, int] = {}
            expect, expect_error = self._expectation(item, f"{here}.expect_one_of[{index}]", info, context, lines)
            alternatives.append(Alternative(expect, expect_error, _item_line(items, index), lines))
        return tuple(alternatives)

    def _expect_error(
        self, node: CommentedMap, here: str, lines: dict[str, int], context: _TemplateScope
    ) -> dict[str, Any]:
        here = f"{here}.expect_error"
        line = int(node.lc.line) + 1
        found: dict[str, int] = {}
        plain = self._plain(node, here, "", line, matchers=True, lines=found)
        expected: dict[str, Any] = {key: plain[key] for key in ("code", "status", "message") if key in plain}
        fields = dict(plain.get("fields") or {})
        if "reason" in plain:
            if "reason" in fields:
                self.error(_key_line(node, "reason"), f"{here}: give `reason` once (it is short for fields.reason)")
            fields["reason"] = plain["reason"]
            found["fields.reason"] = found.pop("reason")
        if fields:
            expected["fields"] = fields
        lines.update(found)

        code = plain.get("code")
        error_shape: Shape | None = None
        if isinstance(code, str) and not has_template(code):
            modelled = error_status(code)
            if modelled is None and code not in COMMON_ERRORS:
                options = sorted({*COMMON_ERRORS, *_modelled_errors()})
                close = difflib.get_close_matches(code, options, n=2)
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                self.error(
                    _value_line(node, "code"),
                    f"{here}.code: {code!r} is neither a Clean Rooms error shape nor a common AWS error{hint}",
                )
            status = plain.get("status")
            if modelled is not None and isinstance(status, int) and status != modelled:
                self.error(
                    _value_line(node, "status"),
                    f"{here}.status: the model gives {code} HTTP status {modelled}, not {status}",
                )
            if modelled is not None:
                error_shape = service_model().shape_for(code)
        if error_shape is not None:
            if "reason" in node and "reason" not in error_shape.members:
                self.error(_key_line(node, "reason"), f"{here}.reason: {code} has no `reason` member")
            if "fields" in node:
                fields_node = node["fields"]
                if isinstance(fields_node, CommentedMap) and "message" in fields_node:
                    self.error(
                        _key_line(fields_node, "message"),
                        f"{here}.fields: write the message as `message:` next to `code:`, not under fields",
                    )
                self._names(fields_node, error_shape, f"{here}.fields", _value_line(node, "fields"), output=True)
        self._templates(node, line, context)
        return expected

    def _save(self, node: CommentedMap, here: str, saved: Mapping[str, int]) -> dict[str, str]:
        save_node = node.get("save")
        if not save_node:
            return {}
        save: dict[str, str] = {}
        for name, expression in save_node.items():
            name, expression = str(name), str(expression)
            key_line = _key_line(save_node, name)
            if name in BUILTIN_NAMES:
                self.error(key_line, f"{here}.save: {name!r} is a built-in template name; pick another name")
            elif name in saved:
                self.error(
                    key_line,
                    f"{here}.save: {name!r} is already saved by steps[{saved[name]}]; pick another name",
                )
            try:
                jmespath.compile(expression)
            except JMESPathError as exc:
                self.error(
                    _value_line(save_node, name),
                    f"{here}.save.{name}: {expression!r} is not a JMESPath expression ({exc})",
                )
            save[name] = expression
        return save

    # --- values -----------------------------------------------------------------------------------------

    def _plain(
        self,
        node: Any,
        here: str,
        path: str,
        line: int,
        *,
        matchers: bool,
        lines: dict[str, int] | None,
        mapping_value: bool = False,
    ) -> Any:
        """``node`` as plain data with matchers built; records the line of each key path in ``lines``."""
        if isinstance(node, CommentedMap):
            result: dict[str, Any] = {}
            for key, value in node.items():
                key_path = join_path(path, str(key))
                if lines is not None:
                    lines[key_path] = _key_line(node, key)
                result[str(key)] = self._plain(
                    value, here, key_path, _value_line(node, key), matchers=matchers, lines=lines, mapping_value=True
                )
            return result
        if isinstance(node, CommentedSeq):
            return [
                self._plain(item, here, f"{path}[{i}]", _item_line(node, i), matchers=matchers, lines=lines)
                for i, item in enumerate(node)
            ]
        if isinstance(node, _Tagged):
            return self._matcher(node, here, path, matchers=matchers, mapping_value=mapping_value)
        return _scalar(node)

    def _matcher(self, node: _Tagged, here: str, path: str, *, matchers: bool, mapping_value: bool) -> Any:
        at = f"{here}{path}" if path.startswith("[") else f"{here}.{path}" if path else here
        if not matchers:
            message = f"{at}: !{node.tag} is a matcher; matchers belong in expect/expect_error, not in `with`"
            self.error(node.line, message)
            return None
        cls = MATCHERS.get(node.tag)
        if cls is None:
            close = difflib.get_close_matches(node.tag, list(MATCHERS), n=1)
            hint = f"did you mean !{close[0]}? " if close else ""
            known = ", ".join(f"!{tag}" for tag in MATCHERS)
            self.error(node.line, f"{at}: unknown tag !{node.tag}; {hint}(matchers: {known})")
            return None
        if cls.only_as_mapping_value and not mapping_value:
            self.error(node.line, f"{at}: !{node.tag} stands only for the value of a key (`key: !{node.tag}`)")
            return None
        same_value = node.tag in _SAME_VALUE_TAGS
        value = node.value
        if isinstance(value, CommentedSeq):
            arg: Any = [
                self._plain(
                    item, here, path, node.line, matchers=True, lines=None, mapping_value=same_value and mapping_value
                )
                for item in value
            ]
        else:
            arg = self._plain(
                value, here, path, node.line, matchers=True, lines=None, mapping_value=same_value and mapping_value
            )
        try:
            return cls(arg, templated=has_template(arg))
        except MatcherArgError as exc:
            self.error(node.line, f"{at}: {exc}")
            return None

    def _names(self, node: Any, shape: Shape | None, here: str, line: int, *, output: bool) -> None:
        """Every mapping key that the model shape does not have, with close-match suggestions."""
        if shape is None:
            return
        if isinstance(node, _Tagged):
            self._names_in_matcher(node, shape, here, output=output)
            return
        kind = shape.type_name
        if isinstance(node, CommentedMap) and kind == "structure":
            members = shape.members
            for key, value in node.items():
                key = str(key)
                value_line = _value_line(node, key)
                if key in members:
                    self._names(value, members[key], join_path(here, key), value_line, output=output)
                elif not (output and isinstance(value, _Tagged) and value.tag == AbsentMatcher.tag):
                    self.error(_key_line(node, key), f"{here}: {_unknown_member(key, shape)}")
        elif isinstance(node, CommentedMap) and kind == "map":
            for key, value in node.items():
                self._names(value, shape.value, join_path(here, str(key)), _value_line(node, key), output=output)
        elif isinstance(node, CommentedSeq) and kind == "list":
            for index, item in enumerate(node):
                self._names(item, shape.member, f"{here}[{index}]", _item_line(node, index), output=output)
        # any other combination is a value the model would reject; values are not checked here

    def _names_in_matcher(self, node: _Tagged, shape: Shape, here: str, *, output: bool) -> None:
        value = node.value
        if node.tag in {"contains", "unordered", "excludes"} and shape.type_name == "list":
            if isinstance(value, CommentedSeq):
                for index, item in enumerate(value):
                    self._names(item, shape.member, f"{here}[{index}]", node.line, output=output)
        elif node.tag in {"one_of", "all_of"} and isinstance(value, CommentedSeq):
            for item in value:
                self._names(item, shape, here, node.line, output=output)
        elif node.tag in {"not", "exact"}:
            self._names(value, shape, here, node.line, output=output)

    def _templates(self, node: Any, line: int, scope: _TemplateScope) -> None:
        for text, text_line in _strings(node, line):
            problem = scope.check(text)
            if problem:
                self.error(text_line, problem)


@dataclass(frozen=True, slots=True)
class _TemplateScope:
    """What a template in step ``index`` may refer to."""

    index: int
    saved: Mapping[str, int]
    """Names saved by the steps before this one."""
    saved_by: Mapping[str, int]
    actors: frozenset[str]

    def check(self, text: str) -> str | None:
        """A message for the first problem of ``text``, or None (also None for text without templates)."""
        if not has_template(text):
            return None
        try:
            refs = references(text)
        except TemplateError as exc:
            return str(exc)
        for name in sorted(refs.names):
            if name in BUILTIN_NAMES or name in self.saved:
                continue
            later = self.saved_by.get(name)
            if later is not None:
                return f"template {text!r}: {name!r} is saved only by steps[{later}], which runs later"
            known = sorted({*BUILTIN_NAMES, *self.saved})
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            return f"template {text!r}: no earlier step saves {name!r}; {hint}(names here: {', '.join(known)})"
        for actor in sorted(refs.actors):
            if actor not in self.actors:
                return f"template {text!r}: accounts.{actor} is not an actor ({', '.join(sorted(self.actors))})"
        for ref in sorted(refs.steps):
            if ref >= self.index or -ref > self.index:
                ran = f"steps[0]..steps[{self.index - 1}]" if self.index else "none yet"
                return (
                    f"template {text!r}: steps[{ref}] is not a step that ran before steps[{self.index}]"
                    f" (available: {ran})"
                )
        return None


def _strings(node: Any, line: int) -> Iterator[tuple[str, int]]:
    """Every string in a raw value (keys included) with its line."""
    if isinstance(node, str):
        yield node, line
    elif isinstance(node, CommentedMap):
        for key, value in node.items():
            if isinstance(key, str):
                yield key, _key_line(node, key)
            yield from _strings(value, _value_line(node, key))
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            yield from _strings(item, _item_line(node, index))
    elif isinstance(node, _Tagged):
        yield from _strings(node.value, node.line)


def _line_at(doc: CommentedMap, path: Sequence[PathKey], key: str | None) -> int:
    """The line of the value at ``path`` (or of ``key`` in the mapping there)."""
    node: Any = doc
    line = 1
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            line, node = _value_line(node, step), node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line, node = _item_line(node, step), node[step]
        else:
            break
    if key is not None and isinstance(node, CommentedMap) and key in node:
        return _key_line(node, key)
    return line


def _unknown_member(key: str, shape: Shape) -> str:
    members = list(shape.members)
    close = difflib.get_close_matches(key, members, n=2, cutoff=0.6)
    close += [m for m in members if m.lower() == key.lower() and m not in close]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"{shape.name} has no member {key!r}{hint} (members: {', '.join(members)})"


def _has_body(shape: Shape | None) -> bool:
    if shape is None:
        return False
    return any("location" not in member.serialization for member in shape.members.values())


def _modelled_errors() -> list[str]:
    model = service_model()
    return [name for name in model.shape_names if model.shape_for(name).metadata.get("exception")]


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a device or special file")


def _valid_id(text: str) -> bool:
    return bool(text) and text[0].isalnum() and all(c.isalnum() or c in "._-" for c in text) and text.isascii()
