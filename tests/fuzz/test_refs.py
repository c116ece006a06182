from __future__ import annotations

import pytest

from conformance.fuzz.refs import PLACEHOLDER_ACCOUNT, PLACEHOLDER_ID, Ref, UnboundRef, placeholders, refs_in, resolve


def test_resolve_binds_references_in_keys_and_values() -> None:
    member = Ref("accounts.member", "account")
    value = {"id": Ref("collab"), "approvals": {member: {"status": "PENDING"}}, "list": [Ref("collab")]}
    bound = resolve(value, {"collab": "c-1", "accounts.member": "222222222222"})
    assert bound == {"id": "c-1", "approvals": {"222222222222": {"status": "PENDING"}}, "list": ["c-1"]}
    with pytest.raises(UnboundRef, match="request"):
        resolve({"x": Ref("request")}, {})


def test_placeholders_are_model_shaped_and_refs_are_found() -> None:
    value = {"a": Ref("collab"), "b": [Ref("accounts.creator", "account")]}
    assert placeholders(value) == {"a": PLACEHOLDER_ID, "b": [PLACEHOLDER_ACCOUNT]}
    assert {r.name for r in refs_in(value)} == {"collab", "accounts.creator"}
