from __future__ import annotations

import dataclasses
import json
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import pytest

from conformance.model.service import operation_names
from conformance.report.folder import write_report
from conformance.report.records import RunInfo
from conformance.report.redact import REDACTED, redact, redact_record, redact_text, remember_secrets
from conformance.report.results import Results, read_results


def _with_secrets(build: SimpleNamespace, secrets: dict[str, str]) -> Results:
    key_id, secret, token, signature = secrets["key_id"], secrets["secret"], secrets["token"], secrets["signature"]
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={key_id}/20260101/us-east-1/cleanrooms/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={signature}"
    )
    presigned = (
        f"https://example.invalid/obj?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={key_id}%2F20260101"
        f"&X-Amz-Security-Token={token}&X-Amz-Signature={signature}&x-id=GetObject"
    )
    step = build.check(
        "leaky",
        0,
        "FAIL",
        body={"Credentials": {"AccessKeyId": key_id, "SecretAccessKey": secret, "SessionToken": token}},
        failures=(build.failure(f"sent Authorization: {authorization}"),),
        diff=f'{{"aws_secret_access_key": "{secret}"}}',
    )
    request = dict(step.request or {})
    request["headers"] = {"Authorization": authorization, "X-Amz-Security-Token": token, "x-amz-date": "20260101T0Z"}
    request["url"] = presigned
    step = dataclasses.replace(step, request=request)
    text_body = build.check("leaky", 1, body=f"<Error><SecretAccessKey>{secret}</SecretAccessKey></Error>")
    text_body = dataclasses.replace(text_body, response={"status": 500, "headers": {}, "body": f"SessionToken={token}"})
    scenario = build.scenario("leaky", "FAIL", message=f"upload to {presigned} failed")
    run = dataclasses.replace(build.run_info(), command=f"AWS_SESSION_TOKEN={token} pytest --pyargs conformance")
    return Results(run, (scenario,), (step, text_body))


def test_no_planted_secret_survives_in_the_written_folder(tmp_path: Path, build: SimpleNamespace) -> None:
    secrets = build.planted_secrets()

    written = write_report(tmp_path, _with_secrets(build, secrets), operations=operation_names()[:3])

    assert {p.name for p in written} == {"results.json", "index.html"}
    for path in tmp_path.iterdir():
        text = path.read_text(encoding="utf-8")
        for name, value in secrets.items():
            assert value not in text, f"{name} survived in {path.name}"
        assert REDACTED in text or "&lt;redacted&gt;" in text


def test_redaction_keeps_what_is_not_secret(build: SimpleNamespace) -> None:
    results = _with_secrets(build, build.planted_secrets())

    clean = redact(results)

    request = clean.checks[0].request or {}
    assert request["headers"]["Authorization"] == REDACTED
    assert request["headers"]["X-Amz-Security-Token"] == REDACTED
    assert request["headers"]["x-amz-date"] == "20260101T0Z"
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in request["url"]
    assert "x-id=GetObject" in request["url"]
    assert clean.checks[0].failures[0].message.startswith("sent Authorization: ")
    assert clean.scenarios[0].outcome == "FAIL"


def test_pagination_tokens_are_not_secrets(build: SimpleNamespace) -> None:
    step = build.check("list", 0, body={"nextToken": "page-2-token", "collaborationList": []})
    results = Results(build.run_info(), (build.scenario("list"),), (step,))

    response = redact(results).checks[0].response or {}

    assert response["body"]["nextToken"] == "page-2-token"


