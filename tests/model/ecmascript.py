"""An ECMAScript regular-expression oracle: one Node.js process answering many (pattern, string) questions.

Smithy patterns are ECMA-262 regular expressions, so a real ECMAScript engine is the independent judge of the
suite's Python translation (:mod:`conformance.model.patterns`). The process reads JSON lines
``[source, flags, text]`` on stdin and answers each with a JSON line ``{"search": bool, "full": bool}`` (the
unanchored ``RegExp.prototype.test`` and the same pattern wrapped in ``^(?:...)$``), or ``{"error": text}``
when the engine refuses the pattern. A ``null`` source asks for the code points Node received instead, which
proves that a string crossed the pipe intact.

Strings travel as ``json.dumps(..., ensure_ascii=True)``: every non-ASCII character becomes a ``\\uXXXX``
escape, so a lone surrogate (which no UTF-8 byte stream can carry) reaches ``JSON.parse`` as the lone code unit
Python holds. A supplementary character becomes an escaped surrogate pair, which ``JSON.parse`` turns back
into the one character. The one string Python can hold that Node cannot receive faithfully is a high
surrogate directly followed by a low one (two code points in Python, one pair in JavaScript):
:func:`transmissible` tells them apart and the oracle's callers never send them.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import pytest

INSTALL_HINT = "install nodejs (apt-get install nodejs)"

_BRIDGE = r"""
const readline = require("readline");
const cache = new Map();
function compiled(source, flags) {
  const key = flags + "/" + source;
  let found = cache.get(key);
  if (found === undefined) {
    try {
      found = { search: new RegExp(source, flags), full: new RegExp("^(?:" + source + ")$", flags) };
    } catch (error) {
      found = { error: String(error.message) };
    }
    cache.set(key, found);
  }
  return found;
}
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const [source, flags, text] = JSON.parse(line);
  let answer;
  if (source === null) {
    answer = { points: Array.from(text, (c) => c.codePointAt(0)) };
  } else {
    const regex = compiled(source, flags);
    answer = regex.error !== undefined
      ? { error: regex.error }
      : { search: regex.search.test(text), full: regex.full.test(text) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
"""


@dataclass(frozen=True, slots=True)
class Answer:
    """ECMAScript's verdict on one string: matched somewhere (``search``), matched whole (``full``)."""

    search: bool
    full: bool


class EcmaScriptError(ValueError):
    """The engine refused a pattern (a SyntaxError in ``new RegExp``)."""


def node_binary() -> str | None:
    """Debian's ``nodejs`` package installs ``/usr/bin/node`` (older releases: ``nodejs``)."""
    return shutil.which("node") or shutil.which("nodejs")


def require_node() -> str:
    """The Node.js binary; without one the test fails in CI (``CI`` set) and is skipped elsewhere."""
    found = node_binary()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    return found


def transmissible(text: str) -> bool:
    """Whether ``text`` reaches Node as the same code points (no high surrogate directly before a low one)."""
    pairs = itertools.pairwise(text)
    return not any(0xD800 <= ord(high) <= 0xDBFF and 0xDC00 <= ord(low) <= 0xDFFF for high, low in pairs)


class EcmaScriptOracle:
    """One Node.js process, asked in batches (a writer thread feeds stdin while the answers are read)."""

    def __init__(self, node: str) -> None:
        self._process = subprocess.Popen(
            [node, "-e", _BRIDGE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="ascii",
        )
        self.asked = 0

    def close(self) -> None:
        process = self._process
        if process.stdin is not None:
            process.stdin.close()
        process.wait(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()

    def _exchange(self, requests: Sequence[list[object]]) -> list[dict[str, object]]:
        process = self._process
        assert process.stdin is not None
        assert process.stdout is not None
        stdin = process.stdin

        def feed() -> None:
            for request in requests:
                stdin.write(json.dumps(request, ensure_ascii=True) + "\n")
            stdin.flush()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        answers = []
        for _ in requests:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"node stopped answering: {process.stderr.read() if process.stderr else ''}")
            answers.append(json.loads(line))
        writer.join()
        self.asked += len(requests)
        return answers

    def ask(self, questions: Sequence[tuple[str, str]], *, flags: str = "u") -> list[Answer]:
        """ECMAScript's answers for ``(pattern source, text)`` pairs, in order."""
        for _, text in questions:
            if not transmissible(text):
                raise ValueError(f"{text!r} cannot reach Node as the same code points")
        found = []
        for (source, _), answer in zip(
            questions, self._exchange([[source, flags, text] for source, text in questions]), strict=True
        ):
            if "error" in answer:
                raise EcmaScriptError(f"{source!r}: {answer['error']}")
            found.append(Answer(bool(answer["search"]), bool(answer["full"])))
        return found

    def code_points(self, texts: Sequence[str]) -> list[list[int]]:
        """The code points Node received for each text."""
        answers = self._exchange([[None, "", text] for text in texts])
        return [[int(point) for point in cast(list[int], answer["points"])] for answer in answers]
