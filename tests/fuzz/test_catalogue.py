from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conformance.fuzz import catalogue
from conformance.model import families


def test_the_check_order_names_every_check_once() -> None:
    every = {"model-drift", "stateful", "schemathesis", *catalogue.STRATEGIES, *catalogue.PROPERTIES}

    assert sorted(catalogue.CHECK_ORDER) == sorted(every)


def test_the_glue_imports_neither_hypothesis_nor_schemathesis_nor_deepdiff() -> None:
    # Every pytest process (each xdist worker too) imports the plugins at start-up; the heavy libraries come in
    # only when a fuzz check or a recording comparison runs.
    code = (
        "import sys, conformance.plugin, conformance.fuzz_plugin, conformance.verdict\n"
        "print(sorted(m for m in ('hypothesis', 'schemathesis', 'deepdiff') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.strip() == "[]"


def test_every_check_names_the_module_that_makes_it() -> None:
    root = Path(__file__).resolve().parents[2]
    assert set(catalogue.MODULES) == {*catalogue.CHECK_ORDER, "differential"}
    for module in catalogue.MODULES.values():
        assert not Path(module).is_absolute()
        assert (root / module).is_file(), module


def test_item_names_are_per_operation_for_the_per_operation_checks() -> None:
    assert {*catalogue.CHECK_ORDER, "differential"} >= catalogue.PER_OPERATION
    assert {"model-drift", "stateful"}.isdisjoint(catalogue.PER_OPERATION)
    assert catalogue.item_name("boundary", "CreateCollaboration") == "fuzz:boundary:CreateCollaboration"
    assert catalogue.item_name("stateful") == "fuzz:stateful"


def test_the_seeds_fuzz_the_catalogues_core_operations() -> None:
    from conformance.fuzz.seeds import CORE_OPERATIONS

    assert CORE_OPERATIONS is catalogue.CORE_OPERATIONS
    assert CORE_OPERATIONS == families.OPERATIONS
