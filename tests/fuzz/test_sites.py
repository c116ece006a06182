from __future__ import annotations

from conformance.fuzz.paths import KeyOf
from conformance.fuzz.sites import walk
from conformance.model.service import operation


def test_walk_reports_every_member_item_and_map_key_with_its_location() -> None:
    shape = operation("CreateCollaboration").input_shape
    value = {
        "name": "n",
        "members": [{"accountId": "123456789012", "memberAbilities": ["CAN_QUERY"], "displayName": "m"}],
        "tags": {"k": "v"},
    }
    sites = {site.text: site for site in walk(shape, value)}
    assert {"name", "members", "members[0]", "members[0].accountId", "members[0].memberAbilities[0]"} <= set(sites)
    assert sites["members[0].accountId"].required
    assert sites["members[0].accountId"].name == "accountId"
    assert sites["members[0].memberAbilities[0]"].name == "memberAbilities"
    keys = [s for s in walk(shape, value) if s.is_key]
    assert keys
    assert keys[0].path == ("tags", KeyOf("k"))
    assert keys[0].name == "tags"


def test_path_members_are_located_in_the_uri() -> None:
    shape = operation("ListMembers").input_shape
    sites = {s.text: s for s in walk(shape, {"collaborationIdentifier": "x", "maxResults": 1})}
    assert sites["collaborationIdentifier"].location == "uri"
    assert sites["maxResults"].location == "querystring"
    assert not sites["maxResults"].in_body
