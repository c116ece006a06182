#!/usr/bin/env python3
"""Developer entry point: creates `.venv`, installs the project, runs the suite or the tests.

Only the standard library is used here, so that `python3 dev.py ...` works on a machine that has
nothing but Python 3.11+. The environment is rebuilt whenever pyproject.toml or constraints.txt change.

    python3 dev.py run [cleanrooms-conformance run options]   # the suite vs the reference emulator
    python3 dev.py test [pytest options]                      # ruff, mypy --strict, then the tests
    python3 dev.py shell                                      # prints how to activate the environment
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("CONFORMANCE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_env() -> None:
    """Create or refresh the virtual environment with the project and its test extras."""
    stamp = VENV / ".conformance-stamp"
    wanted = _fingerprint()
    if stamp.exists() and stamp.read_text() == wanted and PY.exists():
        return
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    print(f"dev.py: preparing {VENV} (first run or dependencies changed) ...", flush=True)
    if not PY.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-c", "constraints.txt", "-e", ".[test]"], cwd=ROOT, check=True)
    stamp.write_text(wanted)


def run(argv: list[str]) -> int:
    cmd = [str(BIN / "cleanrooms-conformance"), "run", *argv]
    return subprocess.call(cmd, cwd=ROOT)


def test(argv: list[str]) -> int:
    lint_paths = [p for p in ("conformance", "tests", "benchmarks", "dev.py") if (ROOT / p).exists()]
    steps = [
        [str(BIN / "ruff"), "check", *lint_paths],
        [str(BIN / "mypy"), "--strict", "conformance"],
        [str(PY), "-m", "pytest", "-n", "2", *argv],
    ]
    for step in steps:
        print("dev.py:", " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)), flush=True)
        code = subprocess.call(step, cwd=ROOT)
        if code != 0:
            return code
    return 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test", "shell"}:
        print(__doc__)
        return 2
    ensure_env()
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "run":
        return run(rest)
    if command == "test":
        return test(rest)
    print(f"source {BIN / 'activate'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
