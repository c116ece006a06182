"""Hostile input from users and third parties: scenario files, their templates, target configurations.

Each test puts the hostile thing beside a good scenario and shows that the hostile one is refused clearly while
the good one still runs and passes.
"""

from __future__ import annotations

from tests.plugin.conftest import scenario_dir

__all__ = ["scenario_dir"]