@pytest.mark.parametrize(
    "text",
    [
        "curl -H 'Authorization: AWS4-HMAC-SHA256 Credential=X/1, Signature=abc' https://h",
        '{"sessionToken": "tok", "other": 1}',
        "aws_secret_access_key = value",
        "https://h/p?X-Amz-Signature=0123abcd&a=b",
    ],
)
def test_text_rules(text: str) -> None:
    cleaned = redact_text(text)

    assert REDACTED in cleaned
    assert "abc'" not in cleaned
    assert '"tok"' not in cleaned
    assert "= value" not in cleaned
    assert "0123abcd" not in cleaned


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("error: Credential=KEYID/20261122/us-east-1 was refused", "KEYID"),
        ("error: Signature=0123456789abcdef0123 does not match", "0123456789abcdef0123"),
        ("key AKIA0123456789ABCDEF in a message", "AKIA0123456789ABCDEF"),
        ("key ASIA0123456789ABCDEF in a message", "ASIA0123456789ABCDEF"),
        ("X-Amz-Security-Token: very-secret-token", "very-secret-token"),
        ("'x-amz-credential=kid%2F2026' in a URL", "kid%2F2026"),
        ('{"SecretAccessKey": "shh"}', "shh"),
        ("AccessKeyId=kid-value", "kid-value"),
        ("SecurityToken: tokvalue", "tokvalue"),
        ("PROXY-AUTHORIZATION: Basic dXNlcg==", "dXNlcg=="),
    ],
)
def test_each_text_rule_fires_on_its_own(text: str, secret: str) -> None:
    # redact_text skips text without any trigger piece; each rule must still see its own kind of secret.
    cleaned = redact_text(text)

    assert secret not in cleaned
    assert REDACTED in cleaned


def test_text_without_a_trigger_is_returned_unchanged() -> None:
    text = "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/0b1c2d3e"

    assert redact_text(text) is text


def test_account_masking_names_actors_and_numbers_strangers(build: SimpleNamespace) -> None:
    creator, member, _ = build.accounts
    stranger, other = "444455556666", "777788889999"
    body = build.created_collaboration()
    body["approvals"] = {member: {"status": "APPROVED"}, stranger: {"status": "PENDING"}}
    body["note"] = f"invited {other} and {stranger}"
    body["createTimeMillis"] = 1767225601250  # 13 digits: not an account id
    step = build.check("acct", 0, body=body, params={"accountId": member})
    results = Results(build.run_info(), (build.scenario("acct"),), (step,))

    clean = redact(results, mask_accounts=True)

    dumped = json.dumps([dataclasses.asdict(c) for c in clean.checks])
    for account in (creator, member, stranger, other):
        assert account not in dumped
    masked = (clean.checks[0].response or {})["body"]
    assert masked["collaboration"]["creatorAccountId"] == "<account:creator>"
    assert masked["collaboration"]["arn"].startswith("arn:aws:cleanrooms:us-east-1:<account:creator>:collaboration/")
    assert set(masked["approvals"]) == {"<account:member>", "<account:1>"}
    assert masked["note"] == "invited <account:2> and <account:1>"
    assert masked["createTimeMillis"] == 1767225601250
    assert (clean.checks[0].request or {})["params"] == {"accountId": "<account:member>"}


def test_account_masking_is_stable_and_off_by_default(build: SimpleNamespace) -> None:
    results = build.mixed_results()
    results = dataclasses.replace(results, run=RunInfo(target="t"))  # no actor names known

    assert redact(results) == results
    once, twice = redact(results, mask_accounts=True), redact(results, mask_accounts=True)
    assert once == twice
    body = (once.checks[0].response or {})["body"]
    assert body["collaboration"]["creatorAccountId"] == "<account:1>"


def test_redacted_results_still_read_back(tmp_path: Path, build: SimpleNamespace) -> None:
    results = _with_secrets(build, build.planted_secrets())

    write_report(tmp_path, results, operations=(), mask_accounts=True)

    assert read_results(tmp_path).scenarios[0].scenario_id == "leaky"


def test_remembered_values_are_redacted_bare_and_url_encoded() -> None:
    token = "FwoG" + "".join(chr(65 + (i * 7) % 26) for i in range(40)) + "/+="
    before = f"echo: {token} then {urllib.parse.quote(token, safe='')}"
    assert redact_text(before) == before  # no pattern knows a bare token

    remember_secrets([token, None, "", "short"])

    assert redact_text(before) == f"echo: {REDACTED} then {REDACTED}"  # the cache was cleared
    assert redact_text("a short word") == "a short word"  # under MIN_SECRET_LENGTH: left to the patterns
    assert redact_record({"message": before, "nested": [{"v": token}]}) == {
        "message": f"echo: {REDACTED} then {REDACTED}",
        "nested": [{"v": REDACTED}],
    }
