"""Renders ``{{ expr }}`` templates in scenario values (jinja2 syntax, undefined names are errors).

A string that is exactly one ``{{ expr }}`` keeps the value's native type (a list stays a list, a parsed
timestamp stays a datetime); any other string with templates renders to text. Names in scope: ``run_id``,
``accounts.<actor>``, ``scenario_id``, ``steps[i]`` (the i-th step's response or error value, 0-based;
``steps[-1]`` is the previous step) and every name an earlier step saved.

Speed: each distinct template text is compiled once per process (:func:`compile_string` is cached), and a
value tree is compiled into one render function (:func:`compile_tree`) whose constant parts are returned
as they are. Expressions that are plain lookups (``steps[1].collaborationChangeRequest.id``, by far the
common case) are evaluated by a small resolver instead of jinja: a jinja call builds a fresh render context
each time (about 6 µs), the resolver takes well under one, and it can say which key was missing.

Templates come from untrusted files: every one is checked against :mod:`.sandbox` when it is parsed (so the
loader refuses what it can at ``file:line``) and compiled in its sandboxed environment; the resolver applies the
same attribute rule. Nothing a template names is ever called.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.environment import TemplateExpression

from conformance.scenario import sandbox
from conformance.scenario.matchers import Matcher, MatcherArgError

Render = Callable[[Mapping[str, Any]], Any]
"""A compiled value: call it with the template context to get the rendered value."""

BUILTIN_NAMES = frozenset({"run_id", "accounts", "steps", "scenario_id"})
"""The names every template can use besides the saved ones."""

_ENV = sandbox.ENVIRONMENT

Key = str | int
Path = tuple[str, tuple[Key, ...]]
"""A plain lookup: a root name and the keys/indices applied to it in turn."""


class TemplateError(Exception):
    """A template that cannot be parsed or rendered; ``str()`` names the template and the problem."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"template {source!r}: {message}")
        self.source = source
        self.message = message


def is_template(text: str) -> bool:
    """True when ``text`` holds jinja markup (``{{``, ``{%`` or ``{#``)."""
    return "{{" in text or "{%" in text or "{#" in text


@dataclass(frozen=True, slots=True)
class References:
    """What a template refers to, for checks at load time."""

    names: frozenset[str]
    """Root names it reads (``collab``, ``steps``)."""
    actors: frozenset[str]
    """Actors named through ``accounts.X`` or ``accounts['X']``."""
    steps: frozenset[int]
    """Constant indices used with ``steps[...]`` (negative ones count back from the current step)."""


@cache
def _parse(source: str) -> nodes.Template:
    """The checked tree of ``source``: :class:`TemplateError` on bad syntax or on what the sandbox refuses."""
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(source, f"syntax error: {exc.message}") from None
    try:
        sandbox.check(tree)
    except sandbox.Refused as exc:
        raise TemplateError(source, f"refused: {exc}") from None
    return tree


@cache
def references(source: str) -> References:
    """The names, actors and step indices ``source`` uses; :class:`TemplateError` on bad syntax or a refusal.

    Cached: the library repeats the same few templates (``{{ collab }}``) hundreds of times, and walking a
    jinja tree for its names costs more than parsing it.
    """
    tree = _parse(source)
    names = frozenset(meta.find_undeclared_variables(tree))
    actors: set[str] = set()
    steps: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        key: Key | None
        if isinstance(node, nodes.Getattr):
            base, key = node.node, node.attr
        elif isinstance(node, nodes.Getitem):
            base, key = node.node, _constant_key(node.arg)
        else:
            continue
        if not isinstance(base, nodes.Name):
            continue
        if base.name == "accounts" and isinstance(key, str):
            actors.add(key)
        elif base.name == "steps" and isinstance(key, int):
            steps.add(key)
    return References(names, frozenset(actors), frozenset(steps))


