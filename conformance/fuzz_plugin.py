"""pytest hooks of the fuzz checks: their per-process state, their collection beside the library, their scheduling.

Registered by ``conformance.plugin`` (the one registration point). When a conformance run collects the built-in
scenario library, the fuzz items are collected with it (:mod:`conformance.glue.fuzz_items`), all marked ``fuzz``
(``-m fuzz`` runs only them, ``-m "not fuzz"`` leaves them out):

* ``fuzz:model-drift`` — collected only when the installed service model no longer matches the stored checksums
  (a check of the suite, not of the target: when nothing drifted there is no item, so no PASS a server that does
  nothing could earn);
* ``fuzz:stateful`` — the change-request state machine against the spec model;
* per operation, ``fuzz:<check>:<operation>`` (``fuzz:boundary:CreateCollaboration``) for the systematic
  generators (boundary, enum, optionals, negative, echo, actors), the Hypothesis properties (random-valid,
  random-invalid), schemathesis, and with ``--compare-target`` the differential check.

The operations are the suite's core ones (:data:`~conformance.fuzz.catalogue.CORE_OPERATIONS`, those in the model
at ``--api-version``) unless ``--fuzz-operation`` names others. Each item emits one report record per operation
(``fuzz:<check>:<operation>``, ``kind="fuzz"``) with the variant counts in ``request["fuzz"]``; failures leave
reproducer scenarios in ``<report dir>/reproducers``. Hypothesis keeps its files (``.hypothesis``) under the
report folder, or a temporary folder without one, never in the current directory.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conformance.glue import fuzz_items
from conformance.glue.fuzz_checks import spread
from conformance.glue.session import FUZZ, SESSION, FuzzState, is_worker


def pytest_configure(config: pytest.Config) -> None:
    config.stash[FUZZ] = FuzzState()
    if config.option.fuzz_operation:
        from conformance.model.service import UnknownOperationError, operation

        for name in config.option.fuzz_operation:
            try:
                operation(name)
            except UnknownOperationError as exc:
                raise pytest.UsageError(f"--fuzz-operation: {exc}") from None


@pytest.hookimpl(trylast=True, specname="pytest_configure")  # after conformance.plugin has set SESSION
def pytest_configure_scheduling(config: pytest.Config) -> None:
    """Under ``-n`` with xdist's ``load`` scheduling, hand items out one at a time (``--maxschedchunk 1``).

    ``load`` sends each worker a first chunk of a quarter of its share (14 items of 114 with two workers) and
    refills in chunks; two long fuzz checks in one chunk run one after the other while the other worker runs
    out of work. One at a time (with one queued per worker), the longest-first order of :func:`spread` is kept.
    Only when the user chose no ``--maxschedchunk`` and no other ``--dist``; results do not depend on it.
    Measured (whole run, reference emulator, ``-n 2``): 1.55x -> 1.7-1.9x faster than serial.
    """
    session = config.stash.get(SESSION, None)
    option = config.option
    if session is None or not session.active or is_worker(config):
        return
    if getattr(option, "dist", "no") == "load" and getattr(option, "maxschedchunk", 0) is None:
        option.maxschedchunk = 1


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return fuzz_items.collect_directory(path, parent)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, spread the fuzz items evenly through the collection, longest first (the same in every worker).

    They hold nearly all of a run's time, and a few of them most of it. xdist hands each worker contiguous
    slices of the collection; at the end of it, all of them would land in one worker's slice (with ``--dist load``'s
    first chunks of 14 items, one worker ran every fuzz check while the other ran scenarios: ``-n 2`` was slower
    than serial). Spread out, every slice holds one or two, the long ones start at once and the scenarios fill
    the gaps. A serial run keeps the scenarios first: their results come in seconds. (The scenarios page through
    account-wide lists, so running after fuzz checks on the same emulator does not change their outcome.)
    """
    if not is_worker(config):
        return
    fuzz: list[pytest.Item] = [item for item in items if isinstance(item, fuzz_items.FuzzItem)]
    if fuzz:
        items[:] = spread(fuzz, [item for item in items if not isinstance(item, fuzz_items.FuzzItem)])


@pytest.hookimpl(tryfirst=True)  # before the run plugin closes the target
def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(FUZZ, None)
    if state is None:
        return
    # What the campaigns still hold is deleted, so a long-lived target does not keep a collaboration per run
    # (a target's answer, even an error, is returned by the call, never raised).
    for campaign in state.campaigns.values():
        campaign.close()
    state.campaigns.clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(FUZZ, None)
    if state is None:
        return
    if state.compare is not None:
        state.compare.close()
        state.compare = None
    if state.hypothesis_home is not None:
        from hypothesis import configuration

        configuration.set_hypothesis_home_dir(state.previous_home)
        state.hypothesis_home = None
    if state.temporary is not None:
        shutil.rmtree(state.temporary, ignore_errors=True)
        state.temporary = None
