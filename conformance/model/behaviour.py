"""The project's behaviour reference, ``docs/behaviour.md``, as data: its source keys, ambiguity keys and sections.

Scenario files, fuzz findings and the emulator's defects cite the facts they rest on by key (``UG-CR``,
``MODEL``, ``A16``) and by section (``§7``). The keys are defined in one place only, the reference itself, and
this module reads them from it: a row of its *Sources* table (the key in backticks in the first column), a
``### A<n> — title`` heading under *Ambiguities*, and any heading that starts with ``§<number>``. The file ships
inside the package (``conformance/_docs/behaviour.md``, a symlink to ``docs/behaviour.md`` in a checkout), so
an installed wheel checks citations exactly as a checkout does.

It lives in the model layer, the lowest one, because both the scenario layer (the loader checks every
citation) and the fuzz layer (which may import only ``model`` and ``targets``) need it. Like the rest of the
layer it knows nothing of YAML, HTTP or pytest: it reads one Markdown file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = [
    "REFERENCE_NAME",
    "BehaviourReference",
    "Citation",
    "ReferenceFileError",
    "is_ambiguity_key",
    "parse_reference",
    "reference",
]

REFERENCE_NAME = "docs/behaviour.md"
"""How messages name the reference: the path a user finds it at in the repository."""

_PACKAGED = ("_docs", "behaviour.md")

_HEADING = re.compile(r"^(#{2,6}) (.+?)\s*$")
_SECTION = re.compile(r"^§(\d+(?:\.\d+)*) (.+)$")
_AMBIGUITY = re.compile(r"^(A\d+) — (.+)$")
_SOURCE_ROW = re.compile(r"^\| `([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)` \|(.*)\|\s*$")
_URL = re.compile(r"https?://[^\s|)>]+")

# Text that may cite: an ambiguity key, a hyphenated upper-case key (``UG-CR``) or a section (``§1.5``).
# Hyphenated tokens count only when their first part starts a defined key (``UG-``, ``API-`` ...), so that
# ``HMAC-SHA256`` or ``X-AMZ-DATE`` in a comment are not taken for citations.
_CITED = re.compile(r"§(\d+(?:\.\d+)*)|\b(A\d+)\b|\b([A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)+)\b")
# Quoted text is a value, not a citation (a server's message, a generated name): "...", `...`, and '...' when
# the quote does not sit inside a word (so the apostrophe of "member's" opens nothing).
_QUOTED = re.compile(r"\"[^\"\n]*\"|`[^`\n]*`|(?<!\w)'[^'\n]*'(?!\w)")


class ReferenceFileError(RuntimeError):
    """The packaged reference is missing or holds no keys: the installation is broken."""


@dataclass(frozen=True, slots=True)
class Citation:
    """A key or section that a text cites, found by :meth:`BehaviourReference.citations`."""

    text: str
    """As written: ``A16``, ``UG-CR`` or ``§7``."""
    offset: int
    """Where it starts in the text."""
    known: bool
    """Whether the reference defines it."""
    hint: str
    """For an unknown citation, what to write instead (``; did you mean 'A16'?``); empty otherwise."""

    @property
    def is_ambiguity(self) -> bool:
        return is_ambiguity_key(self.text)


@dataclass(frozen=True, slots=True)
class BehaviourReference:
    """The keys and sections that ``docs/behaviour.md`` defines."""

    sources: Mapping[str, str]
    """Source key → where it is (the URL or location column of the Sources table)."""
    ambiguities: Mapping[str, str]
    """Ambiguity key (``A1``) → its title."""
    sections: Mapping[str, str]
    """Section number (``7``, ``1.5``) → its title."""
    families: frozenset[str] = field(init=False, repr=False, compare=False)
    """The first parts of the hyphenated source keys (``UG``, ``API`` ...)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "families", frozenset(key.split("-", 1)[0] for key in self.sources if "-" in key))

    @property
    def keys(self) -> frozenset[str]:
        """Every key a source may name: the source keys and the ambiguity keys."""
        return frozenset(self.sources) | frozenset(self.ambiguities)

    def suggest(self, key: str) -> str:
        """``; did you mean 'X'?`` for the closest defined key, or a pointer to the tables when none is close."""
        close = difflib.get_close_matches(key, sorted(self.keys), n=1, cutoff=0.5)
        if close:
            return f"; did you mean {close[0]!r}?"
        return f" (the keys are the Sources table and the ambiguities A1..A{len(self.ambiguities)} of {REFERENCE_NAME})"

    def suggest_section(self, number: str) -> str:
        """``; did you mean §1.5?`` or the list of sections."""
        close = difflib.get_close_matches(number, list(self.sections), n=1, cutoff=0.5)
        if close:
            return f"; did you mean §{close[0]} ({self.sections[close[0]]})?"
        top = ", ".join(f"§{n}" for n in self.sections if "." not in n)
        return f" (its sections are {top})"

    def unknown_keys(self, source: str) -> list[tuple[str, str]]:
        """The keys of a comma-separated ``evidence.source`` that are not defined, each with its hint."""
        keys = [part.strip() for part in source.split(",")]
        return [(key, self.suggest(key)) for key in keys if key not in self.keys]

    def citations(self, text: str) -> tuple[Citation, ...]:
        """Every key or section that ``text`` cites, outside quoted text, known or not."""
        blanked = _QUOTED.sub(lambda m: " " * len(m.group()), text)
        found: list[Citation] = []
        for match in _CITED.finditer(blanked):
            section, ambiguity, hyphenated = match.groups()
            if section is not None:
                known = section in self.sections
                hint = "" if known else self.suggest_section(section)
                found.append(Citation(f"§{section}", match.start(), known, hint))
                continue
            key = ambiguity or hyphenated
            if hyphenated is not None and not self._looks_like_key(hyphenated):
                continue
            known = key in self.keys
            found.append(Citation(key, match.start(), known, "" if known else self.suggest(key)))
        return tuple(found)

    def _looks_like_key(self, token: str) -> bool:
        return token.split("-", 1)[0] in self.families


