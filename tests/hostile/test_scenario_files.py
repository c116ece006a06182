"""Black-box: a scenario file built to hang, exhaust or crash the loader is a collection error at file:line that
names the limit, at once, on both YAML paths (libyaml's events and ruamel's pure parser), and the other files
still run. (How fast each is refused is measured by hand, not asserted: see the report of the change.)"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.scenario.yaml_limits import MAX_DEPTH, MAX_FILE_BYTES
from tests.plugin.conftest import CREATE_AND_GET, outcomes

HEADER = "scenario: hostile\nsince: 2023-01-12\nevidence: {level: model, source: MODEL}\n"
STEP = "steps:\n  - as: creator\n    call: ListCollaborations\n"
#: A tab anywhere (here in a comment) sends a file to ruamel's pure parser instead of libyaml's events.
PURE = "# the pure parser reads files with a\ttab\n"


def alias_bomb(levels: int = 10, width: int = 9) -> str:
    """The "billion laughs" shape: each anchor is a list of ``width`` aliases of the one before (9^10 nodes)."""
    lines = ["x0: &a0 [lol]"]
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return HEADER + "\n".join(lines) + "\n" + STEP


def nested(opening: str, closing: str, depth: int) -> str:
    return HEADER + "steps: " + opening * depth + closing * depth + "\n"


def block_nested(depth: int) -> str:
    return HEADER + STEP + "    with:\n" + "".join(" " * (6 + 2 * i) + "a:\n" for i in range(depth))


# name: (file bytes, line the error must name, words the message must contain)
HOSTILE: dict[str, tuple[bytes, int, str]] = {
    "alias_bomb": (alias_bomb().encode(), 8, "more than 10,000 values once its aliases are expanded"),
    "alias_bomb_pure": ((PURE + alias_bomb()).encode(), 9, "more than 10,000 values once its aliases are expanded"),
    # A value that contains itself: ruamel silently reads the inner alias as null, so `[1, null]` was sent.
    "alias_cycle": (
        (HEADER + STEP + "    with: {maxResults: &a [1, *a]}\n").encode(),
        7,
        "alias *a is inside its own anchor &a",
    ),
    "many_aliases": (
        (HEADER + "x: &a 1\ny: [" + ", ".join(["*a"] * 1001) + "]\n" + STEP).encode(),
        5,
        "more than 1,000 aliases",
    ),
    "deep_list": (nested("[", "]", 100_000).encode(), 4, f"nested more than {MAX_DEPTH} deep"),
    "deep_list_pure": ((PURE + nested("[", "]", 100_000)).encode(), 5, f"nested more than {MAX_DEPTH} deep"),
    "deep_mapping": (nested("{a: ", "}", 50_000).encode(), 4, f"nested more than {MAX_DEPTH} deep"),
    "deep_mapping_pure": ((PURE + nested("{a: ", "}", 50_000)).encode(), 5, f"nested more than {MAX_DEPTH} deep"),
    "deep_blocks": (block_nested(MAX_DEPTH + 10).encode(), 69, f"nested more than {MAX_DEPTH} deep"),
    "huge": (
        (HEADER + STEP + ("# padding\n" * (MAX_FILE_BYTES // 10 + 1))).encode(),
        1,
        f"a scenario file may have at most {MAX_FILE_BYTES:,}",
    ),
    "deep_mapping_100k": (nested("{a: ", "}", 100_000).encode(), 1, "a scenario file may have at most"),
    "not_utf8": ((HEADER + "# caf").encode() + b"\xe9\n" + STEP.encode(), 4, "not UTF-8 text (byte 0xe9"),
    "utf16": ((HEADER + STEP).encode("utf-16"), 1, "not UTF-8 text (byte 0xff"),
    "two_documents": ((HEADER + STEP + "---\n" + HEADER + STEP).encode(), 7, "a scenario file holds one document"),
    "huge_number": (
        (HEADER + STEP + "    with: {maxResults: " + "9" * 5000 + "}\n").encode(),
        7,
        "cannot be read (Exceeds the limit (4300 digits)",
    ),
}


@pytest.mark.timeout(60)  # a guard against the hangs these files caused, not a speed check
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_file_is_a_collection_error_naming_the_limit_and_the_rest_runs(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path], kind: str
) -> None:
    data, line, words = HOSTILE[kind]
    folder = scenario_dir(good=CREATE_AND_GET)
    (folder / f"{kind}.yaml").write_bytes(data)
    result = pytester.runpytest(str(folder), "--target=reference", "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(passed=1, errors=1)
    output = result.stdout.str()
    assert f"{kind}.yaml:{line}: " in output, output
    assert words in output, output
    assert "Traceback" not in output, output
    assert outcomes(pytester.path / "r") == {"good": "PASS", kind: "ERROR"}  # the broken file is a report row


def test_a_file_at_the_limits_loads_and_runs(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    # As deep as allowed (document, steps, step, expect, the matcher's list: 5 levels, then the rest), with
    # aliases: the bounds refuse hostile files, not large honest ones.
    deep = "[" * (MAX_DEPTH - 5) + "1" + "]" * (MAX_DEPTH - 5)
    big = "&big [" + ", ".join(["1"] * 400) + "]"  # 21 times: 8,400 values of the 10,000 allowed
    honest = (
        HEADER.replace("hostile", "large but honest")
        + STEP
        + "    with: {maxResults: 1}\n"
        + f"    expect: {{collaborationList: !not [{big}, {', '.join(['*big'] * 20)}, {deep}]}}\n"
    )
    folder = scenario_dir(good=CREATE_AND_GET, honest=honest)
    result = pytester.runpytest(str(folder), "--target=reference", "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(passed=2)
    assert outcomes(pytester.path / "r") == {"good": "PASS", "honest": "PASS"}


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_scenario_neither_hangs_the_run_nor_stops_the_rest(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    folder = scenario_dir(good=CREATE_AND_GET)
    os.mkfifo(folder / "pipe.yaml")
    result = pytester.runpytest(str(folder), "--target=reference", "--report-dir", str(pytester.path / "r"))
    assert result.ret == 0, result.stdout.str()
    assert outcomes(pytester.path / "r") == {"good": "PASS"}
