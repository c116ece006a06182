from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

UUID = "0d1b6a4e-8c6f-4b1e-9b7a-2f4a3c5d6e7f"

GET_COLLABORATION = f"""
scenario: get a collaboration
since: 2023-01-12
evidence: {{level: model, source: MODEL}}
steps:
  - as: creator
    call: GetCollaboration
    with: {{collaborationIdentifier: "{UUID}"}}
"""

CREATE_AND_GET = """
scenario: create then get a collaboration
since: 2023-01-12
evidence: {level: model, source: MODEL}
steps:
  - as: creator
    call: CreateCollaboration
    with: {name: "c-{{ run_id }}", members: [], creatorMemberAbilities: [CAN_QUERY],
           creatorDisplayName: creator, queryLogStatus: DISABLED}
    expect: {collaboration: {id: !uuid , creatorAccountId: "{{ accounts.creator }}"}}
    save: {collab: collaboration.id}
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: "{{ collab }}"}
    expect: {collaboration: {id: "{{ collab }}"}}
"""


@pytest.fixture
def scenario_dir(pytester: pytest.Pytester) -> Callable[..., Path]:
    """Writes scenario files into a fresh folder of the pytester directory and returns the folder."""

    def make(**files: str) -> Path:
        folder = pytester.path / "scen"
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            (folder / f"{name}.yaml").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return folder

    return make


def read_results(report_dir: Path) -> dict[str, Any]:
    files = list(report_dir.glob("*/results.json"))
    assert len(files) == 1, f"expected one results.json under {report_dir}, found {files}"
    data: dict[str, Any] = json.loads(files[0].read_text(encoding="utf-8"))
    return data


def outcomes(report_dir: Path) -> dict[str, str]:
    return {s["scenario_id"]: s["outcome"] for s in read_results(report_dir)["scenarios"]}
