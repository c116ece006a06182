from __future__ import annotations

import subprocess
import sys

from conformance.fuzz import catalogue


def test_the_check_order_names_every_check_once() -> None:
    every = {"support", "model-drift", "stateful", "schemathesis", *catalogue.STRATEGIES, *catalogue.PROPERTIES}

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
