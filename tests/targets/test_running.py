"""Starting, using and stopping targets: the reference emulator, moto and plain URLs."""

from __future__ import annotations

import re
import socket
import sys
import time
from urllib.parse import urlsplit

import pytest

from conformance.reference import EmulatorConfig, ReferenceServer
from conformance.targets import RunningTarget, TargetError, Timeouts, new_run_id, parse_target, probe, start_target
from conformance.targets.running import check_run_id

from .misbehaving import CannedResponse, MisbehavingServer, closed_port_url

CREATE = {
    "name": "conformance",
    "members": [{"accountId": "222222222222", "memberAbilities": [], "displayName": "member"}],
    "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
    "creatorDisplayName": "creator",
    "queryLogStatus": "DISABLED",
}


def refuses_connections(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def test_reference_target_end_to_end() -> None:
    with start_target(parse_target("reference")) as target:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", target.endpoint_url)
        assert target.actors() == ("creator", "member", "outsider", "member2")
        assert target.account_id("member2") == "444444444444"
        assert isinstance(target.reference_server, ReferenceServer)
        probe(target)
        created = target.call("creator", "CreateCollaboration", CREATE)
        assert created.ok, created
        collaboration = created.parsed["collaboration"] if created.parsed else {}
        assert collaboration["creatorAccountId"] == target.account_id("creator") == "111111111111"
        got = target.call("creator", "GetCollaboration", {"collaborationIdentifier": collaboration["id"]})
        assert got.ok
        assert got.parsed is not None
        assert got.parsed["collaboration"]["id"] == collaboration["id"]
        assert got.exchange is not None
        assert got.exchange.status == 200
        url = target.endpoint_url
    assert refuses_connections(url)


def test_reference_honours_the_emulator_config_and_region() -> None:
    spec = parse_target("reference", region="eu-west-1")
    with start_target(spec) as target:
        created = target.call("creator", "CreateCollaboration", CREATE)
        assert created.parsed is not None
        assert ":eu-west-1:" in created.parsed["collaboration"]["arn"]
    with pytest.raises(TargetError, match="the emulator config's region 'us-east-1' differs from the target's"):
        start_target(spec, emulator_config=EmulatorConfig(region="us-east-1"))


def test_reference_refuses_a_region_it_cannot_put_in_arns() -> None:
    with pytest.raises(TargetError, match="the reference emulator cannot serve region 'us-gov-west-1'"):
        start_target(parse_target("reference", region="us-gov-west-1"))


def test_emulator_config_is_for_the_reference_only() -> None:
    with pytest.raises(TargetError, match="applies to the reference target only, not to 'url'"):
        start_target(parse_target("http://127.0.0.1:9"), emulator_config=EmulatorConfig())


def test_clients_are_cached_per_actor_and_built_for_conformance() -> None:
    with start_target(parse_target("reference", timeouts=Timeouts(connect=2, read=3))) as target:
        creator = target.client("creator")
        assert target.client("creator") is creator
        assert target.client("member") is not creator
        config = creator.meta.config
        # parameter_validation=False is not kept in meta.config; test_calling shows invalid values are sent.
        assert config.retries["total_max_attempts"] == 1
        assert (config.connect_timeout, config.read_timeout) == (2, 3)
        assert creator.meta.region_name == "us-east-1"
        assert target.recorder("creator") is target.recorder("creator")


def test_unknown_actor_lists_the_known_ones() -> None:
    with start_target(parse_target("http://127.0.0.1:9")) as target:
        message = re.escape("unknown actor 'admin' on target '127.0.0.1-9'; known actors: creator, member, outsider")
        with pytest.raises(TargetError, match=message):
            target.client("admin")
        with pytest.raises(TargetError, match=message):
            target.account_id("admin")
        with pytest.raises(TargetError, match=message):
            target.call("admin", "ListCollaborations", {})


def test_closed_target_refuses_calls() -> None:
    target = start_target(parse_target("http://127.0.0.1:9"))
    target.client("creator")
    target.close()
    target.close()  # idempotent
    with pytest.raises(TargetError, match=re.escape("target '127.0.0.1-9' is closed")):
        target.call("creator", "ListCollaborations", {})


def test_run_ids() -> None:
    assert re.fullmatch(r"cr-conf-[0-9a-f]{8}", new_run_id())
    assert new_run_id() != new_run_id()
    assert check_run_id("ci-build-1234") == "ci-build-1234"
    with pytest.raises(TargetError, match="run id 'x/y' is not usable"):
        start_target(parse_target("http://127.0.0.1:9"), run_id="x/y")
    with start_target(parse_target("http://127.0.0.1:9"), run_id="cr-conf-12345678") as target:
        assert target.run_id == "cr-conf-12345678"


def test_moto_target_acts_as_each_account() -> None:
    pytest.importorskip("moto")
    with start_target(parse_target("moto")) as target:
        probe(target)
        mine = target.call("creator", "CreateCollaboration", CREATE)
        theirs = target.call("member", "CreateCollaboration", {**CREATE, "members": []})
        assert mine.parsed is not None
        assert theirs.parsed is not None
        assert mine.parsed["collaboration"]["creatorAccountId"] == "111111111111"
        assert theirs.parsed["collaboration"]["creatorAccountId"] == "222222222222"
        assert ":111111111111:" in mine.parsed["collaboration"]["arn"]
        listed = target.call("creator", "ListCollaborations", {})
        assert listed.parsed is not None
        assert [c["name"] for c in listed.parsed["collaborationList"]] == ["conformance"]  # reset at start
        url = target.endpoint_url
    assert refuses_connections(url)


def test_moto_refuses_a_global_account_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "999999999999")
    with pytest.raises(TargetError, match="MOTO_ACCOUNT_ID is set in the environment; unset it"):
        start_target(parse_target("moto"))


