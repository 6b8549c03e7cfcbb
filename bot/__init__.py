"""Madadgar: helpline assistant for Pakistan's social-protection programmes."""

# Every process that imports the application (Rasa with our components, the action
# server, console, worker, scripts) masks CNICs and phone numbers in its log records.
from bot.core.logging_setup import install as _install_log_masking

_install_log_masking()
