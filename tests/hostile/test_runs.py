"""Hostile targets end to end: a real run against each ends with ERROR steps in a report of bounded size.

Black-box through pytester, as a user runs the suite, with the limits given as options or in a target config.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.targets.misbehaving import CannedResponse, MisbehavingServer, StreamedResponse

UUID = "0d1b6a4e-8c6f-4b1e-9b7a-2f4a3c5d6e7f"
GET = f"""
scenario: get a collaboration
since: 2023-01-12
evidence: {{level: model, source: MODEL}}
steps:
  - as: creator
    call: GetCollaboration
    with: {{collaborationIdentifier: "{UUID}"}}
"""
FAST = ["--connect-timeout=1", "--read-timeout=5"]


def scenarios(pytester: pytest.Pytester, **files: str) -> Path:
    folder = pytester.path / "scen"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def results(pytester: pytest.Pytester) -> dict[str, Any]:
    (path,) = (pytester.path / "r").glob("*/results.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def run(pytester: pytest.Pytester, folder: Path, url: str, *options: str) -> pytest.RunResult:
    return pytester.runpytest(str(folder), f"--target={url}", "--report-dir", str(pytester.path / "r"), *options)


def only_failure(data: dict[str, Any]) -> dict[str, Any]:
    (check,) = data["checks"]
    (failure,) = check["failures"]
    return {"outcome": check["outcome"], **failure}


def test_a_deep_json_answer_is_an_error_in_the_report_not_a_crash(pytester: pytest.Pytester) -> None:
    folder = scenarios(pytester, get=GET, again=GET.replace("get a", "get another"))
    deep = CannedResponse(body=b'{"collaboration": ' + b"[" * 10**6 + b"]" * 10**6 + b"}")
    with MisbehavingServer("canned", response=deep) as server:
        result = run(pytester, folder, server.url, *FAST)

    result.assert_outcomes(failed=2)
    output = result.stdout.str()
    assert "scenarios: 2 ERROR" in output
    assert "Traceback" not in output
    assert "RecursionError: maximum recursion depth exceeded\n" not in output
    data = results(pytester)
    assert {s["outcome"] for s in data["scenarios"]} == {"ERROR"}
    failure = only_failure({"checks": data["checks"][:1]})
    assert failure["kind"] == "unparseable"
    assert "RecursionError" in failure["message"]


@pytest.mark.parametrize(
    ("stream", "options", "message"),
    [
        (
            StreamedResponse(declared_length=4000, first=b'{"collaboration": {', interval=0.2, pieces=40),
            ["--call-deadline=1"],
            "the response was still arriving after 1 s: HTTP 200",
        ),
        (
            StreamedResponse(first=b'{"collaboration": {"name": "', piece=b"x" * 65536, pieces=40),
            ["--max-response-bytes=512KiB"],
            "the response body exceeded 512 KiB: HTTP 200 sent more than 524,288 bytes",
        ),
        (
            StreamedResponse(declared_length=5000, first=b"{}", pieces=0),
            [],
            "the response body was cut short: HTTP 200 announces 5,000 bytes (Content-Length), 2 arrived",
        ),
    ],
    ids=["trickle", "endless", "truncated"],
)
def test_a_hostile_answer_ends_the_step_as_error_with_what_broke(
    pytester: pytest.Pytester, stream: StreamedResponse, options: list[str], message: str
) -> None:
    folder = scenarios(pytester, get=GET)
    with MisbehavingServer("stream", stream=stream) as server:
        result = run(pytester, folder, server.url, *FAST, *options)

    result.assert_outcomes(failed=1)
    assert message in result.stdout.str()
    failure = only_failure(results(pytester))
    assert failure["outcome"] == "ERROR"
    assert failure["kind"] == "transport"
    assert failure["message"].startswith(message)


def test_the_limits_come_from_the_target_config_and_the_command_line_wins_per_value(
    pytester: pytest.Pytester,
) -> None:
    folder = scenarios(pytester, get=GET)
    trickle = StreamedResponse(declared_length=4000, first=b"{", interval=0.2, pieces=40)
    with MisbehavingServer("stream", stream=trickle) as server:
        config = pytester.path / "targets.toml"
        config.write_text(
            f'[targets.slow]\nendpoint = "{server.url}"\nread_timeout = 5\ncall_deadline = 1\n'
            'max_response_bytes = "1 MiB"\n'
        )
        from_file = run(pytester, folder, "slow", f"--target-config={config}")
        assert "the response was still arriving after 1 s" in from_file.stdout.str()
        # --connect-timeout alone does not reset the file's deadline to the default.
        connect_only = run(pytester, folder, "slow", f"--target-config={config}", "--connect-timeout=2")
        assert "the response was still arriving after 1 s" in connect_only.stdout.str()
        overridden = run(pytester, folder, "slow", f"--target-config={config}", "--call-deadline=0.5")
        assert "the response was still arriving after 0.5 s" in overridden.stdout.str()


def test_bad_limits_are_usage_errors(pytester: pytest.Pytester) -> None:
    folder = scenarios(pytester, get=GET)
    result = run(pytester, folder, "http://127.0.0.1:9", "--max-response-bytes=lots")
    assert result.ret == 4
    assert "'lots' is not a size; write a number of bytes or a size like 8MiB" in result.stderr.str()
    result = run(pytester, folder, "http://127.0.0.1:9", "--call-deadline=0")
    assert result.ret == 4
    assert "timeouts must be positive seconds" in result.stderr.str()


RAW = f"""
scenario: a big request and a big answer
since: 2023-01-12
evidence: {{level: model, source: MODEL}}
steps:
  - as: creator
    call: ListCollaborations
    with: {{maxResults: 1}}
  - as: creator
    call: UpdateCollaboration
    with: {{collaborationIdentifier: "{UUID}", name: "{{{{ 'n' * 300000 }}}}"}}