def test_moto_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto.server", None)  # makes `import moto.server` fail
    with pytest.raises(TargetError, match=re.escape("pip install 'cleanrooms-conformance[moto]'")):
        start_target(parse_target("moto"))


def test_probe_of_a_closed_port_fails_fast_and_clearly() -> None:
    url = closed_port_url()
    with start_target(parse_target(url, timeouts=Timeouts(connect=0.5, read=0.5))) as target:
        start = time.perf_counter()
        with pytest.raises(TargetError) as info:
            probe(target)
        assert time.perf_counter() - start < 2
    message = str(info.value)
    assert message.startswith(f"target '{target.spec.name}' at {url} is not reachable: EndpointConnectionError")
    assert f"check that the server is running and listening at {url}" in message


@pytest.mark.parametrize("mode", ["hang", "drop"])
def test_probe_accepts_a_server_that_took_the_connection(mode: str) -> None:
    # Reachable but broken: the run goes on and its scenarios end as ERROR with the evidence.
    with (
        MisbehavingServer(mode) as server,
        start_target(parse_target(server.url, timeouts=Timeouts(connect=0.5, read=0.3))) as target,
    ):
        probe(target)
        assert len(server.requests) == 1


@pytest.mark.parametrize(
    "response",
    [
        CannedResponse(status=404, body=b"<html>no such route</html>", headers={"Content-Type": "text/html"}),
        CannedResponse(status=501, body=b"", headers={}),
        CannedResponse(status=200, body=b"not json", headers={"Content-Type": "text/plain"}),
    ],
)
def test_any_http_answer_counts_as_reachable(response: CannedResponse) -> None:
    with MisbehavingServer("canned", response=response) as server:
        with start_target(parse_target(server.url)) as target:
            probe(target)
        assert [r.path for r in server.requests] == ["/collaborations?maxResults=1"]


def test_repr_names_the_target() -> None:
    target = RunningTarget(
        parse_target("http://127.0.0.1:9"),
        endpoint_url="http://127.0.0.1:9",
        run_id="cr-conf-00000000",
        accounts={},
        make_client=lambda actor: pytest.fail("no client expected"),
    )
    assert repr(target) == "RunningTarget(name='127.0.0.1-9', kind='url', run_id='cr-conf-00000000')"
