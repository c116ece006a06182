from __future__ import annotations

from types import SimpleNamespace

from conformance.report.normalise import PlaceholderMap, normalise_response

U1 = "6b2c5e9a-1f3d-4c8e-9a7b-0d1e2f3a4b5c"
U2 = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"


def test_same_value_same_placeholder_across_responses(build: SimpleNamespace) -> None:
    creator, member, _ = build.accounts
    placeholders = PlaceholderMap(accounts={"creator": creator})
    first = normalise_response(build.created_collaboration(), placeholders=placeholders)
    second = normalise_response(
        {"collaborationChangeRequest": {"id": U2, "collaborationId": U1, "approvals": {member: {"status": "PENDING"}}}},
        placeholders=placeholders,
    )

    assert first["collaboration"]["id"] == "<uuid:1>"
    assert first["collaboration"]["arn"] == "arn:aws:cleanrooms:us-east-1:<account:creator>:collaboration/<uuid:1>"
    assert first["collaboration"]["creatorAccountId"] == "<account:creator>"
    # createTime == updateTime stays visible
    assert first["collaboration"]["createTime"] == first["collaboration"]["updateTime"] == "<timestamp:1>"
    assert second["collaborationChangeRequest"]["collaborationId"] == "<uuid:1>"
    assert second["collaborationChangeRequest"]["id"] == "<uuid:2>"
    assert second["collaborationChangeRequest"]["approvals"] == {"<account:1>": {"status": "PENDING"}}


def test_lists_tokens_iso_times_and_other_ids() -> None:
    placeholders = PlaceholderMap()
    body = {
        "ids": [U1, U2, U1],
        "nextToken": "opaque==",
        "when": "2026-01-01T00:00:00.123Z",
        "membershipId": "m-4f2a19c0",
        "arn": "arn:aws:cleanrooms:us-east-1:123456789012:membership/m-4f2a19c0",
        "count": 3,
        "quota": 100.0,
        "flag": True,
        "name": "plain",
        "millis": 1767225600000,
    }

    out = normalise_response(body, placeholders=placeholders)

    assert out == {
        "ids": ["<uuid:1>", "<uuid:2>", "<uuid:1>"],
        "nextToken": "<token:1>",
        "when": "<timestamp:1>",
        "membershipId": "<id:1>",
        "arn": "arn:aws:cleanrooms:us-east-1:<account:1>:membership/<id:1>",
        "count": 3,
        "quota": 100.0,
        "flag": True,
        "name": "plain",
        "millis": "<timestamp:2>",
    }
    assert placeholders.items()[U1] == "<uuid:1>"


def test_two_runs_of_the_same_workflow_normalise_equal() -> None:
    def workflow(collab: str, change: str, account: str, at: float) -> list[object]:
        return [
            {"collaboration": {"id": collab, "creatorAccountId": account, "createTime": at}},
            {"collaborationChangeRequest": {"id": change, "collaborationId": collab, "createTime": at + 1}},
        ]

    one, two = PlaceholderMap(), PlaceholderMap()
    a = [normalise_response(r, placeholders=one) for r in workflow(U1, U2, "111111111111", 1767225600.0)]
    b = [normalise_response(r, placeholders=two) for r in workflow(U2, U1, "999999999999", 1767229999.5)]

    assert a == b


def test_values_that_only_look_like_ids_are_left_alone() -> None:
    out = normalise_response(
        {"displayName": "member 1", "queryLogStatus": "DISABLED", "n": None}, placeholders=PlaceholderMap()
    )

    assert out == {"displayName": "member 1", "queryLogStatus": "DISABLED", "n": None}
