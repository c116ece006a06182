"""pytest plugin glue: options, scenario collection, targets per worker, outcomes and records.

Registered through the ``pytest11`` entry point, so it is active in every pytest run of an environment
that has the package installed; it stays inert unless a conformance option is given or scenario files
are collected.
"""

from __future__ import annotations
