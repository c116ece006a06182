"""Step overhead: what the scenario runner costs per step, against a bare boto3 call with the same requests.

A generated scenario of read steps, expected errors and an idempotent update runs against a fixture in the
reference emulator (in this process, as in a suite worker). Per step and side by side in one process:

* ``bare``: the rendered request sent with a plain boto3 client built like the suite's, nothing else;
* ``bare, instrumented client``: the same through the suite's own client (its Recorder and capture hooks);
* ``target.call``: the targets layer's call (hooks, classification into a CallResult);
* ``runner, no model checks``: ``run_scenario(model_checks=False)`` (templating, matching, saving);
* ``runner``: ``run_scenario`` with the shape and wire checks;
* ``runner + records``: the above plus ``verdict.judge`` and ``item_records.scenario_records``, i.e. everything a
  scenario item does per step. Its ratio to ``bare`` is held to the target (<= 1.25x).

The library section runs the 102 built-in scenarios through the same path and reports which share of a step is
spent outside the boto3 call (a replay with a bare client cannot be like for like there: the scenarios create
their own resources, so a replay would meet a different state).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import common
from conformance import verdict
from conformance.item_records import scenario_records
from conformance.scenario.format import Scenario
from conformance.scenario.library import builtin_dir
from conformance.scenario.loader import load_scenario, load_scenarios
from conformance.scenario.runner import ScenarioResult, run_scenario
from conformance.targets.running import RunningTarget

NAME = "step-overhead"
TARGET_RATIO = 1.25

_STEPS = """\
  - as: creator
    call: GetCollaboration
    with: {{collaborationIdentifier: "{collab}"}}
    expect:
      collaboration: {{id: "{collab}", memberStatus: ACTIVE, creatorAccountId: "{{{{ accounts.creator }}}}",
                      createTime: !timestamp , arn: !regex "arn:aws:cleanrooms:.*"}}
    save: {{name{r}: collaboration.name}}
  - as: member
    call: GetCollaboration
    with: {{collaborationIdentifier: "{collab}"}}
    expect: {{collaboration: {{id: "{collab}", name: "{{{{ name{r} }}}}"}}}}
  - as: creator
    call: ListMembers
    with: {{collaborationIdentifier: "{collab}"}}
    expect:
      memberSummaries: !contains [{{accountId: "{{{{ accounts.member }}}}", status: ACTIVE}}]
  - as: creator
    call: GetMembership
    with: {{membershipIdentifier: "{membership}"}}
    expect: {{membership: {{id: "{membership}", status: ACTIVE, collaborationId: "{collab}"}}}}
  - as: member
    call: GetCollaborationChangeRequest
    with: {{collaborationIdentifier: "{collab}", changeRequestIdentifier: "{request}"}}
    expect: {{collaborationChangeRequest: {{id: "{request}", status: PENDING, isAutoApproved: false}}}}
  - as: member
    call: ListCollaborationChangeRequests
    with: {{collaborationIdentifier: "{collab}", maxResults: 10}}
    expect: {{collaborationChangeRequestSummaries: !len {{min: 1}}}}
  - as: outsider
    call: GetCollaboration
    with: {{collaborationIdentifier: "{collab}"}}
    expect_error: {{code: AccessDeniedException, status: 403}}
  - as: creator
    call: ListCollaborations
    with: {{maxResults: 5}}
    expect: {{collaborationList: !len {{min: 1, max: 5}}}}
  - as: creator
    call: UpdateCollaboration
    with: {{collaborationIdentifier: "{collab}", description: benchmark fixture}}
    expect: {{collaboration: {{id: "{collab}", description: benchmark fixture}}}}
  - as: member
    call: GetCollaborationChangeRequest
    with: {{collaborationIdentifier: "{collab}", changeRequestIdentifier: "00000000-0000-4000-8000-000000000000"}}
    expect_error: {{code: ResourceNotFoundException, status: 404}}
