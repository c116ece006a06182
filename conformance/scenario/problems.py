"""The problems of one scenario file: :class:`ScenarioError` (``file:line: message``) and their collector."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class ScenarioError(Exception):
    """A problem in a scenario file; ``str()`` is ``path:line: message`` (one line per problem)."""

    def __init__(self, path: Path, line: int, message: str, more: Sequence[ScenarioError] = ()) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message
        self.more = tuple(more)
        """Further problems of the same file (:func:`load_scenario` raises the first and carries the rest)."""

    def __str__(self) -> str:
        head = f"{self.path}:{self.line}: {self.message}"
        return "\n".join([head, *(f"{m.path}:{m.line}: {m.message}" for m in self.more)])


class Problems:
    """Every problem found in one file so far; the checks add to it rather than stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[ScenarioError] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(ScenarioError(self.path, line, message))
