"""The Python translation of the model's patterns against a real ECMAScript engine (Node.js), under both readings.

Every pattern of every operation's input and output shapes is compiled by Node with the ``u`` flag (the reading
:mod:`conformance.model.patterns` documents) and asked about the same strings as the Python translation: the
unanchored reading (Smithy's, ``RegExp.prototype.test``) against ``re.search``, and the anchored one
(``^(?:...)$``) against ``re.fullmatch``. The strings exercise the edges: samples that match, near-misses made
from them, the empty string, blanks, CR/LF/tab and the other ECMAScript line terminators, supplementary
characters, lone surrogates, non-ASCII digits and letters, and random mixes of all of them.

The one deliberate departure from the literal pattern is the "XML character" tail ``\\uD800\\uDBFF-\\uDC00\\uDFFF``
(read by every engine as a few lone surrogates, meant as "any supplementary character"): the oracle is given
the intent (``\\u{10000}-\\u{10FFFF}``) where the pattern has that tail, and a separate test shows that the
literal reading differs only on strings holding a supplementary character or a lone surrogate.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from functools import cache

import pytest
from botocore.model import Shape

from conformance.fuzz.values import sample_string
from conformance.model.json_schema_patterns import pattern_for_json_schema
from conformance.model.patterns import compile_pattern
from conformance.model.service import operation, operation_names
from tests.model import ecmascript
from tests.model.ecmascript import Answer, EcmaScriptOracle, require_node, transmissible

SURROGATE_TAIL = r"\uD800\uDBFF-\uDC00\uDFFF"
INTENT_TAIL = r"\u{10000}-\u{10FFFF}"

#: Strings every pattern is asked about.
EDGES = (
    "", " ", "   ", "\t", "\n", "\r", "\r\n", "a\n", "\na", "a\rb", "\x0b", "\x0c", "\x85",
    "\u2028", "\u2029", "\xa0", "\u1680", "\u2000", "\u202f", "\u3000", "\ufeff", "\u180e",
    "\U0001f600", "a\U0001f600", "\U0001d7d8", "\U00010400", "\U0010ffff", "\U000e0001",
    "\ud800", "a\udfff", "\udbff", "\udc00b", "\udfff\ud800",
    "\u0661\u0662\u0663", "\u0663", "\u07c0", "\uff10", "\u00b2", "\u2167",
    "\u00e9", "\u03a9", "\u00df", "\u01c5", "\u00aa", "\u0130", "\u0131", "\u212a", "\u017f",
    "\u0301", "e\u0301", "_", "\u203f", "\u2010", "\u2014", "-", ".", "/", "*",
    "\x00", "\x7f", "\ue000", "\ufffd", "\ufffe", "\uffff",
)  # fmt: skip
#: Characters put into and around matching samples to make near-misses.
JUNK = ("!", " ", "\n", "\r", "\u2028", "\u00e9", "\U0001f600", "\u0663", "\ud800", "\t", "A", "0")
RANDOM_STRINGS = 150
#: ``(([C]+)*([C]+))?`` backtracks exponentially in every backtracking engine, V8 included (the Python
#: translation rewrites it); near-misses for it stay short enough to answer in milliseconds.
NESTED_QUANTIFIER = "+)*("
NESTED_MAX_LENGTH = 16


def _walk(shape: Shape | None, seen: set[str]) -> Iterator[Shape]:
    if shape is None or shape.name in seen:
        return
    seen.add(shape.name)
    yield shape
    if shape.type_name == "structure":
        for member in shape.members.values():
            yield from _walk(member, seen)
    elif shape.type_name == "list":
        yield from _walk(shape.member, seen)
    elif shape.type_name == "map":
        yield from _walk(shape.key, seen)
        yield from _walk(shape.value, seen)


@cache
def model_patterns() -> tuple[str, ...]:
    """Every pattern reached from the input and output shapes of every operation (map keys included)."""
    found: set[str] = set()
    for name in operation_names():
        info = operation(name)
        seen: set[str] = set()
        for root in (info.input_shape, info.output_shape):
            for shape in _walk(root, seen):
                pattern = shape.metadata.get("pattern")
                if pattern is not None:
                    found.add(pattern)
    return tuple(sorted(found))


def _comparable(text: str) -> bool:
    """Sendable to Node, and made of characters Python's Unicode database knows.

    Python 3.11 has Unicode 14, Node 20 a later version: a code point assigned in between is a letter to one and
    unassigned to the other, a version skew rather than a translation error, so such characters are not used.
    The permanent noncharacters U+FFFE/U+FFFF are unassigned in every version and stay.
    """
    known = all(unicodedata.category(c) != "Cn" or c in "\ufffe\uffff" for c in text)
    return known and transmissible(text)


@cache
def strings_for(pattern: str) -> tuple[str, ...]:
    """Matching samples, near-misses made from them, the edges, and random mixes (deterministic per pattern)."""
    shape = Shape("sample", {"type": "string", "pattern": pattern})
    found = set(EDGES)
    for length in (1, 2, 3, 8, 12, 40, 70):
        sample = sample_string(shape, length)
        if sample is not None:
            found.add(sample)
    for sample in [s for s in found if s]:
        middle = len(sample) // 2
        found |= {sample[1:], sample[:-1], sample + sample}
        for junk in JUNK:
            found |= {junk + sample, sample + junk, sample[:middle] + junk + sample[middle:], junk + sample[1:]}
    rng = random.Random(pattern)
    alphabet = sorted(set("".join(found)) | set(pattern))
    found |= {"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(RANDOM_STRINGS)}
    limit = NESTED_MAX_LENGTH if NESTED_QUANTIFIER in pattern else None
    return tuple(sorted(t for t in found if _comparable(t) and (limit is None or len(t) <= limit)))


def python_answer(pattern: str, text: str) -> Answer:
    compiled = compile_pattern(pattern)
    return Answer(compiled.search(text) is not None, compiled.fullmatch(text) is not None)


def disagreements(
    oracle: EcmaScriptOracle, patterns: tuple[str, ...], *, intent: bool
) -> list[tuple[str, str, Answer, Answer]]:
    """``(pattern, text, Python's answer, ECMAScript's answer)`` wherever the two differ."""
    questions = [(pattern, text) for pattern in patterns for text in strings_for(pattern)]
    sources = [(p.replace(SURROGATE_TAIL, INTENT_TAIL) if intent else p, text) for p, text in questions]
    found = []
    for (pattern, text), ecma in zip(questions, oracle.ask(sources), strict=True):
        python = python_answer(pattern, text)
        if python != ecma:
            found.append((pattern, text, python, ecma))
    return found


@pytest.fixture(scope="session")
def oracle() -> Iterator[EcmaScriptOracle]:
    started = EcmaScriptOracle(require_node())
    yield started
    started.close()


def test_edge_strings_reach_node_as_the_same_code_points(oracle: EcmaScriptOracle) -> None:
    texts = [t for t in EDGES if transmissible(t)]
    assert oracle.code_points(texts) == [[ord(c) for c in t] for t in texts]


def test_the_model_patterns_are_read_in_unicode_mode(oracle: EcmaScriptOracle) -> None:
    r"""Without ``u``, ECMAScript reads ``\p{L}`` as the letters ``p{L}``: the model's patterns need the flag."""
    pattern = r"[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}]+"
    assert pattern in model_patterns()
    assert oracle.ask([(pattern, "\u00e9")], flags="u") == [Answer(search=True, full=True)]
    assert oracle.ask([(pattern, "\u00e9")], flags="") == [Answer(search=False, full=False)]
    assert oracle.ask([(pattern, "pL")], flags="") == [Answer(search=True, full=True)]
    # In Unicode mode a supplementary character is one character; \d and \w stay ASCII.
    assert oracle.ask([(".", "\U0001f600")]) == [Answer(search=True, full=True)]
    assert oracle.ask([(r"\d+", "\u0663"), (r"\w+", "\u00e9")]) == [Answer(False, False)] * 2


