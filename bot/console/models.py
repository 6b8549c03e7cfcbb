"""Tables of the console part (filled in by its owner)."""
