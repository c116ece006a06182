"""The committed moto expectations keep the gate green, and un-listing any one entry turns it red."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.scenario.library import builtin_dir

EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations" / "moto.yaml"


def _entry_lines() -> list[str]:
    return [line for line in EXPECTATIONS.read_text().splitlines() if line.lstrip().startswith("- {id: ")]


@pytest.mark.slow
def test_moto_gate_is_green(pytester: pytest.Pytester) -> None:
    # The whole default run, fuzz checks included: exactly the command the README and docs/ci-gate.md give.
    result = pytester.runpytest(str(builtin_dir()), "--target=moto", f"--expectations={EXPECTATIONS}")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()[-3000:]
    outcomes = result.parseoutcomes()
    assert outcomes.get("xfailed", 0) == len(_entry_lines())
    assert "failed" not in outcomes


@pytest.mark.slow
def test_deleting_one_line_turns_the_gate_red(pytester: pytest.Pytester) -> None:
    lines = EXPECTATIONS.read_text().splitlines(keepends=True)
    victim = next(line for line in lines if "- {id: cr-auto-approved-add-member," in line)
    edited = pytester.path / "moto.yaml"
    edited.write_text("".join(line for line in lines if line is not victim))
    # The scenarios alone are enough to show it (the fuzz checks make the run ~20x longer on moto).
    result = pytester.runpytest(str(builtin_dir()), "--target=moto", f"--expectations={edited}", "-m", "not fuzz")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*cr-auto-approved-add-member*UNSUPPORTED*"])
    assert result.parseoutcomes()["failed"] == 1
