"""Short failures in the terminal: without ``-v`` each failing item shows its first cause and where the report is.

The full text stays what JUnit, Allure and xdist copy; only what the terminal prints is shortened.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _pytest._code.code import TerminalRepr


class QuietFailure(TerminalRepr):
    """A failure shown in the terminal by its first lines and where the report has the rest.

    ``str()`` (what JUnit, Allure and xdist copy) stays the full text; only the terminal gets the short form.
    """

    def __init__(self, full: str, short: list[str], link: Callable[[], str]) -> None:
        self.full = full
        self.short = short
        self.link = link

    def __str__(self) -> str:
        return self.full

    def toterminal(self, tw: Any) -> None:
        for line in self.short:
            tw.line(line)
        tw.line(f"  details: {self.link()}")


def first_lines(message: str, width: int = 200) -> list[str]:
    """The headline of a failure and its first cause.

    The cause is the first ``[kind, level] ...`` line (a scenario's ``- [expectation, model: MODEL] ...``, a fuzz
    finding's ``[accepted-invalid, model] ...``), else the line after the headline; a second headline-like line
    (a fuzz item's ``fuzz:negative:CreateCollaboration: FAIL (...)``) is kept as well.
    """
    lines = [line for line in message.splitlines() if line.strip()]
    if not lines:
        return []
    picked = [lines[0]]
    if len(lines) > 1 and not lines[1][:1].isspace():
        picked.append(lines[1])
    causes = [line for line in lines[1:] if line.lstrip().removeprefix("- ").startswith("[")]
    cause = causes[0] if causes else next((line for line in lines[1:] if line not in picked), None)
    if cause is not None:
        picked.append(cause)
    return [line if len(line) <= width else line[: width - 3] + "..." for line in picked]


class QuietFailures:
    """Without ``-v``, each failing item of the suite takes a few lines in the terminal, not its whole account.

    Registered in the process that prints (the xdist controller, or the only one); runs last, after JUnit and
    Allure have taken the full text and the captured output from the report.
    """

    def __init__(self, report_paths: Callable[[], list[Path]]) -> None:
        self.report_paths = report_paths
        self.scenario_ids: dict[str, str] = {}
        self.shortened = 0

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        scenario_id = self.scenario_ids.get(report.nodeid)
        if scenario_id is None or not report.failed or report.when != "call":
            return
        full = str(report.longrepr)
        report.longrepr = QuietFailure(full, first_lines(full), lambda: self.link(scenario_id))
        # Captured output (schemathesis' progress, a server's tracebacks) is in the report and under -v.
        report.sections = []
        self.shortened += 1

    def link(self, scenario_id: str) -> str:
        from conformance.report.render import anchor

        pages = [path for path in self.report_paths() if path.name == "index.html"]
        return f"{pages[0]}#{anchor('f-', scenario_id)}" if pages else "the report (not written)"
