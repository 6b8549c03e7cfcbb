"""Live takeover: staff answer a citizen in her own conversation while the assistant waits."""
