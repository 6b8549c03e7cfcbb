"""Tables of the registry part (filled in by its owner)."""
