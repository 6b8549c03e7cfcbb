"""PCMS-grade complaint tickets: intake, routing, deadlines, escalation and notifications.

Import the services from `bot.tickets.service` (tickets), `bot.tickets.notify` (what the
citizen is told, queued in the core outbox), `bot.tickets.escalation` /
(time-driven work, run by `bot.ops.scheduler`) and `bot.tickets.stats` (queue figures).
Nothing here touches a database at import.
"""
