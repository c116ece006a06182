from __future__ import annotations

from pathlib import Path

import pytest

from conformance.model import behaviour
from conformance.model.behaviour import ReferenceFileError, is_ambiguity_key, parse_reference, reference

DOC = """\
# A reference

| key | what | where |
| --- | --- | --- |
| `NOT-A-SOURCE` | a table outside the Sources section | https://example.com/not |

## Sources

| key | what it is | where |
| --- | --- | --- |
| `UG-CR` | change requests | https://docs.example.com/change-requests.html |
| `MODEL` | the model | https://github.com/boto/botocore |

## §1 Change requests

### §1.5 Auto-approval

#### CreateCollaboration

## Ambiguities

### A1 — who votes

### A2 — nobody votes
"""


def test_parse_reads_sources_sections_and_ambiguities_from_their_places() -> None:
    parsed = parse_reference(DOC)
    assert dict(parsed.sources) == {
        "UG-CR": "https://docs.example.com/change-requests.html",
        "MODEL": "https://github.com/boto/botocore",
    }
    assert dict(parsed.sections) == {"1": "Change requests", "1.5": "Auto-approval"}
    assert dict(parsed.ambiguities) == {"A1": "who votes", "A2": "nobody votes"}
    assert parsed.keys == {"UG-CR", "MODEL", "A1", "A2"}
    assert parsed.families == {"UG"}


def test_citations_are_keys_and_sections_outside_quotes() -> None:
    parsed = parse_reference(DOC)
    text = "per §1.5 and A1 (UG-CR); not §2, A3 or UG-RC; 'A9' and \"UG-X\" are values; the member's HMAC-SHA256"
    found = [(c.text, c.known, c.hint) for c in parsed.citations(text)]
    assert found == [
        ("§1.5", True, ""),
        ("A1", True, ""),
        ("UG-CR", True, ""),
        ("§2", False, " (its sections are §1)"),
        ("A3", False, "; did you mean 'A2'?"),
        ("UG-RC", False, "; did you mean 'UG-CR'?"),
    ]
    assert [c.is_ambiguity for c in parsed.citations("A1 UG-CR")] == [True, False]
    assert parsed.unknown_keys("MODEL, A7,UG-CR") == [("A7", "; did you mean 'A2'?")]
    assert (
        parsed.suggest("ZZZZZZ") == " (the keys are the Sources table and the ambiguities A1..A2 of docs/behaviour.md)"
    )


def test_ambiguity_keys() -> None:
    assert is_ambiguity_key("A12")
    assert not is_ambiguity_key("API-UCR")
    assert not is_ambiguity_key("A")


def test_the_packaged_reference_is_the_docs_file() -> None:
    packaged = Path(behaviour.__file__).parents[1] / "_docs" / "behaviour.md"
    docs = Path(__file__).resolve().parents[2] / "docs" / "behaviour.md"
    assert packaged.read_text("utf-8") == docs.read_text("utf-8")
    found = reference()
    assert found is reference()  # read once per process
    assert list(found.ambiguities) == [f"A{n}" for n in range(1, 19)]
    assert {"1", "1.6", "5", "7", "8"} <= set(found.sections)
    assert found.sources["CFN-NF"].startswith("https://github.com/aws-cloudformation/")


def test_a_missing_or_empty_reference_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    reference.cache_clear()
    monkeypatch.setattr(behaviour, "_PACKAGED", ("_docs", "missing.md"))
    with pytest.raises(ReferenceFileError, match=r"cannot read the behaviour reference conformance/_docs/missing\.md"):
        reference()
    monkeypatch.setattr(behaviour, "_PACKAGED", ("__init__.py",))
    reference.cache_clear()
    with pytest.raises(ReferenceFileError, match="defines no source or ambiguity keys"):
        reference()
    monkeypatch.undo()
    reference.cache_clear()
    assert reference().sources
