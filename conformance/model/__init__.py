"""The botocore service model of AWS Clean Rooms and the checks derived from it (imports botocore only)."""
