from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conformance.scenario import yaml_limits
from conformance.scenario.library import builtin_dir
from conformance.scenario.loader import load_scenarios
from conformance.scenario.yaml_limits import (
    MAX_ALIASES,
    MAX_NODES,
    BoundedParser,
    BoundedScanner,
    EventBounds,
    LimitExceeded,
    check_size,
)


def watch(text: str) -> EventBounds:
    """Every event of ``text`` through one EventBounds (ruamel's pure parser, no composer)."""
    bounds = EventBounds()
    for event in YAML(typ="rt").parse(text):
        bounds.see(event)
    return bounds


def refusal(text: str) -> LimitExceeded:
    with pytest.raises(LimitExceeded) as caught:
        watch(text)
    return caught.value


def test_aliases_count_what_they_stand_for() -> None:
    # &a is 100 nodes; *a stands for 100 more each time: 500 aliases reach the limit only by expansion.
    items = ", ".join(["1"] * 99)
    width = MAX_NODES // 100
    text = f"a: &a [{items}]\nb: [" + ", ".join(["*a"] * width) + "]\n"
    assert "once its aliases are expanded" in refusal(text).message
    assert refusal(text).line == 2
    watch(f"a: &a [{items}]\nb: [" + ", ".join(["*a"] * (width // 2)) + "]\n")  # half of it is fine


def test_a_redefined_anchor_counts_its_latest_value_and_an_undefined_alias_counts_one() -> None:
    big = ", ".join(["1"] * (MAX_NODES // 4))
    text = f"a: &x [{big}]\nb: &x 1\nc: [" + ", ".join(["*x"] * 100) + "]\n"
    watch(text)  # *x is the scalar 1 by then
    watch("a: [*nowhere]\n")  # the composer reports the undefined alias


def test_alias_count_and_cycles() -> None:
    assert "more than 1,000 aliases" in refusal("a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n").message
    cycle = refusal("a: &a\n  b: [*a]\n")
    assert (cycle.line, cycle.message) == (2, "alias *a is inside its own anchor &a: a value cannot contain itself")
    watch("a: &a [1]\nb: &b [*a, *a]\n")  # an alias of a finished anchor inside another anchor is fine


def test_depth_counts_mappings_and_lists_of_both_styles() -> None:
    ok = "[" * yaml_limits.MAX_DEPTH + "]" * yaml_limits.MAX_DEPTH
    watch(ok)
    assert "nested more than 64 deep" in refusal("[" + ok + "]").message
    blocks = "".join(" " * i + "a:\n" for i in range(yaml_limits.MAX_DEPTH + 1))
    assert refusal(blocks).line == yaml_limits.MAX_DEPTH + 1


def test_the_scanner_stops_at_the_first_bracket_too_deep() -> None:
    yaml = YAML(typ="rt")
    yaml.Parser, yaml.Scanner = BoundedParser, BoundedScanner
    with pytest.raises(LimitExceeded) as caught:
        yaml.load("x: 1\ny: " + "{a: " * 100_000)
    assert caught.value.line == 2


def test_size() -> None:
    check_size(yaml_limits.MAX_FILE_BYTES)
    with pytest.raises(LimitExceeded, match="at most 262,144"):
        check_size(yaml_limits.MAX_FILE_BYTES + 1)


def test_the_library_stays_far_inside_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every library file still loads with limits 4 times tighter (real maxima: 4,935 bytes, depth 11, 8 aliases,
    # 457 expanded nodes), so the limits are far above what a real scenario needs.
    tighter: dict[str, Any] = {
        name: getattr(yaml_limits, name) // 4 for name in ("MAX_FILE_BYTES", "MAX_DEPTH", "MAX_ALIASES", "MAX_NODES")
    }
    for name, value in tighter.items():
        monkeypatch.setattr(yaml_limits, name, value)
    files = sorted(Path(builtin_dir()).glob("*.yaml"))
    scenarios, errors = load_scenarios(files)
    assert errors == []
    assert len(scenarios) == len(files)
