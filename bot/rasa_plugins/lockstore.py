"""Rasa lock store whose ticket operations are single atomic Redis scripts (several replicas).

Rasa 3.6's `RedisLockStore` reads the conversation's lock with GET, changes it in Python and
writes it back with SET. Two replicas receiving messages of one conversation at the same time
can both read "no lock", both write a lock holding only their own ticket, and then both
believe they are first in line: the two messages are processed at once and the tracker is
written twice. Here every read-modify-write is one Lua script, so Redis serialises them.

Use it from endpoints.yml:

    lock_store:
      type: bot.rasa_plugins.lockstore.AtomicRedisLockStore
      url: 127.0.0.1
      port: 6379
      db: 0
      key_prefix: madadgar

This is an adapter (it subclasses a Rasa class), like bot/rasa_plugins/nlg.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    LOCK_LIFETIME,
    LockError,
    LockStore,
)
from rasa.utils.endpoints import EndpointConfig
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

# The stored value: {"tickets": [[ticket, expires_ms], ...]} in issue order; the first live
# ticket is the one being served. Tickets are random decimal strings (unique, so a retried
# or late call can never act on someone else's ticket). Time is Redis's own clock, so
# replicas with skewed clocks agree on expiry.
_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local live = {}
local raw = redis.call('GET', KEYS[1])
if raw then
  for _, tk in ipairs(cjson.decode(raw)['tickets']) do
    if tonumber(tk[2]) > now then table.insert(live, tk) end
  end
end
local function store()
  if #live == 0 then redis.call('DEL', KEYS[1]); return end
  local last = now
  for _, tk in ipairs(live) do if tk[2] > last then last = tk[2] end end
  redis.call('SET', KEYS[1], cjson.encode({tickets = live}), 'PX', last - now + 1000)
end
local function position(ticket)
  for i, tk in ipairs(live) do if tk[1] == ticket then return i end end
  return 0
end
"""

# ARGV: ticket, lifetime_ms. Idempotent: issuing the same ticket twice queues it once.
_ISSUE = (
    _PRELUDE
    + """
if position(ARGV[1]) == 0 then
  table.insert(live, {ARGV[1], now + tonumber(ARGV[2])})
end
store()
return #live
"""
)

# ARGV: ticket. 1 = this ticket is served now, 0 = wait, -1 = ticket gone (expired).
_ACQUIRE = (
    _PRELUDE
    + """
local pos = position(ARGV[1])
store()
if pos == 1 then return 1 elseif pos == 0 then return -1 else return 0 end
"""
)

# ARGV: ticket. Removes it (and expired ones); deletes the key when nobody waits.
_RELEASE = (
    _PRELUDE
    + """
local pos = position(ARGV[1])
if pos > 0 then table.remove(live, pos) end
store()
return #live
"""
)

# Retry only commands that are safe to repeat: all three scripts are idempotent.
_RETRY_ERRORS = [redis.ConnectionError, redis.TimeoutError]


class AtomicRedisLockStore(LockStore):
    """First-come-first-served conversation locks kept in Redis, changed only by Lua scripts."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        host: str = "localhost",
        port: int = 6379,
        db: int = 0,
        username: Optional[str] = None,
        password: Optional[str] = None,
        use_ssl: bool = False,
        key_prefix: Optional[str] = None,
        socket_timeout: float = DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
        poll_interval: float = 0.01,
        **_: Any,
    ) -> None:
        if endpoint_config is not None:
            # Rasa builds custom lock stores as cls(endpoint_config=...).
            options = dict(endpoint_config.kwargs)
            host = endpoint_config.url or host
            port = int(options.get("port", port))
            db = int(options.get("db", db))
            username = options.get("username", username)
            password = options.get("password", password)
            use_ssl = bool(options.get("use_ssl", use_ssl))
            key_prefix = options.get("key_prefix", key_prefix)
            socket_timeout = float(options.get("socket_timeout", socket_timeout))
            poll_interval = float(options.get("poll_interval", poll_interval))
        self.red = redis.Redis(
            host=host,
            port=int(port),
            db=int(db),
            username=username,
            password=password,
            ssl=use_ssl,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.02), 10),
            retry_on_error=_RETRY_ERRORS,
        )
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        if key_prefix and str(key_prefix).isalnum():
            self.key_prefix = f"{key_prefix}:{DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX}"
        self.poll_interval = poll_interval
        self._issue = self.red.register_script(_ISSUE)
        self._acquire = self.red.register_script(_ACQUIRE)
        self._release = self.red.register_script(_RELEASE)
        super().__init__()

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    # ------------------------------------------------------------ atomic operations
    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Queue a new ticket for the conversation and return it."""
        ticket = secrets.randbelow(10**15)
        try:
            self._issue(keys=[self._key(conversation_id)], args=[ticket, int(lock_lifetime * 1000)])
        except redis.RedisError as e:
            raise LockError(f"Error while issuing a lock ticket: {e}") from e
        return ticket

    def try_acquire(self, conversation_id: str, ticket: int) -> bool:
        """True when `ticket` is first in line; LockError when it expired meanwhile."""
        try:
            state = int(self._acquire(keys=[self._key(conversation_id)], args=[ticket]))
        except redis.RedisError as e:
            raise LockError(f"Error while acquiring lock: {e}") from e
        if state < 0:
            raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
        return state == 1

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket; the key disappears with its last ticket."""
        self._release(keys=[self._key(conversation_id)], args=[ticket_number])

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Release the ticket (one atomic step, unlike the stock finish-then-delete)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except redis.RedisError:
            # The ticket expires by itself after its lifetime; never mask the real outcome.
            logger.exception("Could not release the lock of a conversation")

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock; waits its turn, polling quickly then backing off."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        delay = min(self.poll_interval, wait_time_in_seconds)
        while not self.try_acquire(conversation_id, ticket):
            await asyncio.sleep(delay)
            delay = min(delay * 2, wait_time_in_seconds)
        return self.get_lock(conversation_id) or TicketLock(conversation_id)

    # ------------------------------------------------------------ inspection (not on the hot path)
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        """The conversation's queue as a Rasa TicketLock (expiry in seconds)."""
        raw = self.red.get(self._key(conversation_id))
        if not raw:
            return None
        tickets = [
            Ticket(int(number), float(expires) / 1000)
            for number, expires in json.loads(raw)["tickets"]
        ]
        return TicketLock(conversation_id, deque(t for t in tickets if not t.has_expired()))

    def update_lock(self, conversation_id: str) -> None:
        """Expired tickets are dropped by every script; nothing else to do."""

    def save_lock(self, lock: TicketLock) -> None:
        """Overwrite a conversation's queue (tests and tools only: not atomic)."""
        tickets = [[str(t.number), int(t.expires * 1000)] for t in lock.tickets]
        ttl = max([t.expires for t in lock.tickets], default=time.time()) - time.time()
        self.red.set(
            self._key(lock.conversation_id),
            json.dumps({"tickets": tickets}),
            px=max(int(ttl * 1000) + 1000, 1000),
        )

    def delete_lock(self, conversation_id: str) -> None:
        deleted = self.red.delete(self._key(conversation_id))
        self._log_deletion(conversation_id, bool(deleted))
