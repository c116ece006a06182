"""Fuzz throughput: examples/s of the property checks and the stateful machine against the reference emulator.

Runs the fuzz layer's own entry points (``run_property`` per operation, ``run_machine``, and for comparison
each systematic strategy and the schemathesis run) with the ``quick`` budget against the reference emulator in
this process, as a suite worker does. Every request the emulator answers is counted at the emulator, so each
check also gets calls per example and calls/s, which is held against the bare boto3 floor measured in the same
run (GetCollaboration in a loop with a client built like the suite's, same server). The gap between the two
is what the fuzz layer costs beyond the calls it makes (generation, judging, read-backs, shrinking).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from benchmarks import common
from conformance.targets.running import RunningTarget

NAME = "fuzz-throughput"


def available() -> str | None:
    """None when the fuzz layer imports, else why not."""
    try:
        import conformance.fuzz.machine
        import conformance.fuzz.properties  # noqa: F401
    except ImportError as exc:
        return f"the fuzz layer does not import ({exc})"
    return None


class Counter:
    """Counts the requests an emulator answers (wraps ``Emulator.handle`` on the instance)."""

    def __init__(self, emulator: Any) -> None:
        self.count = 0
        handle = emulator.handle

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return handle(*args, **kwargs)

        emulator.handle = counted


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.parser(NAME, "examples/s of the fuzz checks against the bare boto3 floor", repeats=3)
    parser.add_argument("--floor-calls", type=int, default=1000, help="bare calls per floor figure (default 1000)")
    parser.add_argument(
        "--checks",
        nargs="+",
        default=["random-valid", "random-invalid", "stateful"],
        help="fuzz checks to time: random-valid random-invalid stateful, any systematic strategy "
        "(boundary enum optionals negative echo actors) and schemathesis (default: the first three)",
    )
    options = parser.parse_args(argv)
    report = common.start(NAME, options, "fuzz throughput: property checks and the stateful machine")
    missing = available()
    if missing is not None:
        print(f"  skipped: {missing}")
        return report.finish(options)

    from conformance.fuzz.campaign import Campaign
    from conformance.fuzz.catalogue import PROPERTIES, STRATEGIES
    from conformance.fuzz.machine import run_machine
    from conformance.fuzz.profiles import budget, hypothesis_settings
    from conformance.fuzz.properties import run_property

    quick = budget("quick")

    def check_runner(name: str, target: RunningTarget) -> Callable[[Campaign], list[Any]]:
        if name in PROPERTIES:
            settings = hypothesis_settings(quick, examples=quick.property_examples)
            return lambda c: [
                run_property(c, name, op, settings, None, shrink_seconds=quick.shrink_seconds) for op in c.operations()
            ]
        if name == "stateful":
            settings = hypothesis_settings(quick, examples=quick.machine_examples)
            return lambda c: [run_machine(c, settings, None, shrink_seconds=quick.shrink_seconds)]
        if name in STRATEGIES:
            return lambda c: c.systematic(name)
        if name == "schemathesis":
            return _schemathesis_runner(target, quick)
        raise SystemExit(f"{NAME}: unknown check {name!r}")

    rows: dict[str, list[tuple[int, int, float, float]]] = {name: [] for name in options.checks}
    floors: list[float] = []
    loads: list[float] = []
    for _ in range(options.repeats):
        for name in options.checks:
            # A fresh emulator and campaign for every run, as in a new worker: the fuzz layer's read-backs page
            # through whole account lists, so what earlier runs left behind would make later ones slower.
            with common.reference_target() as target:
                server = target.reference_server
                assert server is not None
                counter = Counter(server.emulator)
                fixture = common.build_fixture(target)
                bare = common.bare_caller(common.plain_client(target, "creator"))
                params = {"collaborationIdentifier": fixture.collaboration}
                one_call = partial(bare, "GetCollaboration", params)
                common.per_call_us(one_call, 100)  # warm
                floor = 1e6 / common.per_call_us(one_call, options.floor_calls)
                floors.append(floor)
                run = check_runner(name, target)
                campaign = Campaign(target, target.accounts, region=target.spec.region)
                campaign.operations()  # the support probe: set-up work, not the check
                counter.count = 0
                started = time.perf_counter()
                tallies = run(campaign)
                elapsed = time.perf_counter() - started
            examples = sum(t.variants + t.skipped for t in tallies)
            failed = [t for t in tallies if t.outcome not in ("PASS", "UNSUPPORTED")]
            if failed:
                what = f"{failed[0].outcome} {failed[0].note[:200]}"
                print(f"  note: {name} did not pass on the reference emulator: {what}")
            rows[name].append((examples, counter.count, elapsed, floor))
        loads.append(common.load_average()[0])
    report.row("bare boto3 floor (GetCollaboration)", calls_per_s=statistics.median(floors))
    for name, found in rows.items():
        report.row(
            name,
            examples_per_s=statistics.median(e / s for e, _, s, _ in found),
            examples=found[0][0],
            calls_per_example=statistics.median(c / max(e, 1) for e, c, _, _ in found),
            calls_per_s=statistics.median(c / s for _, c, s, _ in found),
            share_of_floor=statistics.median((c / s) / f for _, c, s, f in found),
            seconds=statistics.median(s for _, _, s, _ in found),
        )
    print("  share_of_floor: the check's calls/s over the bare floor's (1.0 = the check costs only its calls)")
    print(f"  load median {statistics.median(loads):.2f}")
    return report.finish(options)


def _schemathesis_runner(target: Any, quick: Any) -> Callable[[Any], list[Any]]:
    from conformance.fuzz.profiles import hypothesis_settings
    from conformance.fuzz.schemathesis_run import Signing, run_schemathesis

    client = target.client("creator")
    signing = Signing(client._get_credentials(), target.spec.region, {})

    def run(campaign: Any) -> list[Any]:
        result: list[Any] = run_schemathesis(
            campaign,
            endpoint_url=target.endpoint_url,
            signing=signing,
            settings=hypothesis_settings(quick, examples=quick.schemathesis_examples),
            seed=None,
            shrink_seconds=quick.shrink_seconds,
        )
        return result

    return run


if __name__ == "__main__":
    raise SystemExit(main())