def is_ambiguity_key(key: str) -> bool:
    """True for an ambiguity key (``A4``): an expectation resting on one is an inference."""
    return key[:1] == "A" and key[1:].isdigit()


def parse_reference(text: str) -> BehaviourReference:
    """The keys and sections of a reference document in the format described in its introduction."""
    sources: dict[str, str] = {}
    ambiguities: dict[str, str] = {}
    sections: dict[str, str] = {}
    top = ""
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading is not None:
            level, title = len(heading.group(1)), heading.group(2)
            if level == 2:
                top = title
            section = _SECTION.match(title)
            if section is not None:
                sections[section.group(1)] = section.group(2)
            elif top == "Ambiguities" and level == 3:
                ambiguity = _AMBIGUITY.match(title)
                if ambiguity is not None:
                    ambiguities[ambiguity.group(1)] = ambiguity.group(2)
            continue
        if top == "Sources":
            row = _SOURCE_ROW.match(line)
            if row is not None:
                url = _URL.search(row.group(2))
                sources[row.group(1)] = url.group() if url else row.group(2).strip(" |")
    return BehaviourReference(MappingProxyType(sources), MappingProxyType(ambiguities), MappingProxyType(sections))


@cache
def reference() -> BehaviourReference:
    """The reference shipped with the package (read once per process)."""
    path = resources.files("conformance").joinpath(*_PACKAGED)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ReferenceFileError(
            f"cannot read the behaviour reference conformance/{'/'.join(_PACKAGED)} ({exc}); reinstall the package"
        ) from None
    parsed = parse_reference(text)
    if not parsed.sources or not parsed.ambiguities:
        raise ReferenceFileError(f"conformance/{'/'.join(_PACKAGED)} defines no source or ambiguity keys")
    return parsed
