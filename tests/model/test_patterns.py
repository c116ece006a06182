from __future__ import annotations

import itertools
import re
import time

import pytest

from conformance.model.patterns import (
    PatternTranslationError,
    compile_pattern,
    pattern_verdict,
    python_pattern,
)
from conformance.model.service import service_model

TEXT1 = r"(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t]*"
TEXT2 = r"(?!\s+$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t\r\n]*"
ACCOUNT = r"\d+"
DATABRICKS_OBJECT = r"[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}]+"
SNOWFLAKE_NAME = r"[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]+"
ATHENA_TABLE = "[a-zA-Z0-9_](([a-zA-Z0-9_]+)*([a-zA-Z0-9_]+))?"
BUCKET = (
    r".*(?!^(\d+\.)+\d+$)"
    r"(^(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])$).*"
)


def _model_patterns() -> dict[str, list[str]]:
    model = service_model()
    found: dict[str, list[str]] = {}
    for name in model.shape_names:
        pattern = model.shape_for(name).metadata.get("pattern")
        if pattern is not None:
            found.setdefault(pattern, []).append(name)
    return found


MODEL_PATTERNS = _model_patterns()


@pytest.mark.parametrize("pattern", list(MODEL_PATTERNS), ids=[names[0] for names in MODEL_PATTERNS.values()])
def test_every_model_pattern_translates_and_compiles(pattern: str) -> None:
    compiled = compile_pattern(pattern)
    assert compiled.flags & re.ASCII
    assert r"\p{" not in compiled.pattern
    assert compile_pattern(pattern) is compiled  # cached


def test_the_model_has_the_patterns_this_module_was_written_for() -> None:
    # a botocore upgrade that adds new regex constructs shows up here first
    assert len(MODEL_PATTERNS) == 44
    for pattern in (TEXT1, TEXT2, ACCOUNT, DATABRICKS_OBJECT, SNOWFLAKE_NAME, ATHENA_TABLE, BUCKET):
        assert pattern in MODEL_PATTERNS


@pytest.mark.parametrize(
    ("pattern", "value", "verdict"),
    [
        (TEXT1, "party \U0001f600", "match"),
        (TEXT1, "\U0001f600", "match"),
        (TEXT1, "tab\tinside", "match"),
        (
            TEXT1,
            "\ud800",
            "search-only",
        ),  # a lone surrogate is not text; only the unanchored reading passes it
        (TEXT1, "bad \udfff tail", "search-only"),
        (TEXT1, "   ", "no-match"),
        (TEXT1, "", "no-match"),
        (TEXT1, "\u00a0\u3000", "no-match"),  # ECMA's \s covers Unicode spaces: still blank
        (TEXT1, "line\nbreak", "search-only"),
        (TEXT2, "", "match"),
        (TEXT2, "two\r\nlines \U0001f389", "match"),
        # blank fails the full match; unanchored, (?!\s+$) lets the empty match at the very end through
        (TEXT2, " \n ", "search-only"),
        (ACCOUNT, "111111111111", "match"),
        (ACCOUNT, "\u0661" * 12, "no-match"),  # Arabic-Indic digits: \d means ASCII digits (spec A14)
        (ACCOUNT, "\uff11" * 12, "no-match"),  # fullwidth digits likewise
        (ACCOUNT, "11111111111x", "search-only"),
        (ACCOUNT, "abcdefghijkl", "no-match"),
        (DATABRICKS_OBJECT, "Größe_1-2", "match"),
        (DATABRICKS_OBJECT, "名前ｶﾅ", "match"),
        (DATABRICKS_OBJECT, "e\u0301\u0663", "match"),  # a combining mark (M) and an Arabic-Indic digit (N)
        (DATABRICKS_OBJECT, "a\u2014b", "match"),  # em dash is Pd
        (DATABRICKS_OBJECT, "a b", "search-only"),  # space is Zs, not allowed here
        (DATABRICKS_OBJECT, "\U0001f600", "no-match"),  # So
        (DATABRICKS_OBJECT, "!", "no-match"),
        (SNOWFLAKE_NAME, "my table\u00a0two", "match"),  # Zs includes the no-break space
        (SNOWFLAKE_NAME, "tab\there", "search-only"),  # a tab is Cc, not Zs
        (BUCKET, "my-bucket.logs", "match"),
        (BUCKET, "my-bucket\n", "no-match"),  # ECMA's $ does not match before a final newline
        (BUCKET, "-bucket", "no-match"),
    ],
)
def test_pattern_verdict(pattern: str, value: str, verdict: str) -> None:
    assert pattern_verdict(pattern, value) == verdict


def test_surrogate_tail_becomes_the_supplementary_planes() -> None:
    assert python_pattern(TEXT1).endswith(r"\U00010000-\U0010FFFF\t]*")
    assert r"\uD800" not in python_pattern(TEXT1)


def test_dollar_becomes_end_of_input_outside_classes_only() -> None:
    assert python_pattern("a$") == r"a\Z"
    assert python_pattern("[$]") == "[$]"
    assert python_pattern(r"\$") == r"\$"


def test_ecma_named_group_is_spelled_the_python_way() -> None:
    assert python_pattern("(?<year>[0-9]{4})") == "(?P<year>[0-9]{4})"
    assert python_pattern("(?<=a)b(?<!c)") == "(?<=a)b(?<!c)"


def test_nested_plus_rewrite_is_equivalent_and_does_not_backtrack() -> None:
    rewritten = compile_pattern(ATHENA_TABLE)
    original = re.compile(ATHENA_TABLE, re.ASCII)  # exponential, but fine on short strings
    for size in range(6):
        for letters in itertools.product("a_!", repeat=size):
            text = "".join(letters)
            assert bool(rewritten.fullmatch(text)) == bool(original.fullmatch(text)), text
            assert bool(rewritten.search(text)) == bool(original.search(text)), text
    start = time.perf_counter()
    assert pattern_verdict(ATHENA_TABLE, "a" * 127 + "!") == "search-only"
    assert time.perf_counter() - start < 0.05


def test_unicode_classes_leave_surrogates_out() -> None:
    compiled = re.compile(python_pattern(r"[\p{C}]"), re.ASCII)
    assert compiled.fullmatch("\x00")
    assert compiled.fullmatch("\ue000")  # private use (Co) stays
    assert not compiled.fullmatch("\ud800")


def test_ecma_space_inside_a_class() -> None:
    compiled = compile_pattern(r"[\s,]+")
    assert compiled.fullmatch(" ,\u3000\ufeff\n")
    assert not compiled.fullmatch("\x1c")  # Python's str.isspace() says yes; ECMA's \s says no


def test_negated_property_outside_a_class() -> None:
    compiled = compile_pattern(r"\P{L}+")
    assert compiled.fullmatch("123 !")
    assert not compiled.fullmatch("a1")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"[\P{L}]", r"\\P\{..\} inside a character class"),
        (r"\p{Xx}", "unknown Unicode general category 'Xx'"),
        (r"\p{Script=Latin}", "unsupported property escape"),
        (r"[\uD800-\uDBFF]", "surrogate escape"),
        (r"[\S]", r"\\S inside a character class"),
        ("[]a", "empty character class"),
        ("[abc", "unterminated character class"),
        ("abc\\", "trailing backslash"),
        ("(unbalanced", "Python's re rejects"),
    ],
)
def test_untranslatable_patterns_are_refused_precisely(pattern: str, reason: str) -> None:
    with pytest.raises(PatternTranslationError, match=reason) as caught:
        compile_pattern(pattern)
    assert caught.value.pattern == pattern
