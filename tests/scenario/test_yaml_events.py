from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from conformance.scenario import yaml_doc
from conformance.scenario.library import builtin_dir
from conformance.scenario.loader import load_scenarios
from conformance.scenario.yaml_events import LibyamlRefused, available, events_parser, suits_libyaml

DATA = Path(__file__).parent / "data"
LIBRARY = sorted(builtin_dir().glob("*.yaml")) + sorted(DATA.glob("*.yaml"))

needs_libyaml = pytest.mark.skipif(not available(), reason="PyYAML was built without libyaml")


def differences(pure: Any, fast: Any, path: str = "$") -> list[str]:
    """Where two loaded documents differ: types, values, tags and the line/column of every map, key and item."""
    if type(pure) is not type(fast):
        return [f"{path}: {type(pure).__name__} / {type(fast).__name__}"]
    if isinstance(pure, CommentedMap | CommentedSeq):
        found = []
        if (pure.lc.line, pure.lc.col) != (fast.lc.line, fast.lc.col):
            found.append(f"{path}: at {pure.lc.line}:{pure.lc.col} / {fast.lc.line}:{fast.lc.col}")
        if dict(pure.lc.data or {}) != dict(fast.lc.data or {}):
            found.append(f"{path}: positions {pure.lc.data} / {fast.lc.data}")
        if isinstance(pure, CommentedMap):
            if list(pure) != list(fast):
                return [*found, f"{path}: keys {list(pure)} / {list(fast)}"]
            merged = list(getattr(pure, "merge", None) or []), list(getattr(fast, "merge", None) or [])
            if len(merged[0]) != len(merged[1]):
                return [*found, f"{path}: {len(merged[0])} / {len(merged[1])} merged mappings"]
            for left, right in zip(*merged, strict=True):
                found += differences(left, right, f"{path}<<")
            for key in pure:
                found += differences(pure[key], fast[key], f"{path}.{key}")
        else:
            if len(pure) != len(fast):
                return [*found, f"{path}: {len(pure)} / {len(fast)} items"]
            for index, (left, right) in enumerate(zip(pure, fast, strict=True)):
                found += differences(left, right, f"{path}[{index}]")
        return found
    if isinstance(pure, yaml_doc.Tagged):
        if (pure.tag, pure.line) != (fast.tag, fast.line):
            return [f"{path}: !{pure.tag} line {pure.line} / !{fast.tag} line {fast.line}"]
        return differences(pure.value, fast.value, f"{path}!{pure.tag}")
    if isinstance(pure, float) and math.isnan(pure) and math.isnan(fast):
        return []
    return [] if pure == fast and repr(pure) == repr(fast) else [f"{path}: {pure!r} / {fast!r}"]


def both(text: str) -> tuple[Any, Any]:
    parser = events_parser(text)
    assert parser is not None
    return yaml_doc.load_yaml(text, None), yaml_doc.load_yaml(text, parser)


@needs_libyaml
@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_libyaml_events_build_the_same_document_as_ruamel(path: Path) -> None:
    pure, fast = both(path.read_text("utf-8"))
    assert differences(pure, fast) == []


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: [yes, no, on, ~, null, 0777, 0o17, 0x1F, 1_000, 1e3, .inf, -.INF, 2025-09-03, '1', \"2\", True, 1:20]\n",
        "a: |2\n    indented\n  x\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\n",
        "x: &a {k: v}\ny: *a\nz: {<<: *a, k2: w}\nw: [*a, *a]\n",
        'a: "\\u00e9\\x41"\nb: é€😀\n# c\nd: 1 # x\ne:\n  # y\n  - 1\n  - 2 # z\n',
        "a: {b: [1, {c: d}], e: !len {min: 1, max: 2}}\nf: !regex 'arn:.*'\ng: !one_of [403, 404]\nh: !any\n",
        "\ufeffa: 1\r\nb:\r\n  - x\r\n",
        "---\na: 'x''y'\nb: \"one\n  two\"\n...\n",
        "? complex\n: value\n",
    ],
)
def test_yaml_features_read_the_same(text: str) -> None:
    pure, fast = both(text)
    assert differences(pure, fast) == []


@pytest.mark.parametrize(
    ("text", "suits"),
    [
        ("a: 1\n", True),
        ("a: &x {b: 1}\nc: *x\nd: 'arn:aws:.*'\ne: a * b\n", True),
        ("a:\n\tb: 1\n", False),  # libyaml accepts some tabs that ruamel refuses
        ("a: !!str 123\n", False),  # ruamel keeps a tagged scalar
        ("a: &x: {b: 1}\n", False),  # libyaml ends the anchor name at the colon
    ],
)
def test_what_suits_libyaml(text: str, suits: bool) -> None:
    assert suits_libyaml(text) is suits


@needs_libyaml
def test_text_libyaml_refuses_is_left_to_ruamel() -> None:
    with pytest.raises(LibyamlRefused):
        events_parser("a:\n  b: 1\n c: 2\n")
    with pytest.raises(LibyamlRefused):
        events_parser("%YAML 1.2\n---\na: 1\n")  # libyaml would read it as YAML 1.1


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  b: 1\n c: 2\n",  # libyaml refuses it
        "a: 1\na: 2\n",  # ruamel's constructor refuses it
        "a: {id: !uuid}\n",
        "a: 1\n---\nb: 2\n",
    ],
)
def test_errors_are_ruamels_own(text: str) -> None:
    def error(fast: bool) -> str:
        with pytest.raises(YAMLError) as caught:
            yaml_doc.parse_yaml(text, fast=fast)
        return f"{type(caught.value).__name__}: {caught.value}"

    assert error(True) == error(False)


BROKEN = [
    # an empty value: libyaml places it at the key's line, ruamel at the next token
    "scenario: x\nsince: 2025-09-03\ndescription:\nevidence: {level: model, source: MODEL}\nsteps: []\n",
    "scenario: x\nsince: 2025-09-03\nevidence: {level: model, source: MODEL}\nsteps:\n  - as: creator\n"
    "    call: GetCollaboration\n    with:\n    expect:\n",
]


@pytest.mark.parametrize("text", BROKEN)
def test_a_file_with_problems_is_reported_as_the_pure_parser_reads_it(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    _, errors = load_scenarios([path])
    monkeypatch.setattr(yaml_doc, "events_parser", lambda text: None)
    _, pure_errors = load_scenarios([path])
    assert errors
    assert [str(e) for e in errors] == [str(e) for e in pure_errors]


@needs_libyaml
def test_library_files_take_the_fast_path() -> None:
    assert all(events_parser(path.read_text("utf-8")) is not None for path in LIBRARY)
