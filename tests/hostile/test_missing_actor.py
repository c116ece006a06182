"""Black-box: a scenario that needs an actor the target does not configure is the configuration's ERROR, never
the target's FAIL, and it ends before any step is sent.

Emulator targets always have the four built-in actors; a real-AWS target has exactly the actors its
``--target-config`` table lists. So the target here is ``kind = "aws"`` with creator, member and outsider only,
made local: its Clean Rooms endpoint is a reference emulator, its STS a small fake that says which account a
request's access key belongs to, and its profiles live in a throw-away AWS config file.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conformance.reference import ReferenceServer
from conformance.targets.actors import EMULATOR_ACCOUNTS
from conformance.targets.errors import TargetError
from conformance.targets.spec import parse_target
from tests.plugin.conftest import CREATE_AND_GET, read_results

HEADER = "scenario: needs member2\nsince: 2023-01-12\nevidence: {level: model, source: MODEL}\n"
CREATE = (
    "  - as: creator\n    call: CreateCollaboration\n"
    '    with: {name: "half-{{ run_id }}", members: MEMBERS, creatorMemberAbilities: [],\n'
    "           creatorDisplayName: creator, queryLogStatus: DISABLED}\n"
    "    save: {collab: collaboration.id}\n"
)
#: The library's usual shape: member2's account appears in a template of the very first step.
IN_A_TEMPLATE = HEADER + "steps:\n" + CREATE.replace(
    "MEMBERS", '[{accountId: "{{ accounts.member2 }}", memberAbilities: [], displayName: m2}]'
)
#: member2 acts only in a later step: the first step would create a collaboration and leave it half-way.
AS_A_LATER_CALLER = (
    HEADER
    + "steps:\n"
    + CREATE.replace("MEMBERS", "[]")
    + '  - as: member2\n    call: GetCollaboration\n    with: {collaborationIdentifier: "{{ collab }}"}\n'
)
ACTORS = ("creator", "member", "outsider")


class _Sts(BaseHTTPRequestHandler):
    """STS GetCallerIdentity: the account is the request's access key id (the emulators' convention)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        found = re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", ""))
        account = found.group(1) if found else "000000000000"
        body = (
            '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<GetCallerIdentityResult><Arn>arn:aws:iam::{account}:user/test</Arn><UserId>AIDTEST</UserId>"
            f"<Account>{account}</Account></GetCallerIdentityResult>"
            "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Path]]:
    """A ``--target-config`` file whose aws target ``sandbox`` has creator, member and outsider, all local."""
    sts = ThreadingHTTPServer(("127.0.0.1", 0), _Sts)
    thread = threading.Thread(target=sts.serve_forever, daemon=True)
    thread.start()
    profiles = tmp_path / "aws-config"
    profiles.write_text(
        "".join(
            f"[profile cr-{actor}]\naws_access_key_id = {EMULATOR_ACCOUNTS[actor]}\n"
            f"aws_secret_access_key = conformance\nregion = us-east-1\n"
            for actor in ACTORS
        ),
        encoding="utf-8",
    )
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(profiles))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://127.0.0.1:{sts.server_address[1]}")
    with ReferenceServer() as emulator:

        def make() -> Path:
            config = tmp_path / "targets.toml"
            accounts = ", ".join(f'"{EMULATOR_ACCOUNTS[a]}"' for a in ACTORS)
            config.write_text(
                f'[targets.sandbox]\nkind = "aws"\nendpoint = "{emulator.url}"\nregion = "us-east-1"\n'
                f"allow_accounts = [{accounts}]\n"
                + "".join(f'[targets.sandbox.actors.{a}]\nprofile = "cr-{a}"\n' for a in ACTORS),
                encoding="utf-8",
            )
            return config

        yield make
    sts.shutdown()
    sts.server_close()


def test_a_missing_actor_is_an_error_naming_it_and_where_to_configure_it_before_any_step_is_sent(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path], local_aws: Callable[[], Path]
) -> None:
    config = local_aws()
    folder = scenario_dir(good=CREATE_AND_GET, in_a_template=IN_A_TEMPLATE, as_a_later_caller=AS_A_LATER_CALLER)
    reports = pytester.path / "r"
    result = pytester.runpytest(
        str(folder), "--target=sandbox", f"--target-config={config}", "--report-dir", str(reports)
    )
    result.assert_outcomes(passed=1, failed=2)
    results = read_results(reports)
    scenarios = {s["scenario_id"]: s for s in results["scenarios"]}
    assert {name: s["outcome"] for name, s in scenarios.items()} == {
        "good": "PASS",
        "in_a_template": "ERROR",
        "as_a_later_caller": "ERROR",
    }
    for name in ("in_a_template", "as_a_later_caller"):
        message = scenarios[name]["message"]
        assert "actor member2" in message, message
        assert f"configure actor member2 in {config} [targets.sandbox.actors.member2]" in message, message
        assert 'profile = "' in message, message
    # Nothing was sent for them: no step was recorded, so no collaboration was created half-way.
    assert {c["scenario_id"] for c in results["checks"]} == {"good"}


def test_the_message_says_where_the_actor_goes_when_no_config_file_defines_the_target() -> None:
    spec = parse_target("aws", region="eu-west-1", allow_accounts=["111111111111"])
    with pytest.raises(TargetError) as caught:
        spec.require_actors(["creator", "member2", "auditor"])
    assert str(caught.value) == (
        "unknown actors 'auditor', 'member2' on target 'aws'; known actors: creator, member, outsider; configure"
        " actors auditor, member2 in a --target-config file: [targets.aws.actors.auditor] and"
        ' [targets.aws.actors.member2] with profile = "AWS_PROFILE", then run with --target=aws (an aws target has'
        " exactly the actors it lists: keep creator, member, outsider) (see docs/targets.md#actors)"
    )
    spec.require_actors(["creator", "outsider"])  # nothing missing: no error
