"""Keeping CNICs and phone numbers out of conversations and logs: the CNIC vault, log masking."""
