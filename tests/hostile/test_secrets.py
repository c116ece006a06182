"""Hostile target: one that echoes the request's credentials back in its error bodies.

The suite must not copy them into any output: the terminal, ``junit.xml``, Allure results, ``results.json``,
``index.html`` or golden recordings. The actor signs with a real-looking access key id and a session token from
a TOML target config (built at run time: a literal would be mined by Hypothesis and look like a leak).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import string
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import botocore.session
import pytest

from conformance.glue import items
from conformance.glue.session import remember_credentials
from conformance.report import redact
from conformance.targets.running import start_target
from conformance.targets.spec import ActorSpec
from tests.targets.stubbed_aws import StubbedAws, aws_spec

UUID = "0d1b6a4e-8c6f-4b1e-9b7a-2f4a3c5d6e7f"

FAILING = f"""
scenario: get a collaboration the echoing target refuses
since: 2023-01-12
evidence: {{level: model, source: MODEL}}
steps:
  - as: creator
    call: GetCollaboration
    with: {{collaborationIdentifier: "{UUID}"}}
"""

EXPECTED_TO_FAIL = f"""
scenario: list memberships the echoing target refuses
since: 2023-01-12
evidence: {{level: model, source: MODEL}}
steps:
  - as: creator
    call: ListMemberships
    with: {{}}
  - as: creator
    call: GetCollaboration
    with: {{collaborationIdentifier: "{UUID}"}}
"""

ERRORING = """
scenario: the echoing target answers a create with an undecodable body
since: 2023-01-12
evidence: {level: model, source: MODEL}
steps:
  - as: creator
    call: CreateCollaboration
    with: {name: "x", members: [], creatorMemberAbilities: [], creatorDisplayName: c, queryLogStatus: DISABLED}
