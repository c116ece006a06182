"""The one error type of the report layer: a results file or report input that cannot be used."""

from __future__ import annotations


class ReportError(Exception):
    """A results file is missing, corrupt or from a newer version, or report inputs do not fit together.

    The message names the file and says what to do.
    """
