"""The names of the fuzz checks and budgets, in a module that imports nothing heavy.

The pytest glue lists the fuzz items and the ``--fuzz-profile`` choices at start-up, in every xdist worker;
importing Hypothesis and schemathesis for that alone costs about a quarter of a second a process, so the names
live here and the modules that run the checks are imported only when a check runs.
"""

from __future__ import annotations

PROFILES = ("quick", "thorough")
#: The systematic generators (:mod:`conformance.fuzz.systematic`).
STRATEGIES = ("boundary", "enum", "optionals", "negative", "echo", "actors")
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
    "support",
    "echo",
    "model-drift",
)
