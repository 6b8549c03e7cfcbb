"""Causes of grievances, payment points, pattern cases, spikes and reports to outside parties."""
