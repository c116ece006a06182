"""Where the built-in scenario library lives, both in a wheel and in a source checkout."""

from __future__ import annotations

from pathlib import Path


def builtin_dir() -> Path:
    """The folder of the scenario files shipped with the package.

    In a wheel it is ``conformance/_scenarios``; in a checkout ``conformance/_scenarios`` is a symlink to the
    top-level ``scenarios/`` folder, so both cases resolve through the same path.
    """
    return Path(__file__).resolve().parent.parent / "_scenarios"