"""
# The big request is made by a template: a scenario file itself may hold at most 256 KiB (the loader's limit).


def test_records_keep_the_first_64_kib_of_a_body_and_the_report_stays_small(pytester: pytest.Pytester) -> None:
    """A 2 MB answer (under the 8 MiB cap, so it is judged) and a 300 KB request (from a template).

    Together they make a report of about 200 KB.
    """
    entry = {"id": UUID, "name": "x" * 200, "arn": "arn", "creatorAccountId": "1" * 12}
    big = json.dumps({"collaborationList": [entry] * 8000}).encode()
    assert len(big) > 2_000_000
    folder = scenarios(pytester, big=RAW, again=RAW.replace("a big request", "another big request"))
    with MisbehavingServer("canned", response=CannedResponse(body=big)) as server:
        result = run(pytester, folder, server.url, *FAST)

    result.assert_outcomes(failed=2)
    data = results(pytester)
    listing, update = data["checks"][:2]
    assert listing["response"]["body_cut"] is True
    assert listing["response"]["body_size"] == len(big)
    assert len(listing["response"]["body"]) == 64 * 1024
    assert update["request"]["params_cut"] is True
    assert len(update["request"]["params"]) == 64 * 1024
    assert update["request"]["body_cut"] is True
    assert update["request"]["body_size"] > 300_000
    report = next((pytester.path / "r").glob("*/results.json"))
    html = report.parent / "index.html"
    # Four bodies of 2 MB and 300 KB (twice each) came and went; the report keeps 64 KiB of each and the page 8 KiB.
    assert report.stat().st_size < 900_000, report.stat().st_size
    assert html.stat().st_size < 300_000, html.stat().st_size
    assert "cut: the record keeps the first 64 KiB of" in html.read_text(encoding="utf-8")


def test_trickling_headers_end_each_step_as_error_at_the_deadline_and_the_run_goes_on(
    pytester: pytest.Pytester,
) -> None:
    """The status line at once, then a header byte a second: only a deadline across reads ends the wait."""
    folder = scenarios(pytester, get=GET, again=GET.replace("get a", "get another"))
    trickle = StreamedResponse(declared_length=2, first=b"{}", head_interval=1.0)
    message = "no complete answer within the 2 s call deadline (--call-deadline)"
    with MisbehavingServer("stream", stream=trickle) as server:
        result = run(pytester, folder, server.url, *FAST, "--call-deadline=2")

    result.assert_outcomes(failed=2)
    assert "scenarios: 2 ERROR" in result.stdout.str()
    data = results(pytester)
    assert {s["outcome"] for s in data["scenarios"]} == {"ERROR"}
    for check in data["checks"]:
        (failure,) = check["failures"]
        assert check["outcome"] == "ERROR"
        assert failure["kind"] == "transport"
        assert failure["message"].startswith(message), failure["message"]
        assert check["duration_ms"] < 3000, check["duration_ms"]
