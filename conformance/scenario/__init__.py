"""Scenario files: schema, loading with line numbers, templating, matchers and the step runner."""