def test_the_python_translation_agrees_with_ecmascript_on_every_model_pattern(oracle: EcmaScriptOracle) -> None:
    patterns = model_patterns()
    asked_before = oracle.asked
    found = disagreements(oracle, patterns, intent=True)
    assert not found, "\n".join(f"{p!r} {t!r}: python {py}, ecmascript {ecma}" for p, t, py, ecma in found[:20])
    # The figures this comparison rests on (reported in docs/fuzzing.md): every pattern, tens of thousands of pairs.
    assert len(patterns) >= 40
    assert oracle.asked - asked_before >= 40_000


def test_the_python_translation_reads_dot_as_ecmascript_does(oracle: EcmaScriptOracle) -> None:
    """The disagreement the oracle found: ECMAScript's ``.`` stops at CR, U+2028 and U+2029, not only at LF."""
    pattern = r"arn:aws:secretsmanager:[a-z]{2}-[a-z]+-[0-9]:\d{12}:secret:.*"
    assert pattern in model_patterns()
    value = "arn:aws:secretsmanager:us-east-1:000000000000:secret:x"
    for end in ("\r", "\u2028", "\u2029", "\n"):
        assert oracle.ask([(pattern, value + end)]) == [Answer(search=True, full=False)]
        assert python_answer(pattern, value + end) == Answer(search=True, full=False)


def test_the_surrogate_tail_is_the_only_deliberate_departure(oracle: EcmaScriptOracle) -> None:
    """Read literally, the XML-character classes differ only on supplementary characters and lone surrogates."""
    patterns = tuple(p for p in model_patterns() if SURROGATE_TAIL in p)
    assert patterns
    found = disagreements(oracle, patterns, intent=False)
    assert found  # e.g. an emoji display name: the intent accepts it whole, the literal class does not
    outside = [f for f in found if not any(ord(c) > 0xFFFF or 0xD800 <= ord(c) <= 0xDFFF for c in f[1])]
    assert not outside, outside[:10]
    # Under Smithy's unanchored reading the two agree: only the anchored answer can differ.
    assert all(python.search == ecma.search for _, _, python, ecma in found)


@pytest.mark.parametrize(("ci", "outcome"), [("1", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_without_node_the_oracle_fails_in_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setattr(ecmascript.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=r"install nodejs \(apt-get install nodejs\)"):
        require_node()


def test_the_openapi_patterns_read_the_same_in_ecmascript(oracle: EcmaScriptOracle) -> None:
    """The OpenAPI document's patterns (JSON Schema: ECMA-262, unanchored ``test``) keep both readings in Node.

    Strings with a lone surrogate are left out: no UTF-8 body carries one, and the document's negated
    "XML character" classes do not list them (see
    :func:`~conformance.model.json_schema_patterns.pattern_for_json_schema`).
    """
    questions: list[tuple[str, str]] = []
    expected: list[bool] = []
    for pattern in model_patterns():
        smithy, anchored = pattern_for_json_schema(pattern, anchored=False), pattern_for_json_schema(pattern)
        for text in (t for t in strings_for(pattern) if not any(0xD800 <= ord(c) <= 0xDFFF for c in t)):
            python = python_answer(pattern, text)
            questions += [(smithy, text), (anchored, text)]
            expected += [python.search, python.full]
    found = [answer.search for answer in oracle.ask(questions)]
    wrong = [(q, e) for q, e, f in zip(questions, expected, found, strict=True) if e != f]
    assert not wrong, wrong[:10]
