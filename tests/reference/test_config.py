"""EmulatorConfig is checked when made."""

from __future__ import annotations

import pytest

from conformance.reference import Emulator, EmulatorConfig


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
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EmulatorConfig(**kwargs)  # type: ignore[arg-type]


def test_the_region_goes_into_arns() -> None:
    emulator = Emulator(EmulatorConfig(region="eu-west-2"))
    assert emulator.store.collaboration_arn("111111111111", "x").startswith("arn:aws:cleanrooms:eu-west-2:")
