"""Black-box: what a real run leaves in its report folder carries no credentials, and can hide account ids."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugin.conftest import CREATE_AND_GET

SECRETS = re.compile(r"AWS4-HMAC-SHA256|Signature=|Credential=|x-amz-security-token|authorization", re.IGNORECASE)
ACCOUNT = re.compile(r"(?<![0-9])(111111111111|222222222222|333333333333|444444444444)(?![0-9])")


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize("mask", [False, True])
def test_no_credentials_in_the_report_folder(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path], mask: bool
) -> None:
    folder = scenario_dir(good=CREATE_AND_GET, bad=CREATE_AND_GET.replace("id: !uuid", "id: nope"))
    reports = pytester.path / "r"
    args = [str(folder), "--target=reference", f"--report-dir={reports}", f"--alluredir={reports / 'allure'}"]
    result = pytester.runpytest(*args, *(["--mask-accounts"] if mask else []))
    result.assert_outcomes(passed=1, failed=1)
    text = _all_text(reports)
    assert "results.json" in " ".join(p.name for p in reports.rglob("*"))
    assert not SECRETS.search(text), SECRETS.search(text)  # results.json, index.html and the Allure files
    if mask:
        assert not ACCOUNT.search(_all_text(reports / "reference-partial"))  # a folder of its own: a partial run
        assert "<account:creator>" in text
    else:
        assert ACCOUNT.search(text)
