"""Fuzzing from the service model: strategies, properties, the stateful machine, schemathesis wiring."""
