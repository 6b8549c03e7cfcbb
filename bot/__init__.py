"""Madadgar: helpline assistant for Pakistan's social-protection programmes."""
