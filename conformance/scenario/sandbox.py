"""The template sandbox: what a scenario template may use, checked when a file loads and enforced when it renders.

Scenario files come from users and third parties (``--scenarios=DIR``), so a template is untrusted input. Plain
jinja2 lets ``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` run a shell command. Templates here get
jinja's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` (no ``_``-prefixed or interpreter-internal
attributes, no mutating methods) and, on top of it, only what ``docs/scenario-format.md`` ("Templates")
documents:

* names: the ones the runner puts in scope (no jinja globals: no ``range``, ``cycler``, ``namespace`` ...);
* lookups (``a.b``, ``a[0]``, ``a['k']``), literals, arithmetic, comparisons, ``and``/``or``/``not``,
  ``x if c else y``, ``~``;
* the filters in :data:`FILTERS` and the tests in :data:`TESTS`;
* ``{% if %}`` blocks; no other statement (``for``, ``set``, ``macro``, ``include`` ...) and no calls
  (``x()``, ``x.method()``): a call is how sandbox escapes and memory bombs (``'x'.center(10**12)``) start.

:func:`check` refuses the rest from the parsed tree, so the loader reports it at ``file:line``. What only the
data can tell (a computed key that names ``__class__``, a repetition that would make a gigabyte) is refused by
:data:`ENVIRONMENT` when the step renders: a :class:`~jinja2.sandbox.SecurityError`, never executed.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Sized
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.runtime import Context
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    ImmutableSandboxedEnvironment,
)
from jinja2.tests import TESTS as JINJA_TESTS

__all__ = ["ENVIRONMENT", "FILTERS", "TESTS", "Refused", "SecurityError", "check", "safe_attribute"]

#: The filters a template may use (each is bounded by the size of its input; ``center``, ``indent``, ``replace``
#: and ``wordwrap`` are not, and ``attr``/``map``/``format`` reach past the value).
FILTERS: tuple[str, ...] = (
    "abs",
    "count",
    "default",
    "first",
    "float",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "max",
    "min",
    "reverse",
    "round",
    "sort",
    "string",
    "sum",
    "tojson",
    "trim",
    "unique",
    "upper",
)

#: The tests a template may use (``x is defined``, ``n is even``, ...).
TESTS: tuple[str, ...] = (
    "boolean",
    "defined",
    "divisibleby",
    "eq",
    "even",
    "false",
    "float",
    "ge",
    "gt",
    "in",
    "integer",
    "le",
    "lt",
    "mapping",
    "ne",
    "none",
    "number",
    "odd",
    "sequence",
    "string",
    "true",
    "undefined",
)

#: ``'x' * n`` and ``[..] * n`` may make at most this many characters or items (the library's largest is 10,241).
MAX_REPEAT = 1_000_000
#: ``a ** b`` on integers may make a number of at most this many bits (``9 ** 9 ** 9`` would take minutes).
MAX_POWER_BITS = 10_000

#: Names jinja gives a meaning of its own (``self`` is the template object); never a scenario value.
_RESERVED_NAMES = frozenset({"self", "loop", "caller", "varargs", "kwargs"})
#: Attribute names the sandbox refuses on some type; refused by name at load time, whatever the object.
_INTERNAL_NAMES = frozenset(
    {"mro", *UNSAFE_GENERATOR_ATTRIBUTES, *UNSAFE_COROUTINE_ATTRIBUTES, *UNSAFE_ASYNC_GENERATOR_ATTRIBUTES}
)
#: What each refused statement is called in a template.
_STATEMENTS: dict[type[nodes.Node], str] = {
    nodes.For: "{% for %}",
    nodes.Assign: "{% set %}",
    nodes.AssignBlock: "{% set %}",
    nodes.Macro: "{% macro %}",
    nodes.CallBlock: "{% call %}",
    nodes.FilterBlock: "{% filter %}",
    nodes.With: "{% with %}",
    nodes.Block: "{% block %}",
    nodes.Extends: "{% extends %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
    nodes.ScopedEvalContextModifier: "{% autoescape %}",
    nodes.EvalContextModifier: "{% autoescape %}",
    nodes.ExprStmt: "{% do %}",
    nodes.Break: "{% break %}",
    nodes.Continue: "{% continue %}",
}
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.Name,
    nodes.Const,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Slice,
    nodes.Filter,
    nodes.Test,
    nodes.CondExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Compare,
    nodes.Operand,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
    nodes.Pow,
    nodes.Concat,
    nodes.List,
    nodes.Tuple,
    nodes.Dict,
    nodes.Pair,
    nodes.Keyword,
)


class Refused(Exception):
    """A template uses something the sandbox does not offer; ``str()`` says what and what is available."""


def check(tree: nodes.Template) -> None:
    """Raise :class:`Refused` for the first construct of ``tree`` outside the documented template language."""
    for node in tree.find_all(nodes.Node):
        kind = type(node)
        if kind in _STATEMENTS:
            raise Refused(f"{_STATEMENTS[kind]} is not available in templates; only {{% if %}} blocks are")
        if kind is nodes.Call:
            raise Refused(
                "calls (`f(...)`, `x.method(...)`) are not available in templates; use a filter: " + ", ".join(FILTERS)
            )
        if not isinstance(node, _ALLOWED_NODES):
            raise Refused(f"{kind.__name__} is not available in templates")
        if isinstance(node, nodes.Name) and node.name in _RESERVED_NAMES:
            raise Refused(f"{node.name!r} is jinja's own name, not a scenario value")
        if isinstance(node, nodes.Getattr):
            _check_attribute(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            if isinstance(node.arg.value, str):
                _check_attribute(node.arg.value)
        elif isinstance(node, nodes.Filter):
            _check_named("filter", node.name, FILTERS)
            _check_attribute_arguments(node)
        elif isinstance(node, nodes.Test):
            _check_named("test", node.name, TESTS)


def _check_attribute(name: str) -> None:
    if name.startswith("_"):
        raise Refused(f"{name!r}: names starting with '_' are not reachable from templates")
    if name in _INTERNAL_NAMES:
        raise Refused(f"{name!r} is an interpreter internal, not reachable from templates")


def _check_attribute_arguments(node: nodes.Filter) -> None:
    # sort(attribute='__class__') and friends look the name up on every item.
    for keyword in node.kwargs:
        if keyword.key == "attribute" and isinstance(keyword.value, nodes.Const):
            for part in str(keyword.value.value).split("."):
                _check_attribute(part)


def _check_named(kind: str, name: str, allowed: tuple[str, ...]) -> None:
    if name in allowed:
        return
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise Refused(f"{kind} {name!r} is not available in templates; {hint}{kind}s: {', '.join(allowed)}")


def safe_attribute(obj: Any, name: str, value: Any) -> bool:
    """The sandbox's rule for ``obj.name`` (for the plain-lookup fast path, which reads attributes itself)."""
    return bool(ENVIRONMENT.is_safe_attribute(obj, name, value))


