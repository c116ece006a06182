"""The reference emulator's settings, checked when they are made.

Besides the region, the list order and the defects, a config chooses the emulator's *readings*: for each point
AWS leaves open, which of the defensible answers it gives (``docs/emulator-readings.md``). The defaults are
the emulator's long-standing behaviour; every other value is just as correct, so a suite that is fair to
every implementation must pass against each of them. :func:`parse_readings` turns the ``NAME=VALUE`` text of
``serve --reading`` and ``--emulator-reading`` into config fields, so both front ends say the same things.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Literal, get_args

from conformance.model.releases import FIRST_MODEL, RELEASE_DATES
from conformance.reference.defects import checked_names

#: What the model's ARN patterns accept as a region (``[\w]{2}-[\w]{4,9}-[\d]``), lower-cased.
_REGION = re.compile(r"[a-z]{2}-[a-z]{4,9}-[0-9]", re.ASCII)

ListOrder = Literal["ascending", "descending"]
Patterns = Literal["anchored", "smithy"]
"""SMITHY-C: ``anchored`` refuses a value unless the whole of it matches a ``pattern``; ``smithy`` refuses it only
when no part of it matches (the pattern trait is not implicitly anchored)."""
UnknownIds = Literal["not-found", "access-denied"]
"""A16/CFN-NF/TF-NF: an id that exists nowhere answers 404 ResourceNotFoundException (where the model declares
it) or 403 AccessDeniedException."""
BadJson = Literal["split", "validation", "serialization"]
"""How a body that is not a JSON object, and a member of the wrong JSON type, are refused (both 400):
``split`` SerializationException for the first, ValidationException for the second; ``validation`` or
``serialization`` that one error for both."""

#: Reading name → its values, the default first (what ``--reading NAME=VALUE`` may say).
READINGS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "patterns": get_args(Patterns),
        "unknown_ids": get_args(UnknownIds),
        "bad_json": get_args(BadJson),
        "api_version": ("latest", *sorted(d.isoformat() for d in RELEASE_DATES)),
    }
)


@dataclass(frozen=True, slots=True)
class EmulatorConfig:
    """How a reference emulator behaves; the defaults are the spec's best readings."""

    region: str = "us-east-1"
    """Region written into ARNs; it must fit the model's ARN pattern so responses stay valid."""
    defects: frozenset[str] = frozenset()
    """Names from :data:`conformance.reference.DEFECTS` to switch on (test seam; empty for normal use)."""
    list_order: ListOrder = "ascending"
    """A6: order of every list by creation time; ascending (oldest first) is the best reading."""
    patterns: Patterns = "anchored"
    """SMITHY-C, A14: which reading of the model's ``pattern`` trait input validation applies."""
    unknown_ids: UnknownIds = "not-found"
    """A16: the answer for a collaboration or membership id that exists nowhere (or no longer exists)."""
    bad_json: BadJson = "split"
    """SMITHY: the error name for an undecodable body and for wrongly typed members."""
    api_version: date | None = None
    """§8: behave as the Clean Rooms API of this SDK release (None: the installed model, the latest)."""

    def __post_init__(self) -> None:
        if not isinstance(self.region, str) or _REGION.fullmatch(self.region) is None:
            raise ValueError(f"region {self.region!r} does not look like an AWS region (e.g. us-east-1)")
        if self.list_order not in ("ascending", "descending"):
            raise ValueError(f"list_order must be 'ascending' or 'descending', not {self.list_order!r}")
        for name in ("patterns", "unknown_ids", "bad_json"):
            value = getattr(self, name)
            if value not in READINGS[name]:
                raise ValueError(f"{name} must be one of {', '.join(READINGS[name])}, not {value!r}")
        version = self.api_version
        if version is not None and (not isinstance(version, date) or isinstance(version, datetime)):
            raise ValueError(f"api_version must be a datetime.date or None, not {version!r}")
        if version is not None and version < FIRST_MODEL:
            raise ValueError(
                f"api_version {version.isoformat()} is before the first Clean Rooms model ({FIRST_MODEL.isoformat()})"
            )
        # Accept any iterable of names (a list from a CLI, a set) but store the frozen, checked form.
        object.__setattr__(self, "defects", checked_names(self.defects))


def parse_readings(pairs: Iterable[str]) -> dict[str, Any]:
    """``NAME=VALUE`` texts as :class:`EmulatorConfig` keyword arguments, or ValueError saying what to write.

    ``api_version`` takes a date ``YYYY-MM-DD`` (an SDK release date; any date from the first model on is the
    model as it was that day) or ``latest``. A name given twice is refused rather than silently overridden.
    """
    chosen: dict[str, Any] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name, value = name.strip().replace("-", "_"), value.strip()
        if not equals or name not in READINGS:
            raise ValueError(f"reading {pair!r}: expected NAME=VALUE with NAME one of {', '.join(READINGS)}")
        if name in chosen:
            raise ValueError(f"reading {name!r} is given twice; give each reading once")
        if name == "api_version":
            chosen[name] = _api_version(value)
        elif value in READINGS[name]:
            chosen[name] = value
        else:
            raise ValueError(f"reading {name}={value!r}: {name} is one of {', '.join(READINGS[name])}")
    return chosen


def _api_version(text: str) -> date | None:
    if text.lower() == "latest":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        releases = ", ".join(READINGS["api_version"][1:])
        raise ValueError(
            f"reading api_version={text!r}: expected a date YYYY-MM-DD or 'latest'; SDK releases: {releases}"
        ) from None
