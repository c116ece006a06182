"""The names of the fuzz checks and budgets, in a module that imports nothing heavy.

The pytest glue lists the fuzz items and the ``--fuzz-profile`` choices at start-up, in every xdist worker;
importing Hypothesis and schemathesis for that alone costs about a quarter of a second a process, so the names
live here (the operations in the registry of families, which is plain data) and the modules that run the checks
are imported only when a check runs.
"""

from __future__ import annotations

from conformance.model import families

PROFILES = ("quick", "thorough")
#: Operations the suite (and the reference emulator) is about, family by family (:mod:`conformance.model.families`);
#: only they are fuzzed by default (``--fuzz-operation`` chooses others; the rest of the model is then fuzzed from
#: generic baselines).
CORE_OPERATIONS = families.OPERATIONS

#: The systematic generators (:mod:`conformance.fuzz.systematic`).
STRATEGIES = ("boundary", "enum", "optionals", "negative", "echo", "actors")
#: The systematic strategies whose variants are all valid inputs: a tally of one of them in which no variant
#: succeeded (every answer a refusal its plan allows) shows nothing works, so it is not a PASS.
VALID_INPUT_STRATEGIES = frozenset({"boundary", "enum", "optionals", "echo", "actors"})
#: The Hypothesis property checks (:mod:`conformance.fuzz.properties`).
PROPERTIES = ("random-valid", "random-invalid")
#: Every fuzz item of a run, longest first (as measured against the reference emulator with the quick profile):
#: with ``-n 2`` and work stealing, the long checks start early and the short ones fill the gaps at the end.
CHECK_ORDER = (
    "schemathesis",
    "negative",
    "stateful",
    "random-valid",
    "random-invalid",
    "boundary",
    "enum",
    "optionals",
    "actors",
    "echo",
    "model-drift",
)
#: The checks that run one pytest item per operation (``fuzz:<check>:<operation>``): a failure on one operation
#: hides nothing else, and an expectations entry excuses one operation only. The others are one item each
#: (``fuzz:stateful``, and ``fuzz:model-drift`` when the model drifted), reporting a record per operation where
#: they can. Which operations the target implements is no check of its own: a target that answers everything
#: with one constant would pass it, so each per-operation item says UNSUPPORTED for an operation it lacks.
PER_OPERATION = frozenset({*STRATEGIES, *PROPERTIES, "schemathesis", "differential"})

#: Where each check is implemented (the location reports give a fuzz row, relative to the project root).
MODULES = {
    **{name: "conformance/fuzz/systematic.py" for name in STRATEGIES},
    **{name: "conformance/fuzz/properties.py" for name in PROPERTIES},
    "model-drift": "conformance/fuzz/drift.py",
    "stateful": "conformance/fuzz/machine.py",
    "schemathesis": "conformance/fuzz/schemathesis_run.py",
    "differential": "conformance/fuzz/differential.py",
}


def item_name(check: str, operation: str | None = None) -> str:
    """The pytest item name and expectations id of a check (on one operation when it runs per operation)."""
    return f"fuzz:{check}:{operation}" if operation else f"fuzz:{check}"
