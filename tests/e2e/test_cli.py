"""The command line, end to end, in real subprocesses: the README's main command, serve, compare, expectations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

CLI = [sys.executable, "-m", "conformance"]


def _run(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.slow
def test_run_against_the_reference_emulator_writes_the_report(tmp_path: Path) -> None:
    done = _run("run", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = tmp_path / "reports" / "reference"
    results = json.loads((report / "results.json").read_text())
    assert len(results["scenarios"]) >= 60
    assert {s["outcome"] for s in results["scenarios"]} == {"PASS"}
    assert (report / "index.html").stat().st_size > 10_000
    assert f"report: {report / 'index.html'}" in done.stdout


@pytest.mark.slow
def test_compare_and_expectations_from_real_runs(tmp_path: Path) -> None:
    assert _run("run", "-q", "-n", "2", "-m", "not fuzz", cwd=tmp_path).returncode == 0
    moto = _run("run", "-q", "--target=moto", "-m", "not fuzz", cwd=tmp_path)
    assert moto.returncode == 1  # moto fails scenarios: a regression-free gate needs an expectations file
    # -m "not fuzz" is a selection: each run's report is in <target>-partial, beside any full run's.
    compared = _run(
        "compare", "reports/reference-partial", "reports/moto-partial", "-o", "reports/compare", cwd=tmp_path
    )
    assert compared.returncode == 0, compared.stderr
    assert (tmp_path / "reports" / "compare" / "compare.html").exists()
    assert "moto" in compared.stdout
    written = _run("expectations", "--from", "reports/moto-partial", "-o", "ci/moto.yaml", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    gated = _run("run", "-q", "--target=moto", "-m", "not fuzz", "--expectations=ci/moto.yaml", cwd=tmp_path)
    assert gated.returncode == 0, gated.stdout[-3000:]


def test_a_run_reads_no_configuration_of_the_folder_the_package_lives_in(tmp_path: Path) -> None:
    """Installed in editable mode, the package lives in a checkout whose pyproject.toml configures pytest for the
    project's own tests (--strict-config, timeout = 300): a run must not pick that up (issue 15)."""
    done = _run("run", "-k", "collaboration-create-basic", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"rootdir: {tmp_path}" in done.stdout
    assert "configfile: " in done.stdout
    assert "pyproject.toml" not in done.stdout
    assert (tmp_path / "reports" / "reference-partial" / "index.html").exists()
    assert not (tmp_path / "reports" / "reference").exists()


def test_usage_and_target_errors_exit_2(tmp_path: Path) -> None:
    assert _run("run", "--target=ftp://nowhere", cwd=tmp_path, timeout=120).returncode == 2
    assert _run("run", "--target=http://127.0.0.1:9", "--connect-timeout=1", cwd=tmp_path, timeout=120).returncode == 2
    assert _run("compare", "no/such/dir", cwd=tmp_path).returncode == 2
    assert _run("frobnicate", cwd=tmp_path).returncode == 2


def test_serve_prints_its_url_and_answers_boto3(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    proc = subprocess.Popen([*CLI, "serve", "--port", "0"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("reference emulator listening on http://127.0.0.1:"), line
        url = line.split()[4]
        client = boto3.client(
            "cleanrooms",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="111111111111",
            aws_secret_access_key="conformance",
            config=Config(retries={"total_max_attempts": 1}),
        )
        assert client.list_collaborations()["collaborationList"] == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_scenarios_and_defects_lists(tmp_path: Path) -> None:
    listed = _run("scenarios", cwd=tmp_path)
    assert listed.returncode == 0
    assert len(listed.stdout.splitlines()) >= 60
    defects = _run("defects", cwd=tmp_path)
    assert "member-can-commit" in defects.stdout


def test_openapi_prints_a_document_of_every_operation(tmp_path: Path) -> None:
    done = _run("openapi", cwd=tmp_path)
    assert done.returncode == 0
    document = json.loads(done.stdout)
    assert document["openapi"].startswith("3.")
    operations = [op for path in document["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert len(operations) == 103
