"""Where requests go: target specs, actors and credentials, clients, real-AWS guard, ledger and cleanup.

The public surface, re-exported here::

    spec = parse_target("reference")            # or "moto", "aws", "http://127.0.0.1:4566", a config name
    with start_target(spec) as target:
        probe(target)
        result = target.call("creator", "ListCollaborations", {})

``cleanup`` lives in ``conformance.targets.cleanup`` (imported on demand: only the CLI needs it).
"""

from __future__ import annotations

from conformance.targets.errors import RequestBuildError, TargetError
from conformance.targets.running import RunningTarget, new_run_id, probe, start_target
from conformance.targets.spec import ActorSpec, LimitOverrides, TargetSpec, Timeouts, parse_target

__all__ = [
    "ActorSpec",
    "LimitOverrides",
    "RequestBuildError",
    "RunningTarget",
    "TargetError",
    "TargetSpec",
    "Timeouts",
    "new_run_id",
    "parse_target",
    "probe",
    "start_target",
]
