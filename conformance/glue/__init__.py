"""The pytest side of the suite: options, session state, collection, items, the xdist transport and the summary.

``conformance/plugin.py`` (the ``pytest11`` entry point) registers these modules; everything here translates
between pytest and the layers below, and the verdicts and records it uses are pytest-free
(``conformance/verdict.py``, ``conformance/item_records.py``).
"""
