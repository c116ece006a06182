"""What a template in one step of a scenario may refer to: built-in names, names saved by earlier steps, actors."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from conformance.scenario.templating import BUILTIN_NAMES, TemplateError, has_template, references


@dataclass(frozen=True, slots=True)
class TemplateScope:
    """What a template in step ``index`` may refer to."""

    index: int
    saved: Mapping[str, int]
    """Names saved by the steps before this one."""
    saved_by: Mapping[str, int]
    actors: frozenset[str]

    def check(self, text: str) -> str | None:
        """A message for the first problem of ``text``, or None (also None for text without templates)."""
        if not has_template(text):
            return None
        try:
            refs = references(text)
        except TemplateError as exc:
            return str(exc)
        for name in sorted(refs.names):
            if name in BUILTIN_NAMES or name in self.saved:
                continue
            later = self.saved_by.get(name)
            if later is not None:
                return f"template {text!r}: {name!r} is saved only by steps[{later}], which runs later"
            known = sorted({*BUILTIN_NAMES, *self.saved})
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            return f"template {text!r}: no earlier step saves {name!r}; {hint}(names here: {', '.join(known)})"
        for actor in sorted(refs.actors):
            if actor not in self.actors:
                return f"template {text!r}: accounts.{actor} is not an actor ({', '.join(sorted(self.actors))})"
        for ref in sorted(refs.steps):
            if ref >= self.index or -ref > self.index:
                ran = f"steps[0]..steps[{self.index - 1}]" if self.index else "none yet"
                return (
                    f"template {text!r}: steps[{ref}] is not a step that ran before steps[{self.index}]"
                    f" (available: {ran})"
                )
        return None
