"""EmulatorConfig is checked when made."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from conformance.reference import Emulator, EmulatorConfig
from conformance.reference.config import READINGS, parse_readings


def test_defaults_are_the_spec_readings() -> None:
    config = EmulatorConfig()
    assert (config.region, config.defects, config.list_order) == ("us-east-1", frozenset(), "ascending")


def test_defects_may_be_any_iterable_of_names() -> None:
    config = EmulatorConfig(defects=["iso-timestamps"])  # type: ignore[arg-type]
    assert config.defects == frozenset({"iso-timestamps"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"region": "mars"}, "does not look like an AWS region"),
        ({"region": "US-EAST-1"}, "does not look like an AWS region"),
        ({"list_order": "random"}, "list_order"),
        ({"defects": frozenset({"nope"})}, "valid defects"),
        ({"patterns": "anchor"}, "patterns must be one of anchored, smithy"),
        ({"unknown_ids": "404"}, "unknown_ids must be one of not-found, access-denied"),
        ({"bad_json": "strict"}, "bad_json must be one of split, validation, serialization"),
        ({"api_version": "2025-09-03"}, "api_version must be a datetime.date"),
        ({"api_version": datetime(2025, 9, 3)}, "api_version must be a datetime.date"),
        ({"api_version": date(2022, 12, 31)}, "before the first Clean Rooms model"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EmulatorConfig(**kwargs)  # type: ignore[arg-type]


def test_the_region_goes_into_arns() -> None:
    emulator = Emulator(EmulatorConfig(region="eu-west-2"))
    assert emulator.store.collaboration_arn("111111111111", "x").startswith("arn:aws:cleanrooms:eu-west-2:")


def test_readings_parse_from_name_value_text() -> None:
    parsed = parse_readings(["patterns=smithy", "unknown-ids = access-denied", "bad_json=serialization"])
    assert parsed == {"patterns": "smithy", "unknown_ids": "access-denied", "bad_json": "serialization"}
    assert parse_readings(["api_version=2025-09-03"]) == {"api_version": date(2025, 9, 3)}
    assert parse_readings(["api_version=latest"]) == {"api_version": None}
    assert EmulatorConfig(**parse_readings([])) == EmulatorConfig()
    assert set(READINGS) == {"patterns", "unknown_ids", "bad_json", "api_version"}


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["patterns"], "expected NAME=VALUE with NAME one of patterns, unknown_ids, bad_json, api_version"),
        (["pattern=smithy"], "NAME one of patterns"),
        (["patterns=loose"], "patterns is one of anchored, smithy"),
        (["api_version=last year"], "expected a date YYYY-MM-DD or 'latest'; SDK releases: 2023-01-12"),
        (["patterns=smithy", "patterns=anchored"], "given twice"),
    ],
)
def test_bad_readings_say_what_to_write(pairs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_readings(pairs)
