"""Keeping the helpline up: supervised processes, their status, backups."""
