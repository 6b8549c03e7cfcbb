"""Outreach: the citizen's consent per channel, STOP, and staff announcements sent through the outbox."""