@cache
def compile_string(source: str) -> Render:
    """The render function of one template text (cached: each text is compiled once per process)."""
    tree = _parse(source)
    parts = _output_parts(tree)
    if parts is not None and len(parts) == 1 and not isinstance(parts[0], nodes.TemplateData):
        path = _plain_path(parts[0])
        if path is not None:
            return _lookup_render(source, path)
        return _expression_render(source, parts[0])
    if parts is not None:
        pieces: list[str | Path] = []
        for part in parts:
            if isinstance(part, nodes.TemplateData):
                pieces.append(part.data)
                continue
            path = _plain_path(part)
            if path is None:
                break
            pieces.append(path)
        else:
            return _joined_render(source, pieces)
    return _template_render(source)


def compile_tree(value: object) -> Render:
    """The render function of a whole value (mappings, lists, matchers, strings), compiled once."""
    render = _compile(value)
    if render is None:
        return lambda _context: value
    return render


def render(value: object, context: Mapping[str, Any]) -> Any:
    """Render ``value`` once (compiles it first; use :func:`compile_tree` to render many times)."""
    return compile_tree(value)(context)


def has_template(value: object) -> bool:
    """True when ``value`` (a tree of mappings, lists, matchers and scalars) holds a template anywhere."""
    if isinstance(value, str):
        return is_template(value)
    if isinstance(value, Mapping):
        return any(has_template(k) or has_template(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_template(item) for item in value)
    if isinstance(value, Matcher):
        return has_template(value.arg)
    return False


def referenced_actors(value: object) -> frozenset[str]:
    """The actors ``value`` names through ``accounts.X`` in its templates (keys and matcher arguments included).

    With the steps' ``as``, what a scenario needs of a target; templates the loader refused name none.
    """
    found: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if is_template(item):
                with contextlib.suppress(TemplateError):
                    found |= references(item).actors
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
        elif isinstance(item, Matcher):
            pending.append(item.arg)
    return frozenset(found)


def _compile(value: object) -> Render | None:
    """``None`` means "constant": the value renders to itself."""
    if isinstance(value, str):
        return compile_string(value) if is_template(value) else None
    if isinstance(value, Mapping):
        return _compile_mapping(value)
    if isinstance(value, list):
        return _compile_list(value)
    if isinstance(value, Matcher):
        return _compile_matcher(value)
    return None


def _compile_mapping(value: Mapping[Any, object]) -> Render | None:
    entries = [(key, _compile(key), item, _compile(item)) for key, item in value.items()]
    if all(key_render is None and item_render is None for _, key_render, _, item_render in entries):
        return None

    def render_mapping(context: Mapping[str, Any]) -> dict[Any, Any]:
        return {
            (str(key_render(context)) if key_render else key): (item_render(context) if item_render else item)
            for key, key_render, item, item_render in entries
        }

    return render_mapping


def _compile_list(value: list[object]) -> Render | None:
    entries = [(item, _compile(item)) for item in value]
    if all(item_render is None for _, item_render in entries):
        return None

    def render_list(context: Mapping[str, Any]) -> list[Any]:
        return [item_render(context) if item_render else item for item, item_render in entries]

    return render_list


def _compile_matcher(matcher: Matcher) -> Render | None:
    arg_render = _compile(matcher.arg)
    if arg_render is None:
        return None

    def render_matcher(context: Mapping[str, Any]) -> Matcher:
        arg = arg_render(context)
        try:
            return matcher.rebuild(arg)
        except MatcherArgError as exc:
            raise TemplateError(repr(matcher), f"rendered to an unusable argument: {exc}") from None

    return render_matcher


def _output_parts(tree: nodes.Template) -> list[nodes.Node] | None:
    """The pieces of a template made only of text and ``{{ }}`` outputs; None if it has statements."""
    parts: list[nodes.Node] = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            return None
        parts.extend(node.nodes)
    return parts


def _constant_key(node: nodes.Node) -> Key | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str | int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, nodes.Neg) and isinstance(node.node, nodes.Const):
        inner = node.node.value
        if isinstance(inner, int) and not isinstance(inner, bool):
            return -inner
    return None


