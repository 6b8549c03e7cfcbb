"""Imports every table module so that Base.metadata knows all tables."""

from bot.assistant import models as assistant_models  # noqa: F401
from bot.channels import models as channel_models  # noqa: F401
from bot.console import models as console_models  # noqa: F401
from bot.privacy import models as privacy_models  # noqa: F401
from bot.registry import models as registry_models  # noqa: F401
from bot.tickets import models as ticket_models  # noqa: F401