class _Sandbox(ImmutableSandboxedEnvironment):
    """jinja's immutable sandbox, with ``*`` and ``**`` bounded (the sandbox leaves both unbounded)."""

    # Intercepted operators are also kept out of jinja's constant folding, which would otherwise compute
    # ``{{ 9 ** 9 ** 9 }}`` while compiling.
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Context, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
            return operator.mul(left, right)
        if operator_name == "**":
            integers = isinstance(left, int) and isinstance(right, int)
            if integers and abs(left) > 1 and right > 0 and abs(left).bit_length() * right > MAX_POWER_BITS:
                raise SecurityError(f"{left} ** {right} is larger than {MAX_POWER_BITS} bits")
            return operator.pow(left, right)
        if isinstance(left, str | bytes):
            raise SecurityError("'%' formatting of text is not available in templates; join text with '~'")
        return operator.mod(left, right)


def _check_repeat(sequence: Any, times: Any) -> None:
    if isinstance(sequence, Sized) and isinstance(times, int) and len(sequence) * times > MAX_REPEAT:
        raise SecurityError(f"repeating {len(sequence)} item(s) {times} times exceeds {MAX_REPEAT:,}")


def _environment() -> _Sandbox:
    env = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.globals.clear()
    env.filters = {name: JINJA_FILTERS[name] for name in FILTERS}
    env.tests = {name: JINJA_TESTS[name] for name in TESTS}
    return env


#: The one environment every template is compiled in.
ENVIRONMENT = _environment()
