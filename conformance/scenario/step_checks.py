"""The model checks of a scenario step: operation, actor, member names, error codes, templates and ``save``.

Names are checked against the service model (with close-match suggestions), values never: negative scenarios
send bad values on purpose. Each problem goes to the file's :class:`~.problems.Problems`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import jmespath
from botocore.model import Shape
from jmespath.exceptions import JMESPathError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from conformance.model.common_errors import COMMON_ERRORS
from conformance.model.service import (
    OperationInfo,
    UnknownOperationError,
    error_status,
    operation,
    paging,
    service_model,
)
from conformance.model.vocabulary import Evidence
from conformance.scenario.evidence_rules import EvidenceRules
from conformance.scenario.format import Alternative, Step
from conformance.scenario.matchers import join_path
from conformance.scenario.problems import Problems
from conformance.scenario.step_values import StepValues
from conformance.scenario.template_scope import TemplateScope
from conformance.scenario.templating import BUILTIN_NAMES, has_template
from conformance.scenario.value_matchers import AbsentMatcher
from conformance.scenario.yaml_doc import Tagged, item_line, key_line, strings, value_line


class StepChecks:
    """Checks and builds the steps of one file."""

    def __init__(self, problems: Problems, actors: frozenset[str], rules: EvidenceRules) -> None:
        self.problems = problems
        self.actors = actors
        self.rules = rules
        self.values = StepValues(problems)

    def step(
        self,
        index: int,
        node: CommentedMap,
        line: int,
        default_evidence: Evidence | None,
        saved: dict[str, int],
        saved_by: Mapping[str, int],
    ) -> Step | None:
        here = f"steps[{index}]"
        errors_before = len(self.problems.errors)
        name = str(node["call"])
        info = None
        try:
            info = operation(name)
        except UnknownOperationError as exc:
            hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
            self.problems.error(value_line(node, "call"), f"{here}.call: unknown operation {name!r}{hint}")
        actor = str(node["as"])
        if actor not in self.actors:
            close = difflib.get_close_matches(actor, sorted(self.actors), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            self.problems.error(
                value_line(node, "as"),
                f"{here}.as: unknown actor {actor!r}; {hint}(known actors: {', '.join(sorted(self.actors))})",
            )

        context = TemplateScope(index, dict(saved), saved_by, self.actors)
        params: dict[str, Any] = {}
        if "with" in node:
            with_node = node["with"]
            with_line = value_line(node, "with")
            params = self.values.plain(with_node, f"{here}.with", "", with_line, matchers=False, lines=None)
            if info is not None:
                self._names(with_node, info.input_shape, f"{here}.with", with_line, output=False)
            self._templates(with_node, with_line, context)

        raw_body = None
        if "raw_body" in node:
            raw_body = str(node["raw_body"])
            self._templates(raw_body, value_line(node, "raw_body"), context)
            if info is not None and not _has_body(info.input_shape):
                self.problems.error(
                    key_line(node, "raw_body"), f"{here}.raw_body: {name} has no request body to replace"
                )

        all_pages = "pages" in node
        if all_pages and info is not None:
            found = paging(name)
            where = key_line(node, "pages")
            if found is None:
                self.problems.error(where, f"{here}.pages: {name} does not page (the model gives it no nextToken)")
            elif raw_body is not None:
                self.problems.error(
                    where, f"{here}.pages: a step with raw_body sends one request; leave out one of the two"
                )
            elif found.input_token in params:
                self.problems.error(where, f"{here}.pages: with {found.input_token} in `with` the pages are not all")

        lines: dict[str, int] = {}
        expect, expect_error = self._expectation(node, here, info, context, lines)
        alternatives = self._alternatives(node, here, info, context)

        evidence = default_evidence
        if "evidence" in node:
            evidence = self.rules.evidence(node["evidence"], f"{here}.evidence", value_line(node, "evidence"))
        if "name" in node:
            self.rules.step_name(node, here, evidence)

        save = self._save(node, here, saved)
        if save and len({alternative.success for alternative in alternatives}) > 1:
            self.problems.error(
                key_line(node, "save"),
                f"{here}.save: this step accepts a success or an error (expect_one_of), so a later step could not"
                " rely on what it saves; save from a step with one kind of answer",
            )
        for saved_name in save:
            saved[saved_name] = index
        if len(self.problems.errors) > errors_before or evidence is None:
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
        context: TemplateScope,
        lines: dict[str, int],
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The ``expect`` and ``expect_error`` of a step or of one ``expect_one_of`` alternative."""
        expect = None
        if "expect" in node:
            expect_line = value_line(node, "expect")
            expect = self.values.plain(node["expect"], f"{here}.expect", "", expect_line, matchers=True, lines=lines)
            if info is not None:
                self._names(node["expect"], info.output_shape, f"{here}.expect", expect_line, output=True)
            self._templates(node["expect"], expect_line, context)
        expect_error = None
        if "expect_error" in node:
            expect_error = self._expect_error(node["expect_error"], here, lines, context)
        return expect, expect_error

    def _alternatives(
        self, node: CommentedMap, here: str, info: OperationInfo | None, context: TemplateScope
    ) -> tuple[Alternative, ...]:
        """The ``expect_one_of`` alternatives (the schema already made each hold exactly one expectation)."""
        if "expect_one_of" not in node:
            return ()
        items: CommentedSeq = node["expect_one_of"]
        alternatives: list[Alternative] = []
        for index, item in enumerate(items):
            lines: dict[str, int] = {}
            expect, expect_error = self._expectation(item, f"{here}.expect_one_of[{index}]", info, context, lines)
            alternatives.append(Alternative(expect, expect_error, item_line(items, index), lines))
        return tuple(alternatives)

    def _expect_error(
        self, node: CommentedMap, here: str, lines: dict[str, int], context: TemplateScope
    ) -> dict[str, Any]:
        here = f"{here}.expect_error"
        line = int(node.lc.line) + 1
        found: dict[str, int] = {}
        plain = self.values.plain(node, here, "", line, matchers=True, lines=found)
        expected: dict[str, Any] = {key: plain[key] for key in ("code", "status", "message") if key in plain}
        fields = dict(plain.get("fields") or {})
        if "reason" in plain:
            if "reason" in fields:
                self.problems.error(
                    key_line(node, "reason"), f"{here}: give `reason` once (it is short for fields.reason)"
                )
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
                self.problems.error(
                    value_line(node, "code"),
                    f"{here}.code: {code!r} is neither a Clean Rooms error shape nor a common AWS error{hint}",
                )
            status = plain.get("status")
            if modelled is not None and isinstance(status, int) and status != modelled:
                self.problems.error(
                    value_line(node, "status"),
                    f"{here}.status: the model gives {code} HTTP status {modelled}, not {status}",
                )
            if modelled is not None:
                error_shape = service_model().shape_for(code)
        if error_shape is not None:
            if "reason" in node and "reason" not in error_shape.members:
                self.problems.error(key_line(node, "reason"), f"{here}.reason: {code} has no `reason` member")
            if "fields" in node:
                fields_node = node["fields"]
                if isinstance(fields_node, CommentedMap) and "message" in fields_node:
                    self.problems.error(
                        key_line(fields_node, "message"),
                        f"{here}.fields: write the message as `message:` next to `code:`, not under fields",
                    )
                self._names(fields_node, error_shape, f"{here}.fields", value_line(node, "fields"), output=True)
        self._templates(node, line, context)
        return expected

    def _save(self, node: CommentedMap, here: str, saved: Mapping[str, int]) -> dict[str, str]:
        save_node = node.get("save")
        if not save_node:
            return {}
        save: dict[str, str] = {}
        for name, expression in save_node.items():
            name, expression = str(name), str(expression)
            name_line = key_line(save_node, name)
            if name in BUILTIN_NAMES:
                self.problems.error(name_line, f"{here}.save: {name!r} is a built-in template name; pick another name")
            elif name in saved:
                self.problems.error(
                    name_line,
                    f"{here}.save: {name!r} is already saved by steps[{saved[name]}]; pick another name",
                )
            try:
                jmespath.compile(expression)
            except JMESPathError as exc:
                self.problems.error(
                    value_line(save_node, name),
                    f"{here}.save.{name}: {expression!r} is not a JMESPath expression ({exc})",
                )
            save[name] = expression
        return save

    def _names(self, node: Any, shape: Shape | None, here: str, line: int, *, output: bool) -> None:
        """Every mapping key that the model shape does not have, with close-match suggestions."""
        if shape is None:
            return
        if isinstance(node, Tagged):
            self._names_in_matcher(node, shape, here, output=output)
            return
        kind = shape.type_name
        if isinstance(node, CommentedMap) and kind == "structure":
            members = shape.members
            for key, value in node.items():
                key = str(key)
                member_line = value_line(node, key)
                if key in members:
                    self._names(value, members[key], join_path(here, key), member_line, output=output)
                elif not (output and isinstance(value, Tagged) and value.tag == AbsentMatcher.tag):
                    self.problems.error(key_line(node, key), f"{here}: {_unknown_member(key, shape)}")
        elif isinstance(node, CommentedMap) and kind == "map":
            for key, value in node.items():
                self._names(value, shape.value, join_path(here, str(key)), value_line(node, key), output=output)
        elif isinstance(node, CommentedSeq) and kind == "list":
            for index, item in enumerate(node):
                self._names(item, shape.member, f"{here}[{index}]", item_line(node, index), output=output)
        # any other combination is a value the model would reject; values are not checked here

    def _names_in_matcher(self, node: Tagged, shape: Shape, here: str, *, output: bool) -> None:
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

    def _templates(self, node: Any, line: int, scope: TemplateScope) -> None:
        for text, text_line in strings(node, line):
            problem = scope.check(text)
            if problem:
                self.problems.error(text_line, problem)


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
