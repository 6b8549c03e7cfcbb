"""PCMS-grade complaint tickets: intake, routing, deadlines, escalation and the outbox.

Import the services from `bot.tickets.service` (tickets), `bot.tickets.outbox`
(delivery), `bot.tickets.escalation` / `bot.tickets.scheduler` (time-driven work)
and `bot.tickets.stats` (queue figures). Nothing here touches a database at import.
"""
