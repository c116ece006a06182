"""The fixed outcomes of a check, as the scenario layer names them (defined in :mod:`conformance.model.vocabulary`)."""

from __future__ import annotations

from conformance.model.vocabulary import Outcome

__all__ = ["Outcome"]
