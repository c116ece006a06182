"""Shared test configuration: pytester for the black-box plugin tests."""

from __future__ import annotations

pytest_plugins = ["pytester"]