"""


@dataclass(frozen=True, slots=True)
class Credentials:
    key_id: str
    secret: str
    token: str


def make_credentials() -> Credentials:
    alphabet = string.ascii_uppercase + string.digits
    return Credentials(
        key_id="AKIA" + "".join(secrets.choice(alphabet) for _ in range(16)),
        secret=base64.b64encode(os.urandom(30)).decode(),
        token="IQoJb3JpZ2luX2Vj" + base64.b64encode(os.urandom(120)).decode(),
    )


@dataclass
class EchoServer:
    """Answers every request with a 400 whose body quotes the request's headers, in several forms."""

    signatures: set[str] = field(default_factory=set)
    server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                headers = {name: value for name, value in self.headers.items()}
                found = re.search(r"Signature=([0-9a-f]+)", headers.get("Authorization", ""))
                if found:
                    owner.signatures.add(found.group(1))
                token = headers.get("X-Amz-Security-Token", "")
                key_id = re.search(r"Credential=([A-Z0-9]+)/", headers.get("Authorization", ""))
                lines = "\n".join(f"{name}: {value}" for name, value in headers.items())
                if self.command == "POST":
                    body = b'{"collaboration": '  # cut short: the step ends as ERROR, its message quotes it
                    body += json.dumps(lines).encode()
                    status, kind = 200, None
                else:
                    payload = {
                        "message": f"Request rejected; it carried:\n{lines}",
                        "seen": headers,
                        # Bare values, without any name a pattern could key on.
                        "trace": f"{token} {key_id.group(1) if key_id else ''}",
                        "url": f"https://bucket.invalid/o?X-Amz-Security-Token={token}&X-Amz-Signature=ab12",
                    }
                    body = json.dumps(payload).encode()
                    status, kind = 400, "ValidationException"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if kind:
                    self.send_header("X-Amzn-ErrorType", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = do_PATCH = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def echo() -> Iterator[tuple[EchoServer, str]]:
    server = EchoServer()
    url = server.start()
    yield server, url
    server.stop()


def _config(path: Path, url: str, creds: Credentials) -> Path:
    path.write_text(
        textwrap.dedent(
            f"""
            [targets.echo]
            endpoint = "{url}"
            [targets.echo.actors.creator]
            access_key_id = "{creds.key_id}"
            secret_access_key = "{creds.secret}"
            session_token = "{creds.token}"
            """
        ),
        encoding="utf-8",
    )
    return path


def _found(text: str, creds: Credentials, signatures: set[str]) -> int:
    count = sum(text.count(value) for value in (creds.key_id, creds.secret, creds.token))
    count += sum(text.count(signature) for signature in signatures)
    return count


def test_no_output_format_carries_an_echoed_secret(pytester: pytest.Pytester, echo: tuple[EchoServer, str]) -> None:
    server, url = echo
    creds = make_credentials()
    folder = pytester.path / "scen"
    folder.mkdir()
    for name, text in {"failing": FAILING, "expected": EXPECTED_TO_FAIL, "erroring": ERRORING}.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    expectations = pytester.path / "e.yaml"
    expectations.write_text(
        "version: 1\nimplementation: echo\nentries:\n  - {id: expected, outcome: FAIL, reason: known}\n"
    )
    reports, allure, recordings = pytester.path / "r", pytester.path / "allure", pytester.path / "rec"
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(
        str(folder),
        "--target=echo",
        f"--target-config={_config(pytester.path / 't.toml', url, creds)}",
        f"--expectations={expectations}",
        f"--report-dir={reports}",
        f"--junitxml={junit}",
        f"--alluredir={allure}",
        "--record",
        f"--recordings={recordings}",
        "-rA",
        "-v",
    )
    result.assert_outcomes(failed=2, xfailed=1)
    assert server.signatures, "the echoing target saw no signed request"

    outputs = {
        "terminal": result.stdout.str() + result.stderr.str(),
        "junit.xml": junit.read_text(encoding="utf-8"),
        "allure": "".join(p.read_text(encoding="utf-8") for p in allure.iterdir()),
        "results.json": (reports / "echo-partial" / "results.json").read_text(encoding="utf-8"),
        "index.html": (reports / "echo-partial" / "index.html").read_text(encoding="utf-8"),
        "recordings": "".join(p.read_text(encoding="utf-8") for p in (recordings / "echo").iterdir()),
    }
    found = {name: _found(text, creds, server.signatures) for name, text in outputs.items()}
    assert found == dict.fromkeys(outputs, 0), f"secrets found per output format: {found}"
    # The outputs still say what happened, with the secrets marked as removed.
    assert "ValidationException" in outputs["terminal"]
    assert redact.REDACTED in outputs["junit.xml"] or "&lt;redacted&gt;" in outputs["junit.xml"]
    assert any(p.name.endswith("-attachment.json") for p in allure.iterdir())


def test_failure_and_xfail_text_of_every_item_kind_is_redacted_as_it_is_made() -> None:
    creds = make_credentials()
    redact.remember_secrets([creds.token])
    text = f"got Authorization: AWS4-HMAC-SHA256 Credential={creds.key_id}/x, Signature={'ab' * 32} and {creds.token}"

    for failure in (items.ScenarioFailure(text), items.FuzzFailure(text)):
        assert _found(str(failure), creds, {"ab" * 32}) == 0
    with pytest.raises(pytest.xfail.Exception) as raised:
        items.xfail(text)
    assert _found(raised.value.msg, creds, {"ab" * 32}) == 0


def test_the_credentials_an_aws_profile_resolves_to_are_redacted_by_value(tmp_path: Path) -> None:
    creds = make_credentials()
    accounts = {"creator": "111111111111"}

    class WithToken(StubbedAws):
        def __call__(self, actor: ActorSpec) -> botocore.session.Session:
            session = super().__call__(actor)
            session.set_credentials(creds.key_id, creds.secret, creds.token)
            return session

    with start_target(aws_spec(accounts), ledger_dir=tmp_path, session_factory=WithToken(accounts)) as target:
        remember_credentials(target)
    assert redact.redact_text(f"{creds.token} {creds.secret}") == f"{redact.REDACTED} {redact.REDACTED}"
