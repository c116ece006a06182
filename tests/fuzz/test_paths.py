from __future__ import annotations

from conformance.fuzz.paths import KeyOf, delete_at, get_at, join_entry, join_index, join_member, replace_at
from conformance.fuzz.refs import Ref


def test_spelling_matches_the_shape_checker() -> None:
    text = join_member(join_index(join_member("", "members"), 0), "displayName")
    assert text == "members[0].displayName"
    assert join_entry("tags", "it's") == "tags['it\\'s']"


def test_edits_copy_and_keep_references() -> None:
    ref = Ref("collab")
    value = {"a": [{"b": 1}], "m": {"k": "v"}, "id": ref}
    changed = replace_at(value, ("a", 0, "b"), 2)
    assert changed["a"][0]["b"] == 2
    assert value["a"][0]["b"] == 1
    assert changed["id"] is ref
    renamed = replace_at(value, ("m", KeyOf("k")), "new")
    assert renamed["m"] == {"new": "v"}
    assert get_at(value, ("m", KeyOf("k"))) == "k"
    assert "a" not in delete_at(value, ("a",))
    assert "a" in value
