"""The examples in docs/scenario-format.md are real: they load without a problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.scenario.loader import load_scenario
from conformance.scenario.matcher_tags import MATCHERS
from conformance.scenario.schema import scenario_schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"


def _yaml_blocks() -> list[str]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return [block for block in blocks if block.lstrip().startswith(("scenario:", "# yaml-language-server"))]


@pytest.mark.parametrize("text", _yaml_blocks(), ids=["first-file", "expect-one-of", "full-example"])
def test_documented_scenarios_load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "doc-example.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.steps


def test_every_matcher_and_key_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for tag in MATCHERS:
        assert f"`!{tag}" in doc, f"!{tag} is not documented"
    schema = scenario_schema()
    keys = set(schema["properties"]) | set(schema["$defs"]["step"]["properties"])
    keys |= set(schema["$defs"]["expect_error"]["properties"]) | set(schema["$defs"]["alternative"]["properties"])
    for key in keys:
        assert f"`{key}`" in doc, f"`{key}` is not documented"
