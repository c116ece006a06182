"""Client building: cut off from the user's AWS setup, direct to loopback, one attempt."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.model.service import service_model
from conformance.targets import Timeouts, parse_target, start_target
from conformance.targets.clients import base_user_agent, client_config, user_agent

from .misbehaving import MisbehavingServer, closed_port_url


def test_emulator_clients_ignore_the_users_aws_profile_and_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The model layer loads botocore's model through the default session (reported to its owner); load it
    # first so this test sees only what the targets layer does with the environment.
    service_model()
    broken = tmp_path / "config"
    broken.write_text("[profile x\nthis is not ini")
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(broken))
    with MisbehavingServer("ok") as server, start_target(parse_target(server.url)) as target:
        assert target.call("member", "ListCollaborations", {}).ok
    (seen,) = server.requests
    assert "Credential=222222222222/" in seen.headers["authorization"]
    assert "/us-east-1/cleanrooms/aws4_request" in seen.headers["authorization"]


def test_loopback_endpoints_bypass_an_environment_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    dead_proxy = closed_port_url()
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, dead_proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with MisbehavingServer("ok") as server, start_target(parse_target(server.url)) as target:
        result = target.call("creator", "ListCollaborations", {})
    assert result.ok, result.transport_error
    assert len(server.requests) == 1


def test_remote_endpoints_keep_the_environment_proxy() -> None:
    spec = parse_target("https://fake.example.com")
    assert client_config(spec, spec.endpoint).proxies is None
    assert client_config(spec, "http://127.0.0.1:1").proxies == {}


def test_client_config() -> None:
    spec = parse_target("reference", timeouts=Timeouts(connect=1.5, read=7))
    config = client_config(spec, None)
    assert config.parameter_validation is False
    assert config.retries == {"total_max_attempts": 1, "mode": "standard"}
    assert (config.connect_timeout, config.read_timeout) == (1.5, 7)
    assert config.user_agent_extra == user_agent()
    assert user_agent().startswith("cleanrooms-conformance/")


def test_user_agent_names_the_suite() -> None:
    with MisbehavingServer("ok") as server, start_target(parse_target(server.url)) as target:
        target.call("creator", "ListCollaborations", {})
    assert user_agent() in server.requests[0].headers["user-agent"]


def test_user_agent_is_the_fixed_classic_form() -> None:
    # Supplied rather than rebuilt by botocore on every request (a measured 12-15% of a local call).
    with MisbehavingServer("ok") as server, start_target(parse_target(server.url)) as target:
        target.call("creator", "ListCollaborations", {})
    sent = server.requests[0].headers["user-agent"]
    assert sent == f"{base_user_agent()} {user_agent()}"
    assert sent.startswith("Botocore/")
