"""The suite's command-line options: the target, evidence, expectations, reports, recordings and fuzz budgets.

One list for both kinds of item, read by pytest (``conformance.plugin``) and by ``cleanrooms-conformance run``,
which checks the values up front under its own name.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from conformance.fuzz.catalogue import PROFILES
from conformance.model.vocabulary import EVIDENCE_LEVELS
from conformance.targets.config import parse_size
from conformance.targets.spec import DEFAULT_CALL_DEADLINE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT


def add_options(parser: pytest.Parser) -> None:
    """The suite's options (scenarios and fuzz checks), on pytest's parser or the CLI's stand-in for it."""
    group = parser.getgroup("cleanrooms-conformance", "AWS Clean Rooms conformance")
    group.addoption(
        "--target",
        default=None,
        help="implementation to test: reference (default), moto, aws, http(s)://HOST:PORT, "
        "or a name from --target-config",
    )
    group.addoption("--target-config", default=None, type=Path, help="TOML file with named targets")
    group.addoption(
        "--target-name",
        default=None,
        help="the target's name in reports and the report folder (default: reference, moto, aws, the name in "
        "--target-config, or HOST-PORT of a URL); e.g. my-emulator for a `serve --port 0` URL",
    )
    group.addoption("--region", default=None, help="region for aws/URL targets (default us-east-1)")
    group.addoption(
        "--allow-account",
        action="append",
        default=[],
        help="AWS account id the aws target may use (repeat; every actor's account must be listed)",
    )
    group.addoption(
        "--api-version",
        default=None,
        help="run only scenarios whose behaviour existed in this SDK release (YYYY-MM-DD, e.g. 2025-09-03)",
    )
    group.addoption(
        "--evidence",
        default="inferred",
        choices=EVIDENCE_LEVELS,
        help="lowest evidence level whose failures fail the run (inferred < documented < model)",
    )
    group.addoption("--expectations", default=None, type=Path, help="expectations file (known failures of the target)")
    group.addoption(
        "--scenarios",
        action="append",
        default=[],
        type=Path,
        help="another directory of scenario files to run (repeatable)",
    )
    group.addoption("--report-dir", default=Path("reports"), type=Path, help="where reports/<target>/ is written")
    group.addoption(
        "--mask-accounts",
        action="store_true",
        default=False,
        help="replace 12-digit account ids in the report folder with placeholders (<account:creator>)",
    )
    group.addoption("--run-id", default=None, help="run id used in resource names and tags (default: random)")
    group.addoption(
        "--connect-timeout",
        default=None,
        type=float,
        help=f"seconds to wait for a connection (default {DEFAULT_CONNECT_TIMEOUT:g}, or the target config's)",
    )
    group.addoption(
        "--read-timeout",
        default=None,
        type=float,
        help=f"seconds to wait for each read of a response (default {DEFAULT_READ_TIMEOUT:g}, or the target config's)",
    )
    group.addoption(
        "--call-deadline",
        default=None,
        type=float,
        help=f"seconds a whole call may take, however slowly the answer comes (default {DEFAULT_CALL_DEADLINE:g})",
    )
    group.addoption(
        "--max-response-bytes",
        default=None,
        type=_size_option,
        help="the largest response body read, in bytes or like 8MiB (default 8MiB); a larger one is ERROR",
    )
    group.addoption(
        "--record",
        action="store_true",
        default=False,
        help="save every scenario's normalised responses under --recordings/<target>/ (golden recordings)",
    )
    group.addoption("--recordings", default=Path("recordings"), type=Path, help="folder of golden recordings")
    group.addoption(
        "--against-recording",
        default=None,
        type=Path,
        help="compare every scenario with the recording in this folder (e.g. recordings/aws) and fail on differences",
    )
    group.addoption(
        "--emulator-defect",
        action="append",
        default=[],
        help="break the reference emulator on purpose (see `cleanrooms-conformance defects`); for self-tests",
    )
    group.addoption(
        "--emulator-reading",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="make the reference emulator answer a point AWS leaves open another defensible way, e.g. "
        "patterns=smithy, unknown_ids=access-denied, bad_json=serialization, api_version=2025-09-03 "
        "(repeatable; see docs/emulator-readings.md)",
    )
    group.addoption(
        "--fuzz-profile",
        default="quick",
        choices=PROFILES,
        help="fuzzing budget: quick (default, for CI) or thorough (nightly)",
    )
    group.addoption("--seed", default=None, type=int, help="make the fuzz checks' random choices repeatable")
    group.addoption(
        "--compare-target",
        default=None,
        help="also send the generated inputs to this target and report where the answers differ",
    )
    group.addoption(
        "--fuzz-operation",
        action="append",
        default=[],
        help="fuzz this operation (repeatable; default: the core collaboration and change-request operations)",
    )
    group.addoption(
        "--fuzz-check-budget",
        default=None,
        type=_seconds,
        metavar="SECONDS",
        help="time one fuzz check may take before it stops (default: quick 30, thorough 300; 0: no limit)",
    )
    group.addoption(
        "--fuzz-run-budget",
        default=None,
        type=_seconds,
        metavar="SECONDS",
        help="time the fuzz checks of a run may take together, per process; checks not started by then are not run"
        " (default: quick 300, thorough 3600; 0: no limit)",
    )
    group.addoption(
        "--fuzz-on-aws",
        action="store_true",
        default=False,
        help="allow the fuzz checks against --target=aws (they create many resources)",
    )


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also refuses nan
        raise ValueError(text)
    return value


def _size_option(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
