"""Tables of the tickets part (filled in by its owner)."""
