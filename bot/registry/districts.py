"""Temporary: actions/ still imports districts from here until it is rebased (see bot.core.districts)."""

from bot.core.districts import District, find_district, load_districts

__all__ = ["District", "find_district", "load_districts"]
