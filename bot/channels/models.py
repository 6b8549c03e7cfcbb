"""Tables of the channels part (filled in by its owner)."""
