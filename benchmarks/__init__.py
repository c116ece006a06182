"""Benchmarks of the suite: each module measures one cost side by side with its baseline and prints ratios.

Run one from the repository root with ``python -m benchmarks.<name>`` (``--help`` lists its options), or through
``cleanrooms-conformance bench NAME``. They are never run as timed tests: timings on a shared machine are
evidence to read, not a pass/fail gate. ``README.md`` lists them with their targets.
"""

from __future__ import annotations

#: Benchmark name → module, in the order ``bench`` (with no name) runs them.
BENCHMARKS = {
    "step-overhead": "benchmarks.step_overhead",
    "emulator-throughput": "benchmarks.emulator_throughput",
    "fuzz-throughput": "benchmarks.fuzz_throughput",
    "scale": "benchmarks.scale",
    "startup": "benchmarks.startup",
    "whole-run": "benchmarks.whole_run",
    "call-profile": "benchmarks.call_profile",
    "big-lists": "benchmarks.big_lists",
}
