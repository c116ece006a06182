"""The report folder of one run: results.json and index.html, always written from redacted results."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .html import write_html
from .redact import redact
from .results import Results, write_results


def write_report(
    directory: Path, results: Results, *, operations: Iterable[str], mask_accounts: bool = False
) -> tuple[Path, Path]:
    """Redact ``results``, then write ``directory/results.json`` and ``directory/index.html``.

    One entry point, so no caller can write a report from unredacted records by forgetting a step.
    """
    clean = redact(results, mask_accounts=mask_accounts)
    return write_results(directory, clean), write_html(directory, clean, operations=operations)
