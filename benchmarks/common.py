"""What every benchmark shares: machine facts, repeated timings with medians, ratio lines against targets, clients.

The machine is shared with other people's test runs, so every figure is printed with the load average at the
time it was taken, every measurement is repeated (the median is what counts), and ``--max-load`` makes a
benchmark wait for a quiet moment before it starts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from conformance.targets.clients import emulator_client
from conformance.targets.running import RunningTarget, start_target
from conformance.targets.spec import parse_target

#: The repository root (benchmarks/ lives in it).
ROOT = Path(__file__).resolve().parent.parent


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


@dataclass(frozen=True, slots=True)
class Machine:
    """The facts a figure needs beside it to be read at all."""

    nproc: int
    load: tuple[float, float, float]
    python: str
    botocore: str | None
    moto: str | None
    platform: str

    def __str__(self) -> str:
        load = " ".join(f"{v:.2f}" for v in self.load)
        return (
            f"nproc={self.nproc}  load average={load}  Python {self.python}  botocore {self.botocore}  "
            f"moto {self.moto or '(not installed)'}  {self.platform}"
        )


def machine() -> Machine:
    return Machine(
        nproc=os.cpu_count() or 1,
        load=load_average(),
        python=platform.python_version(),
        botocore=_package_version("botocore"),
        moto=_package_version("moto"),
        platform=platform.platform(terse=True),
    )


def wait_for_quiet(max_load: float | None, *, limit_s: float = 600.0) -> None:
    """Wait (at most ``limit_s``) until the 1-minute load average is below ``max_load``; None: do not wait."""
    if max_load is None:
        return
    deadline = time.monotonic() + limit_s
    said = False
    while load_average()[0] >= max_load and time.monotonic() < deadline:
        if not said:
            print(f"waiting for the 1-minute load average to drop below {max_load} (now {load_average()[0]:.2f})")
            said = True
        time.sleep(5)


@dataclass(frozen=True, slots=True)
class Series:
    """Repeated measurements of one quantity, each with the 1-minute load average when it was taken."""

    values: tuple[float, ...]
    loads: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def load(self) -> float:
        return statistics.median(self.loads)

    def spread(self) -> str:
        return f"min {min(self.values):.4g} max {max(self.values):.4g}"


def repeat(measure: Callable[[], float], repeats: int) -> Series:
    """Call ``measure`` ``repeats`` times; it returns one measurement (seconds, a rate, ...)."""
    values: list[float] = []
    loads: list[float] = []
    for _ in range(repeats):
        values.append(measure())
        loads.append(load_average()[0])
    return Series(tuple(values), tuple(loads))


def per_call_us(action: Callable[[], object], count: int) -> float:
    """Microseconds per call of ``action`` over ``count`` calls."""
    started = time.perf_counter()
    for _ in range(count):
        action()
    return (time.perf_counter() - started) / count * 1e6


@dataclass(frozen=True, slots=True)
class Check:
    """One figure held against its target."""

    name: str
    value: float
    target: float
    higher_is_better: bool
    unit: str = "x"
    load: float = 0.0

    @property
    def met(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def __str__(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        mark = "met" if self.met else "MISSED"
        target = f"target {sign} {self.target:g}{self.unit}; load {self.load:.2f}"
        return f"{self.name}: {self.value:.3g}{self.unit} ({target}) {mark}"


@dataclass(slots=True)
class Report:
    """What one benchmark run printed, kept for ``--json``."""

    benchmark: str
    machine: Machine
    rows: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def row(self, label: str, **values: Any) -> None:
        """Print and keep one line of figures."""
        self.rows.append({"label": label, **values})
        shown = "  ".join(f"{k}={_fmt(v)}" for k, v in values.items())
        print(f"  {label:<44} {shown}")

    def check(self, check: Check) -> None:
        self.checks.append(check)
        print(f"  TARGET {check}")

    def finish(self, options: argparse.Namespace) -> int:
        """Write ``--json`` when asked; 1 under ``--strict`` when a target was missed, else 0."""
        print(f"  load average at the end: {' '.join(f'{v:.2f}' for v in load_average())}")
        if options.json is not None:
            document = {
                "benchmark": self.benchmark,
                "machine": asdict(self.machine),
                "rows": self.rows,
                "checks": [{**asdict(c), "met": c.met} for c in self.checks],
            }
            Path(options.json).write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
        missed = [c for c in self.checks if not c.met]
        return 1 if options.strict and missed else 0


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def parser(name: str, description: str, *, repeats: int = 3) -> argparse.ArgumentParser:
    """The options every benchmark takes; a benchmark adds its own."""
    result = argparse.ArgumentParser(prog=f"python -m benchmarks.{name}", description=description)
    result.add_argument(
        "--repeats", type=int, default=repeats, help=f"repeats per figure, median kept (default {repeats})"
    )
    result.add_argument(
        "--max-load",
        type=float,
        default=None,
        help="wait until the 1-minute load average is below this before measuring (the machine is shared)",
    )
    result.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    result.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return result


def start(name: str, options: argparse.Namespace, title: str) -> Report:
    """Wait for a quiet machine if asked, print the title and the machine facts."""
    if options.repeats < 1:
        raise SystemExit(f"{name}: --repeats must be at least 1")
    wait_for_quiet(options.max_load)
    facts = machine()
    print(f"== {title}")
    print(f"   {facts}")
    return Report(name, facts)


# --- targets and clients --------------------------------------------------------------------------------------


@contextmanager
def reference_target() -> Iterator[RunningTarget]:
    """The reference emulator in this process (how a suite worker runs it), closed afterwards."""
    target = start_target(parse_target("reference"))
    try:
        yield target
    finally:
        target.close()


def url_target(url: str) -> RunningTarget:
    return start_target(parse_target(url))


def plain_client(target: RunningTarget, actor: str) -> BaseClient:
    """A client built exactly like the suite's (same session, config, credentials), without its instruments."""
    return emulator_client(target.spec, target.endpoint_url, target.spec.actors[actor])


