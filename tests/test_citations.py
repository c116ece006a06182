"""Every key and section the project cites resolves in its behaviour reference, docs/behaviour.md.

Scenarios (evidence and prose), the fuzz layer (``Problem`` and ``Evidence`` sources such as ``"MODEL, A13"``,
the readings in ``fuzz/specmodel.py``), the emulator and its defects list, the docs and the tests all cite
``UG-CR``, ``A16`` or ``§7``. A key that the reference does not define is a dead end for a user, so it fails
here with the closest defined key.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from conformance.model.behaviour import reference
from conformance.scenario.loader import load_scenarios

ROOT = Path(__file__).resolve().parents[1]

#: Tests that cite undefined keys on purpose, to show that they are refused.
_PROBES = {ROOT / "tests" / "scenario" / "test_loader.py", ROOT / "tests" / "model" / "test_behaviour.py"}

#: Lines that cite another standard's sections (``ECMA-262 §12.2``): their § numbers are not the reference's.
_OTHER_STANDARD = re.compile(r"\b(?:ECMA|RFC|ISO|IEEE)\b")


def _texts() -> list[Path]:
    return sorted(
        {
            *ROOT.joinpath("conformance").rglob("*.py"),
            *ROOT.joinpath("tests").rglob("*.py"),
            *ROOT.joinpath("tests").rglob("*.yaml"),
            *ROOT.joinpath("benchmarks").rglob("*.py"),
            *ROOT.joinpath("docs").glob("*.md"),
            *ROOT.joinpath("scenarios").glob("*"),
            ROOT / "README.md",
            ROOT / "ARCHITECTURE.md",
        }
        - {Path(__file__), *_PROBES}
    )


def _unresolved_in_text(path: Path, root: Path = ROOT) -> Iterator[str]:
    found = reference()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for citation in found.citations(line):
            if citation.known or (citation.text.startswith("§") and _OTHER_STANDARD.search(line)):
                continue
            yield f"{path.relative_to(root)}:{number}: {citation.text}{citation.hint}"


def _unresolved_sources(path: Path, root: Path = ROOT) -> Iterator[str]:
    """The ``source`` of ``Evidence(level, source)``, ``Problem(kind, message, level, source)`` and ``source=``."""
    found = reference()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        candidates = [kw.value for kw in node.keywords if kw.arg in {"source", "evidence_source"}]
        position = {"Evidence": 1, "Problem": 3}.get(name)
        if position is not None and len(node.args) > position:
            candidates.append(node.args[position])
        for value in candidates:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for key, hint in found.unknown_keys(value.value):
                    yield f"{path.relative_to(root)}:{value.lineno}: source {key!r}{hint}"


def test_every_key_and_section_cited_anywhere_resolves() -> None:
    problems = [problem for path in _texts() if path.is_file() for problem in _unresolved_in_text(path)]
    assert problems == [], "\n".join(problems)


def test_every_evidence_source_in_the_code_resolves() -> None:
    files = [*ROOT.joinpath("conformance").rglob("*.py"), *ROOT.joinpath("benchmarks").rglob("*.py")]
    problems = [problem for path in sorted(files) for problem in _unresolved_sources(path)]
    assert problems == [], "\n".join(problems)


def test_the_checks_find_undefined_keys_and_sections(tmp_path: Path) -> None:
    code = tmp_path / "code.py"
    code.write_text('Evidence("inferred", "MODEL, A19")\nProblem("k", "m", "inferred", "UG-CRR")\n', "utf-8")
    assert list(_unresolved_sources(code, tmp_path)) == [
        "code.py:1: source 'A19'; did you mean 'A9'?",
        "code.py:2: source 'UG-CRR'; did you mean 'UG-CR'?",
    ]
    prose = tmp_path / "prose.md"
    prose.write_text("per behaviour §9, A16 and API-UCRR\nECMA-262 §12.2 is another standard's\n", "utf-8")
    found = list(_unresolved_in_text(prose, tmp_path))
    assert [line.split(";")[0].split(" (")[0] for line in found] == ["prose.md:1: §9", "prose.md:1: API-UCRR"]


def test_the_library_loads_with_every_citation_resolved() -> None:
    _, errors = load_scenarios([ROOT / "scenarios", ROOT / "tests" / "scenario" / "data"])
    assert [str(error) for error in errors] == []
