"""Where requests go: target specs, actors and credentials, clients, real-AWS guard, ledger and cleanup."""
