"""A correct implementation passes whichever defensible reading it follows: the default run against each reading.

The reference emulator can be switched to every other answer the behaviour reference accepts where AWS leaves a
point open (``docs/emulator-readings.md``): Smithy's unanchored patterns, 403 for ids that exist nowhere,
SerializationException or ValidationException for every undecodable body, or only the 2025-09-03 API. Each is
an implementation the suite must not fail, so the whole default run (scenarios and quick fuzz checks) has to
come out with every item PASS against each, in a real subprocess of the CLI as a user would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "conformance"]

READINGS: dict[str, tuple[str, ...]] = {
    "patterns=smithy": ("--emulator-reading=patterns=smithy",),
    "unknown_ids=access-denied": ("--emulator-reading=unknown_ids=access-denied",),
    "bad_json=serialization": ("--emulator-reading=bad_json=serialization",),
    "bad_json=validation": ("--emulator-reading=bad_json=validation",),
    # An implementation of the first change-request release, judged as that release.
    "api_version=2025-09-03": ("--emulator-reading=api_version=2025-09-03", "--api-version=2025-09-03"),
}


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("reading", sorted(READINGS))
def test_the_default_run_passes_against_every_reading(reading: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [*CLI, "run", "-q", "-p", "no:randomly", *READINGS[reading]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=580,
        env=env,
    )
    results = json.loads((tmp_path / "reports" / "reference" / "results.json").read_text())
    outcomes = {s["scenario_id"]: s["outcome"] for s in results["scenarios"]}
    not_passed = {name: outcome for name, outcome in outcomes.items() if outcome != "PASS"}
    assert not not_passed, f"{reading}: {not_passed}\n{done.stdout[-4000:]}"
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert len(outcomes) >= 40  # the era's scenarios at least, and the fuzz checks
