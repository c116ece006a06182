"""A real-AWS run's cleanup survives SIGTERM and a forgotten close(): checked in child processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from conformance.targets.shutdown import ExitCleanup

REPO = Path(__file__).resolve().parents[2]

# A child process that starts a stubbed real-AWS target, creates one collaboration and then either gets a
# SIGTERM or simply ends without closing the target.
CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from tests.targets.stubbed_aws import StubbedAws, aws_spec
    from tests.targets.test_aws import CREATE, COLLAB, RUN, TAG_KEY, collaboration
    from conformance.targets import start_target

    ledger_dir, mode = Path(sys.argv[1]), sys.argv[2]

    def script(actor, stub):
        stub.add_response("create_collaboration", collaboration(), {**CREATE, "tags": {TAG_KEY: RUN}})
        stub.add_response("delete_collaboration", {}, {"collaborationIdentifier": COLLAB})

    accounts = {"creator": "111111111111"}
    target = start_target(aws_spec(accounts), run_id=RUN, ledger_dir=ledger_dir,
                          session_factory=StubbedAws(accounts, script=script))
    assert target.call("creator", "CreateCollaboration", CREATE).ok
    if mode == "sigterm":
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)  # interrupted by the handler
        print("not interrupted")
    """
)


def run_child(tmp_path: Path, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path), mode],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def events(tmp_path: Path) -> list[tuple[str, str]]:
    lines = (tmp_path / "cr-conf-0a1b2c3d.jsonl").read_text().splitlines()
    return [(json.loads(line)["event"], json.loads(line)["kind"]) for line in lines]


def test_sigterm_still_deletes_what_the_run_created(tmp_path: Path) -> None:
    child = run_child(tmp_path, "sigterm")
    assert child.returncode == 128 + signal.SIGTERM, child.stderr
    assert "not interrupted" not in child.stdout
    assert events(tmp_path) == [("created", "collaboration"), ("deleted", "collaboration")]


def test_a_target_never_closed_is_cleaned_at_exit(tmp_path: Path) -> None:
    child = run_child(tmp_path, "forget")
    assert child.returncode == 0, child.stderr
    assert events(tmp_path) == [("created", "collaboration"), ("deleted", "collaboration")]


def test_someone_elses_sigterm_handler_is_left_alone() -> None:
    def theirs(signum: int, frame: object) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, theirs)
    try:
        cleanup = ExitCleanup(lambda: None)
        cleanup.install()
        assert not cleanup.handles_sigterm
        assert signal.getsignal(signal.SIGTERM) is theirs
        cleanup.uninstall()
        assert signal.getsignal(signal.SIGTERM) is theirs
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_uninstall_restores_the_default_handler() -> None:
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        cleanup = ExitCleanup(lambda: None)
        cleanup.install()
        assert cleanup.handles_sigterm
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        cleanup.uninstall()
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        assert not cleanup.handles_sigterm
    finally:
        signal.signal(signal.SIGTERM, previous)
