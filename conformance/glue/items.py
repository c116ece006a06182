"""What every conformance item does at its end, whatever its kind: keep its records, and end as its verdict says.

A scenario item and a fuzz item differ in what they run; from the verdict on they share this code: the records
are redacted and stored for the transport (:mod:`conformance.glue.transport`), JUnit gets a few properties,
Allure its labels, and the verdict becomes pytest's pass, fail, skip or xfail.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import pytest
from _pytest._code.code import TerminalRepr

from conformance.glue.session import RECORDS, Session
from conformance.item_records import ItemRecords
from conformance.report.allure import allure_labels
from conformance.report.redact import redact_text
from conformance.verdict import Verdict


class ItemFailure(Exception):
    """Raised by a conformance item that failed; its text is redacted as it is made (see ``report/redact.py``).

    The text reaches the terminal, JUnit (through ``repr_failure``) and Allure (which reads the exception itself),
    so the exception is the one place all three take it from.
    """

    def __init__(self, message: str) -> None:
        super().__init__(redact_text(message))


class ScenarioFailure(ItemFailure):
    """Raised by a scenario item that failed; carries the formatted failure text."""


class FuzzFailure(ItemFailure):
    """A fuzz item that found something (the message lists it)."""


class ConformanceItem(pytest.Item):
    """What scenario and fuzz items share: a failure shown as the item's own account, never a glue traceback."""

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | TerminalRepr:
        # The item's own account is the whole story; a Python traceback of the glue would only hide it (and
        # formatting one costs ~0.2 s per item, which made large XFAIL runs slow).
        if isinstance(excinfo.value, ItemFailure | pytest.xfail.Exception):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)


def xfail(message: str) -> NoReturn:
    """End an item as an expected failure, with its text redacted (as :class:`ItemFailure` does)."""
    pytest.xfail(redact_text(message))


def conclude(verdict: Verdict, failure: type[ItemFailure]) -> None:
    """End the running item as ``verdict`` says: fail, xfail, skip, or return (a pass)."""
    if verdict.failed:
        raise failure(verdict.message)
    if verdict.xfail:
        xfail(verdict.message)
    if verdict.skipped:
        pytest.skip(verdict.message)


def keep(item: pytest.Item, records: ItemRecords, state: Session, *properties: tuple[str, str]) -> ItemRecords:
    """Store ``item``'s records (redacted here: whatever is made from them later cannot carry a secret).

    ``properties`` are small facts for JUnit's ``<properties>``; the records themselves travel separately.
    """
    clean = records.redacted()
    item.stash[RECORDS] = clean
    item.user_properties.extend(properties)
    if item.config.getoption("allure_report_dir", None):
        _annotate_allure(clean, state)
    return clean


def _annotate_allure(records: ItemRecords, state: Session) -> None:
    """Allure labels and request/response attachments, when allure-pytest is installed and --alluredir given."""
    try:
        import allure
    except ImportError:  # the [allure] extra is optional; --alluredir alone then only gets pytest's basics
        return
    checks = records.checks
    for name, value in allure_labels(records.scenario, [str(c.operation) for c in checks]):
        allure.dynamic.label(name, value)  # type: ignore[no-untyped-call]  # allure-python has no annotations here
    allure.dynamic.parameter("target", state.target_name)
    for check in checks:
        body = json.dumps({"request": check.request, "response": check.response}, indent=2, default=str)
        name = f"step {check.step} {check.operation} as {check.actor}: {check.outcome}"
        allure.attach(body, name=name, attachment_type=allure.attachment_type.JSON)