def bare_caller(client: BaseClient) -> Callable[[str, Mapping[str, Any]], None]:
    """``call(operation, params)`` straight through boto3: a service error is caught, nothing else is done."""
    methods = {operation: method for method, operation in client.meta.method_to_api_mapping.items()}

    def call(operation: str, params: Mapping[str, Any]) -> None:
        with contextlib.suppress(ClientError):
            getattr(client, methods[operation])(**params)

    return call


def replace_body(client: BaseClient) -> Callable[[bytes | None], None]:
    """Make ``client`` send given body bytes on its next request (for raw-body steps); returns the setter."""
    pending: list[bytes] = []

    def before_sign(request: Any, **_: Any) -> None:
        if pending:
            body = pending.pop()
            request.data = body
            request.headers["Content-Length"] = str(len(body))

    client.meta.events.register("before-sign.cleanrooms", before_sign)

    def set_body(body: bytes | None) -> None:
        pending.clear()
        if body is not None:
            pending.append(body)

    return set_body


@dataclass(frozen=True, slots=True)
class Fixture:
    """A collaboration the creator made and joined, the member joined, member2 invited, one pending request."""

    collaboration: str
    membership: str
    change_request: str


def build_fixture(target: RunningTarget, name: str = "bench") -> Fixture:
    """Create the :class:`Fixture` through ``target``; raises RuntimeError if the target refuses a step."""
    accounts = target.accounts

    def ok(actor: str, operation: str, params: Mapping[str, Any]) -> Mapping[str, Any]:
        result = target.call(actor, operation, params)
        if result.parsed is None:
            raise RuntimeError(
                f"fixture step {operation} as {actor} failed: {result.error_code or result.transport_error}"
            )
        return result.parsed

    created = ok(
        "creator",
        "CreateCollaboration",
        {
            "name": name,
            "description": "benchmark fixture",
            "members": [
                {"accountId": accounts["member"], "memberAbilities": [], "displayName": "member"},
                {"accountId": accounts["member2"], "memberAbilities": [], "displayName": "member2"},
            ],
            "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
            "creatorDisplayName": "creator",
            "queryLogStatus": "DISABLED",
        },
    )
    collaboration = str(created["collaboration"]["id"])
    joined = ok("creator", "CreateMembership", {"collaborationIdentifier": collaboration, "queryLogStatus": "DISABLED"})
    ok("member", "CreateMembership", {"collaborationIdentifier": collaboration, "queryLogStatus": "DISABLED"})
    request = ok(
        "creator",
        "CreateCollaborationChangeRequest",
        {
            "collaborationIdentifier": collaboration,
            "changes": [
                {
                    "specificationType": "MEMBER",
                    "specification": {
                        "member": {"accountId": accounts["outsider"], "memberAbilities": [], "displayName": "outsider"}
                    },
                }
            ],
        },
    )
    return Fixture(collaboration, str(joined["membership"]["id"]), str(request["collaborationChangeRequest"]["id"]))


def ratio_text(values: Sequence[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


def flush() -> None:
    sys.stdout.flush()
