"""The HTML report of a real run, loaded in headless Chromium: it renders offline and shows its key parts.

Chromium comes from Debian's ``chromium`` package; ``.ci/run`` installs it when it is missing. Outside CI the
test skips with the command to install it; in CI a missing browser is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.plugin.conftest import CREATE_AND_GET

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Elements(HTMLParser):
    """Ids, classes and the text of the rendered DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self.text: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        self.classes.update((values.get("class") or "").split())
        for key in ("src", "href"):
            link = values.get(key) or ""
            if link.startswith(("http://", "https://", "//")):
                self.external.append(link)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    return CHROMIUM


def _dump_dom(page: Path, profile: Path) -> tuple[str, float]:
    started = time.monotonic()
    done = subprocess.run(
        [_chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, time.monotonic() - started


@pytest.mark.slow
def test_report_of_a_failing_run_renders_in_chromium(pytester: pytest.Pytester, tmp_path: Path) -> None:
    folder = pytester.path / "scen"
    folder.mkdir()
    (folder / "good.yaml").write_text(CREATE_AND_GET.lstrip())
    # The response echoes markup; the report must show it as text.
    (folder / "mismatch.yaml").write_text(
        CREATE_AND_GET.lstrip()
        .replace('name: "c-{{ run_id }}"', 'name: "<script>alert(1)</script>"')
        .replace('expect: {collaboration: {id: "{{ collab }}"}}', 'expect: {collaboration: {name: "plain"}}')
    )
    reports = pytester.path / "r"
    result = pytester.runpytest(str(folder), "--target=reference", f"--report-dir={reports}")
    result.assert_outcomes(passed=1, failed=1)
    (page,) = reports.glob("*/index.html")  # a folder of one's own scenarios is a partial run: reference-partial
    dom, seconds = _dump_dom(page, tmp_path / "profile")

    parsed = _Elements()
    parsed.feed(dom)
    text = " ".join(parsed.text)
    assert {"summary", "operations", "failures", "coverage", "scenarios"} <= parsed.ids
    assert "score" in parsed.classes
    assert "mismatch" in text  # the failing scenario is listed with its failure
    assert "<script>alert(1)</script>" in text  # shown as text ...
    assert "pytest " in text  # ... and the command that re-runs it
    assert "GetCollaboration" in text
    assert "<script>alert(1)</script>" not in dom  # ... escaped, never markup
    assert parsed.external == []  # self-contained: nothing fetched from the network
    assert seconds < 60
