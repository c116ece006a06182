"""The reference emulator's settings, checked when they are made."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from conformance.reference.defects import checked_names

#: What the model's ARN patterns accept as a region (``[\w]{2}-[\w]{4,9}-[\d]``), lower-cased.
_REGION = re.compile(r"[a-z]{2}-[a-z]{4,9}-[0-9]", re.ASCII)

ListOrder = Literal["ascending", "descending"]


@dataclass(frozen=True, slots=True)
class EmulatorConfig:
    """How a reference emulator behaves; the defaults are the spec's best readings."""

    region: str = "us-east-1"
    """Region written into ARNs; it must fit the model's ARN pattern so responses stay valid."""
    defects: frozenset[str] = frozenset()
    """Names from :data:`conformance.reference.DEFECTS` to switch on (test seam; empty for normal use)."""
    list_order: ListOrder = "ascending"
    """A6: order of every list by creation time; ascending (oldest first) is the best reading."""

    def __post_init__(self) -> None:
        if not isinstance(self.region, str) or _REGION.fullmatch(self.region) is None:
            raise ValueError(f"region {self.region!r} does not look like an AWS region (e.g. us-east-1)")
        if self.list_order not in ("ascending", "descending"):
            raise ValueError(f"list_order must be 'ascending' or 'descending', not {self.list_order!r}")
        # Accept any iterable of names (a list from a CLI, a set) but store the frozen, checked form.
        object.__setattr__(self, "defects", checked_names(self.defects))
