"""The CLI's own choices, as plain functions (the commands themselves run end to end in tests/e2e/test_cli.py)."""

from __future__ import annotations

import pytest

from conformance.cli import run_speedups

NO_PLUGINS = ["-p", "no:schemathesis", "-p", "no:hypothesispytest", "--assert=plain"]


def test_a_serial_run_only_leaves_out_the_unused_plugins() -> None:
    assert run_speedups(["-q", "-m", "not fuzz"]) == NO_PLUGINS


@pytest.mark.parametrize("workers", [["-n", "2"], ["-n2"], ["--numprocesses=2"], ["--numprocesses", "auto"]])
def test_workers_take_items_one_at_a_time_unless_told_how_to_share_them(workers: list[str]) -> None:
    assert run_speedups(workers) == [*NO_PLUGINS, "--dist", "load", "--maxschedchunk", "1"]
    assert run_speedups([*workers, "--dist", "loadfile"]) == NO_PLUGINS
    assert run_speedups([*workers, "--dist=worksteal"]) == NO_PLUGINS
    assert run_speedups([*workers, "--maxschedchunk=4"]) == NO_PLUGINS
