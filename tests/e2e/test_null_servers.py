"""A server that does nothing earns no PASS: the whole default run against six constant loopback servers.

Each server gives every request the same answer: always 403 AccessDenied, always 400 ValidationException,
always 404 ResourceNotFoundException (with the members its shape requires), always 500, always 200 ``{}``, or
the request's own body back with 200. A scenario or fuzz check that passes against one of them would pass
against an implementation that does nothing, so zero items may PASS against each: the scenario library and the
quick fuzz checks, through the pytest plugin as a user runs them (each fuzz check within a 5 s budget; the fuzz
layer's own functions are held to the same rule in tests/fuzz/test_null_servers.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import MappingProxyType

import pytest

from conformance.scenario.library import builtin_dir
from tests.plugin.conftest import read_results
from tests.targets.misbehaving import CannedResponse, MisbehavingServer

_JSON = {"Content-Type": "application/json"}


def _error(status: int, code: str, **members: str) -> CannedResponse:
    body = json.dumps({"message": f"always {code}", **members}).encode()
    return CannedResponse(status, body, MappingProxyType({**_JSON, "X-Amzn-ErrorType": code}))


#: kind → (MisbehavingServer mode, canned response or None for the mode's own).
NULL_SERVERS = {
    "always-403": ("canned", _error(403, "AccessDeniedException")),
    "always-400": ("canned", _error(400, "ValidationException")),
    "always-404": (
        "canned",
        _error(
            404,
            "ResourceNotFoundException",
            resourceId="00000000-0000-4000-8000-000000000000",
            resourceType="COLLABORATION",
        ),
    ),
    "always-500": ("status-500", None),
    "always-200-empty": ("ok", None),
    "echo": ("echo", None),
}


@pytest.fixture(params=sorted(NULL_SERVERS))
def null_server(request: pytest.FixtureRequest) -> Iterator[MisbehavingServer]:
    """A loopback server that answers every request with one constant answer (one kind per parameter)."""
    mode, response = NULL_SERVERS[request.param]
    with MisbehavingServer(mode, response=response) as server:
        yield server


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_nothing_passes_against_a_server_that_does_nothing(
    pytester: pytest.Pytester, null_server: MisbehavingServer
) -> None:
    # A subprocess: in-process runs share the fuzz layer's module-level caches with the runs before them.
    result = pytester.runpytest_subprocess(
        str(builtin_dir()), f"--target={null_server.url}", "--fuzz-check-budget=5", "--report-dir", "reports", "-q"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()[-3000:]
    items = read_results(pytester.path / "reports")["scenarios"]
    scenarios = [s for s in items if not s["scenario_id"].startswith("fuzz:")]
    fuzz = [s for s in items if s["scenario_id"].startswith("fuzz:")]
    assert len(scenarios) == len(list(builtin_dir().glob("*.yaml")))
    assert len(fuzz) > 50  # the quick fuzz checks ran too
    passed = sorted(s["scenario_id"] for s in items if s["outcome"] not in {"FAIL", "ERROR", "UNSUPPORTED"})
    assert passed == [], f"these pass against a {null_server.mode} server that does nothing: {passed}"
    assert len(null_server.requests) >= len(items)  # every item reached the server