"""


def scenario_text(fixture: common.Fixture, rounds: int) -> str:
    ids = {"collab": fixture.collaboration, "membership": fixture.membership, "request": fixture.change_request}
    steps = "".join(_STEPS.format(r=r, **ids) for r in range(rounds))
    return (
        "scenario: benchmark of the step runner\n"
        "since: 2025-12-18\n"
        "evidence: {level: model, source: MODEL}\n"
        "steps:\n" + steps
    )


def _full(scenario: Scenario, target: RunningTarget, run_id: str) -> ScenarioResult:
    """What a scenario item does: run, judge, build the records."""
    started = time.perf_counter()
    result = run_scenario(scenario, target, run_id=run_id, accounts=target.accounts)
    judged = verdict.judge(scenario, result, evidence="inferred", expectations=None)
    scenario_records(
        scenario,
        result,
        verdict=judged,
        target=target.spec.name,
        rerun="pytest",
        duration_ms=(time.perf_counter() - started) * 1000,
    )
    return result


def measure_steps(target: RunningTarget, scenario: Scenario, options: Any, report: common.Report) -> None:
    run_id = "cr-conf-benchmark"
    warm = _full(scenario, target, run_id)
    failed = [s for s in warm.steps if s.outcome != "PASS"]
    if failed or len(warm.steps) != len(scenario.steps):
        why = verdict.judge(scenario, warm, evidence="inferred", expectations=None).message
        raise SystemExit(f"{NAME}: the benchmark scenario does not pass: {why}")
    requests = [(s.step.actor, s.step.operation, dict(s.request or {}), s.raw_body) for s in warm.steps]
    steps = len(requests)
    actors = sorted({actor for actor, *_ in requests})
    plain = {actor: common.bare_caller(common.plain_client(target, actor)) for actor in actors}
    instrumented = {actor: common.bare_caller(target.client(actor)) for actor in actors}

    def replay(callers: dict[str, Callable[[str, Any], None]]) -> Callable[[], None]:
        def run() -> None:
            for actor, operation, params, _ in requests:
                callers[actor](operation, params)

        return run

    def through_target() -> None:
        for actor, operation, params, raw in requests:
            target.call(actor, operation, params, raw_body=raw)

    variants: list[tuple[str, Callable[[], object]]] = [
        ("bare boto3 call", replay(plain)),
        ("bare, instrumented client", replay(instrumented)),
        ("target.call", through_target),
        (
            "runner, no model checks",
            lambda: run_scenario(scenario, target, run_id=run_id, accounts=target.accounts, model_checks=False),
        ),
        ("runner", lambda: run_scenario(scenario, target, run_id=run_id, accounts=target.accounts)),
        ("runner + judge + records", lambda: _full(scenario, target, run_id)),
    ]
    for _, action in variants:  # warm every path once (first-call costs: model lookups, compiled templates)
        action()
    # Interleaved scenario run by scenario run (about 40 ms each), so a change of load hits every variant alike.
    per_step: dict[str, list[float]] = {label: [] for label, _ in variants}
    loads: list[float] = []
    for _ in range(options.repeats):
        spent = dict.fromkeys(per_step, 0.0)
        for _ in range(options.passes):
            for label, action in variants:
                started = time.perf_counter()
                action()
                spent[label] += time.perf_counter() - started
        for label, seconds in spent.items():
            per_step[label].append(seconds / options.passes / steps * 1e6)
        loads.append(common.load_average()[0])
    bare = per_step["bare boto3 call"]
    print(f"  {steps} steps per scenario run, {options.passes} runs per figure, {options.repeats} repeats")
    for label, _ in variants:
        ratios = [v / b for v, b in zip(per_step[label], bare, strict=True)]
        report.row(
            label,
            us_per_step=statistics.median(per_step[label]),
            ratio_to_bare=statistics.median(ratios),
            ratios=common.ratio_text(ratios),
        )
    full = [v / b for v, b in zip(per_step["runner + judge + records"], bare, strict=True)]
    instr = [
        v / b for v, b in zip(per_step["runner + judge + records"], per_step["bare, instrumented client"], strict=True)
    ]
    load = statistics.median(loads)
    report.check(common.Check("step cost / bare boto3 call", statistics.median(full), TARGET_RATIO, False, load=load))
    report.row("(for reference) step cost / instrumented bare call", ratio=statistics.median(instr))


def measure_library(target: RunningTarget, options: Any, report: common.Report) -> None:
    scenarios, errors = load_scenarios([builtin_dir()], actors=tuple(target.accounts))
    if errors:
        raise SystemExit(f"{NAME}: the scenario library does not load: {errors[0]}")
    totals: list[float] = []
    inside: list[float] = []
    counts: list[int] = []
    for _ in range(options.repeats):
        step_total = call_total = 0.0
        count = 0
        for scenario in scenarios:
            result = _full(scenario, target, "cr-conf-benchmark")
            for step in result.steps:
                count += 1
                step_total += step.duration_s
                call_total += step.call.duration_s if step.call is not None else 0.0
        totals.append(step_total / count * 1e6)
        inside.append(call_total / count * 1e6)
        counts.append(count)
        target.reference_server.reset() if target.reference_server is not None else None
    report.row(
        "library: step (runner)",
        us_per_step=statistics.median(totals),
        steps=counts[0],
        scenarios=len(scenarios),
    )
    report.row("library: of which in target.call", us_per_step=statistics.median(inside))
    report.row(
        "library: share outside the call",
        share=statistics.median([1 - i / t for i, t in zip(inside, totals, strict=True)]),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.parser(NAME, __doc__.splitlines()[0] if __doc__ else NAME, repeats=5)
    parser.add_argument("--rounds", type=int, default=4, help="copies of the 10 steps in the scenario (default 4)")
    parser.add_argument("--passes", type=int, default=20, help="scenario runs per figure (default 20)")
    parser.add_argument("--no-library", action="store_true", help="skip the library section")
    options = parser.parse_args(argv)
    report = common.start(NAME, options, "step overhead: the scenario runner against a bare boto3 call")
    with common.reference_target() as target, tempfile.TemporaryDirectory() as folder:
        fixture = common.build_fixture(target)
        path = Path(folder) / "bench-step-overhead.yaml"
        path.write_text(scenario_text(fixture, options.rounds), encoding="utf-8")
        scenario = load_scenario(path, actors=tuple(target.accounts))
        measure_steps(target, scenario, options, report)
        if not options.no_library:
            measure_library(target, options, report)
    return report.finish(options)


if __name__ == "__main__":
    raise SystemExit(main())