def _plain_path(node: nodes.Node) -> Path | None:
    keys: list[Key] = []
    while True:
        if isinstance(node, nodes.Getattr):
            keys.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            key = _constant_key(node.arg)
            if key is None:
                return None
            keys.append(key)
            node = node.node
        elif isinstance(node, nodes.Name):
            return node.name, tuple(reversed(keys))
        else:
            return None


def _describe(root: str, keys: Sequence[Key]) -> str:
    text = root
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else f".{key}"
    return text


def _resolve(source: str, path: Path, context: Mapping[str, Any]) -> Any:
    root, keys = path
    if root not in context:
        raise TemplateError(source, f"{root!r} is undefined")
    value = context[root]
    for depth, key in enumerate(keys):
        if isinstance(value, Mapping):
            if key in value:
                value = value[key]
                continue
            known = ", ".join(map(str, list(value)[:12])) or "nothing"
            raise TemplateError(source, f"{_describe(root, keys[:depth])} has no key {key!r} (it has: {known})")
        if isinstance(value, list | tuple) and isinstance(key, int):
            if -len(value) <= key < len(value):
                value = value[key]
                continue
            raise TemplateError(
                source, f"{_describe(root, keys[:depth])} has {len(value)} item(s); index {key} does not exist"
            )
        if isinstance(key, str) and value is not None and not isinstance(value, str | list | tuple):
            try:
                found = getattr(value, key)
            except AttributeError:
                pass
            else:
                if not sandbox.safe_attribute(value, key, found):
                    raise TemplateError(
                        source, f"refused by the template sandbox: {_describe(root, keys[: depth + 1])} is unsafe"
                    )
                value = found
                continue
        raise TemplateError(source, f"{_describe(root, keys[:depth])} is {value!r}; it has no {key!r}")
    return value


def _lookup_render(source: str, path: Path) -> Render:
    def render_lookup(context: Mapping[str, Any]) -> Any:
        return _resolve(source, path, context)

    return render_lookup


def _joined_render(source: str, pieces: list[str | Path]) -> Render:
    def render_joined(context: Mapping[str, Any]) -> str:
        return "".join(piece if isinstance(piece, str) else str(_resolve(source, piece, context)) for piece in pieces)

    return render_joined


def _expression_render(source: str, expression: nodes.Node) -> Render:
    # What Environment.compile_expression does, but from the already parsed node.
    body = [nodes.Assign(nodes.Name("result", "store"), expression, lineno=1)]
    compiled = TemplateExpression(_ENV.from_string(nodes.Template(body, lineno=1)), undefined_to_none=False)

    def render_expression(context: Mapping[str, Any]) -> Any:
        try:
            value = compiled(context)
            if isinstance(value, jinja2.Undefined):
                str(value)  # a StrictUndefined raises its own explanation here
        except jinja2.UndefinedError as exc:
            raise TemplateError(source, str(exc)) from None
        except sandbox.SecurityError as exc:
            raise TemplateError(source, f"refused by the template sandbox: {exc}") from None
        except Exception as exc:  # a filter or operator failed on the data (e.g. int("x")): name it
            raise TemplateError(source, f"{type(exc).__name__}: {exc}") from None
        return value

    return render_expression


def _template_render(source: str) -> Render:
    _parse(source)  # the sandbox's checks (cached)
    template = _ENV.from_string(source)

    def render_template(context: Mapping[str, Any]) -> str:
        try:
            return template.render(context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(source, str(exc)) from None
        except sandbox.SecurityError as exc:
            raise TemplateError(source, f"refused by the template sandbox: {exc}") from None
        except Exception as exc:
            raise TemplateError(source, f"{type(exc).__name__}: {exc}") from None

    return render_template
