"""Hostile targets in fuzz reproducers: what a target said is redacted, and cannot stop the file from loading.

A reproducer is a scenario file in the report folder (and a curl script beside it), written from what the fuzzer
sent and what the target answered. It goes through the same redaction as every other output, and since it is
meant to be replayed with ``--scenarios``, the target's text in its description must not read as a citation the
loader refuses (an undefined key, or an ambiguity key in a model-level file).
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from types import MappingProxyType

from conformance.fuzz import reproducer
from conformance.fuzz.plan import Evidence, Plan, PlanStep, RawText
from conformance.model.exchange import Exchange
from conformance.report.redact import remember_secrets
from conformance.scenario.loader import load_scenario

# Built from pieces: a credential literal in the source would be mined by Hypothesis (and look like a leak).
KEY_ID = "AKIA" + "Q" * 16
SIGNATURE = "Signature=" + "ab12" * 16
TOKEN = "tok" + "E" * 30


def _plan(description: str, *, title: str = "fuzz valid CreateCollaboration: a case", level: str = "model") -> Plan:
    call = PlanStep(
        "the failing call",
        "creator",
        "CreateCollaboration",
        {"name": f"n {KEY_ID}", "description": f"x {TOKEN} y"},
        raw_body={"name": f"Credential={KEY_ID}/20260101/us-east-1/cleanrooms/aws4_request, {SIGNATURE}"},
    )
    text = PlanStep("text", "creator", "CreateCollaboration", {}, raw_body=RawText(f"not json {KEY_ID}"))
    return Plan(title, description, (call, text), Evidence(level, "MODEL"))  # type: ignore[arg-type]


def _exchange() -> Exchange:
    return Exchange(
        operation="CreateCollaboration",
        method="POST",
        url=f"http://127.0.0.1:9/collaborations/{KEY_ID}",
        request_headers=MappingProxyType(
            {
                "authorization": f"AWS4-HMAC-SHA256 Credential={KEY_ID}/x, SignedHeaders=host, {SIGNATURE}",
                "x-amz-security-token": TOKEN,
                "x-echo": f"{SIGNATURE} {TOKEN}",
                "content-type": "application/json",
            }
        ),
        request_body=f'{{"name": "{KEY_ID}", "description": "{TOKEN}"}}'.encode(),
        status=400,
    )


def test_a_reproducer_and_its_curl_script_are_redacted(tmp_path: Path) -> None:
    remember_secrets([TOKEN])
    server_said = f'400 ValidationException: bad request from {KEY_ID} with "Authorization: {SIGNATURE}" {TOKEN}'
    written = reproducer.write(_plan(server_said), tmp_path, "fuzz-redacted", exchange=_exchange(), region="r")

    assert written.curl is not None
    for path in (written.scenario, written.curl):
        text = path.read_text(encoding="utf-8")
        assert KEY_ID not in text, path.name
        assert TOKEN not in text, path.name
        assert "ab12ab12" not in text, path.name
        assert "<redacted>" in text, path.name
    load_scenario(written.scenario)  # still a scenario
    curl = written.curl.read_text(encoding="utf-8")
    # Still a shell script whose words are what they were, each <redacted> inside quotes (not a redirection).
    subprocess.run(["sh", "-n", str(written.curl)], check=True)
    words = shlex.split(curl.split("\n", 2)[2].replace("\\\n", " "))
    assert f"http://127.0.0.1:9/collaborations/{'<redacted>'}" in words


def test_server_text_that_looks_like_a_citation_does_not_stop_the_reproducer_loading(tmp_path: Path) -> None:
    # Spelled in pieces: as whole words in this file they would be citations the suite's own check refuses.
    a99, a98, a97, a96, a4 = ("A" + str(n) for n in (99, 98, 97, 96, 4))
    s42, nope = "§" + "42", "UG" + "-NOPE"
    server_said = (
        f"the target answered: {a99} is not allowed (see {s42}, {a4} and {nope}); "
        f"an odd ` backtick then {a98}\nand ' quotes \" {a97} on another line"
    )
    title = f"fuzz valid CreateCollaboration: server says {a96}"
    written = reproducer.write(_plan(server_said, title=title), tmp_path, "fuzz-cites", exchange=None, region="r")

    scenario = load_scenario(written.scenario)  # raised ScenarioError: not a key of behaviour.md
    # Quoted in backticks, or spelled apart where a stray backtick of the server's would unquote it.
    for token in (f"`{a99}`", f"`{s42}`", f"`{a4}`", f"`{nope}`", "A 98", f"`{a97}`"):
        assert token in scenario.description, token
    assert a96 in scenario.title


def test_an_inferred_reproducer_keeps_its_own_ambiguity_citations(tmp_path: Path) -> None:
    undefined = "A" + "99"
    plan = _plan(f"the target departs from the model (A4), and says {undefined}", level="inferred")
    written = reproducer.write(plan, tmp_path, "fuzz-inferred", exchange=None, region="r")
    text = written.scenario.read_text(encoding="utf-8")
    assert "(A4)" in text
    assert f"`{undefined}`" in text
    load_scenario(written.scenario)
