"""Command-line glue: ``cleanrooms-conformance run | serve | cleanup | ...``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("cleanrooms-conformance: not wired yet", file=sys.stderr)
    return 2
