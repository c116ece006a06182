"""A server that does nothing earns no PASS: the whole scenario library against six constant loopback servers.

Each server gives every request the same answer: always 403 AccessDenied, always 400 ValidationException,
always 404 ResourceNotFoundException (with the members its shape requires), always 500, always 200 ``{}``, or
the request's own body back with 200. A scenario that passes against one of them would pass against an
implementation that does nothing, so zero scenarios may PASS against each. (The fuzz checks are judged
elsewhere; here ``-m "not fuzz"``.)
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
def test_no_scenario_passes_against_a_server_that_does_nothing(
    pytester: pytest.Pytester, null_server: MisbehavingServer
) -> None:
    result = pytester.runpytest_inprocess(
        str(builtin_dir()), f"--target={null_server.url}", "-m", "not fuzz", "--report-dir", "reports", "-q"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()[-3000:]
    scenarios = read_results(pytester.path / "reports")["scenarios"]
    assert len(scenarios) == len(list(builtin_dir().glob("*.yaml")))
    passed = sorted(s["scenario_id"] for s in scenarios if s["outcome"] not in {"FAIL", "ERROR", "UNSUPPORTED"})
    assert passed == [], f"these scenarios pass against a {null_server.mode} server that does nothing: {passed}"
    assert len(null_server.requests) >= len(scenarios)  # every scenario reached the server
