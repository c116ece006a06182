"""pytest entry point of the suite (``pytest11``): the options, and the one place its plugins are registered.

Loaded in every pytest run of an environment that has the package installed. It stays inert (collects nothing,
starts nothing) until scenario files are collected: either the built-in library (``pytest --pyargs conformance``,
or its path) or a ``--scenarios DIR``. The fuzz hooks (``conformance.fuzz_plugin``) are registered here, by
object rather than by name, and the run's hooks (:class:`~conformance.glue.run.RunPlugin`) once a run is active.
All the work happens in the layers below; the modules of :mod:`conformance.glue` translate between them and pytest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import fuzz_plugin
from conformance.glue import scenario_items
from conformance.glue.configure import build_session, route_arguments
from conformance.glue.options import add_options
from conformance.glue.run import RunPlugin
from conformance.glue.session import SESSION


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    add_options(parser)
    # Registered here, the earliest hook with the plugin manager, so its pytest_configure runs as any plugin's
    # would. `-p conformance.fuzz_plugin` may have registered it already.
    if not pluginmanager.is_registered(fuzz_plugin):
        pluginmanager.register(fuzz_plugin, "conformance.fuzz_plugin")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "scenario: a conformance scenario from a YAML file")
    config.addinivalue_line("markers", "fuzz: a generated (fuzz) conformance check")
    session = build_session(config)
    config.stash[SESSION] = session
    if not session.active:
        return
    # A malformed scenario file must not stop the other files from running (design: collection error, rest runs).
    config.option.continue_on_collection_errors = True
    route_arguments(config, session)
    config.pluginmanager.register(RunPlugin(config, session), "cleanrooms-conformance-run")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return scenario_items.collect_file(file_path, parent)
