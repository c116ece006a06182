from __future__ import annotations

import jsonschema

from conformance.scenario.schema import SchemaProblem, scenario_schema, schema_problems, where

VALID = {
    "scenario": "t",
    "since": "2025-09-03",
    "evidence": {"level": "model", "source": "MODEL"},
    "steps": [{"as": "creator", "call": "GetCollaboration", "with": {}, "expect": {"collaboration": {}}}],
}


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = scenario_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema_problems(VALID) == []


def test_unknown_keys_are_named_with_a_suggestion() -> None:
    doc = {**VALID, "tagz": []}
    assert schema_problems(doc) == [
        SchemaProblem(
            (),
            "tagz",
            "the file: unknown key 'tagz'; did you mean 'tags'? "
            "(allowed here: description, evidence, id, scenario, since, steps, tags)",
        )
    ]


def test_messages_name_the_place_and_what_to_write() -> None:
    doc = {
        **VALID,
        "since": "2025-9-3",
        "steps": [{"as": "creator", "call": "get_collaboration", "expect_error": {"status": 99}, "save": {"a-b": "x"}}],
    }
    found = {(p.path, p.key, p.message) for p in schema_problems(doc)}
    assert found == {
        (("since",), None, "since: '2025-9-3' is not a date; write it as YYYY-MM-DD (e.g. 2025-09-03)"),
        (
            ("steps", 0, "call"),
            None,
            "steps[0].call: 'get_collaboration' does not match '^[A-Z][A-Za-z0-9]*$' "
            "(an operation name such as CreateCollaboration)",
        ),
        (
            ("steps", 0, "expect_error"),
            None,
            "steps[0].expect_error: missing required key 'code' (the error code, e.g. AccessDeniedException)",
        ),
        (
            ("steps", 0, "expect_error", "status"),
            None,
            "steps[0].expect_error.status: must be an HTTP status (100..599) or a matcher, not 99",
        ),
        (
            ("steps", 0, "save"),
            "a-b",
            "steps[0].save: 'a-b' is not a usable name (letters, digits and _, not starting with a digit)",
        ),
    }


def test_matchers_are_accepted_where_the_schema_allows_them() -> None:
    doc = {
        **VALID,
        "steps": [
            {"as": "creator", "call": "GetCollaboration", "expect_error": {"code": "!one_of", "status": "!one_of"}}
        ],
    }
    assert schema_problems(doc) == []


def test_where() -> None:
    assert where(()) == "the file"
    assert where(("steps", 2, "expect", "a")) == "steps[2].expect.a"
