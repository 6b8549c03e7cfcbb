"""Writes the Rasa credentials file that enables `rest` and the configured channels."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Union

import yaml

from bot.channels.config import CHANNELS, missing_settings
from bot.core.settings import Settings

logger = logging.getLogger(__name__)

# Our connectors, by Rasa channel name. Their secrets come from the environment, so
# each entry in the file is empty ({}).
CONNECTORS = {
    # Rasa's `rest` with CNICs vaulted (bot.channels.rest), at the same path.
    "rest": "bot.channels.rest.VaultedRestInput",
    "twilio": "bot.channels.twilio_messaging.TwilioMessagingInput",
    "twilio_voice": "bot.channels.twilio_voice.TwilioVoiceInput",
    "telegram": "bot.channels.telegram.TelegramInput",
}


def credentials_for(settings: Settings) -> Dict[str, Any]:
    """The credentials mapping: rest, plus each channel whose settings are present."""
    data: Dict[str, Any] = {CONNECTORS["rest"]: {}}
    for channel in CHANNELS:
        missing = missing_settings(channel, settings)
        if missing:
            logger.info("Channel %s not started: set %s", channel, ", ".join(missing))
        else:
            data[CONNECTORS[channel]] = {}
    return data


def write_credentials(path: Union[str, Path], settings: Settings) -> List[str]:
    """Write the credentials YAML to `path`; return the channel names it enables."""
    data = credentials_for(settings)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    header = "# Written by bot.channels.credentials; secrets are read from the environment.\n"
    target.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    names = {v: k for k, v in CONNECTORS.items()}
    return [names.get(key, key) for key in data]
