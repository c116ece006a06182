"""The one crossing of an item's records between processes: JSON on ``user_properties``, from worker to controller.

xdist replays each worker's reports in the controller and carries ``user_properties`` with them, so an item's
frozen records are serialised once, when its report is made, and read back once, by the process that writes the
report (the controller, or the only process). They are taken off the report there, first, so that JUnit and other
plugins never copy whole requests and responses into their files.
"""

from __future__ import annotations

import pytest

from conformance.glue.session import RECORD_KEY, RECORDS
from conformance.item_records import ItemRecords


def send(item: pytest.Item, report: pytest.TestReport) -> None:
    """Attach ``item``'s records (if it made any) to its call report."""
    records = item.stash.get(RECORDS, None)
    if records is not None:
        report.user_properties.append((RECORD_KEY, records.to_payload()))


def receive(report: pytest.TestReport) -> ItemRecords | None:
    """Take the records off ``report`` (None when its item made none); other properties stay."""
    found: ItemRecords | None = None
    kept = []
    for key, value in report.user_properties:
        if key == RECORD_KEY:
            found = ItemRecords.from_payload(str(value))
        else:
            kept.append((key, value))
    report.user_properties = kept
    return found
