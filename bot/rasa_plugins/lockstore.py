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

A ticket is also a lease. Rasa gives every ticket the lock's whole lifetime (60 s), so a
replica killed while it held a conversation's lock stopped that conversation for a minute:
each later message waited behind the dead replica's ticket. Here a ticket lives
`lease_seconds` (5 s) and a thread of the replica that holds or awaits it renews it every
third of that, up to the lock's lifetime as before. A dead replica (or one cut off from
Redis) renews nothing, so its tickets lapse within the lease and the conversation is
answered by another replica a few seconds later. The thread, not the event loop, renews:
Rasa's NLU can keep the loop busy for longer than a lease on a loaded host.

A replica cut off from the network is not dead: when its link comes back, the message it
was handling goes on, after another replica has answered it. `lock_still_held()` tells the
task that holds a conversation's lock whether its ticket is still the one being served;
bot.rasa_plugins.tracker_store checks it right before writing the conversation, so the
late replica's turn is never stored (a fence).

This is an adapter (it subclasses a Rasa class), like bot/rasa_plugins/nlg.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from collections import deque
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, AsyncGenerator, Dict, Optional, Tuple

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

# ARGV: ticket, lease_ms. Extends a live ticket to now + lease; 1 if it was there, else 0.
_RENEW = (
    _PRELUDE
    + """
local pos = position(ARGV[1])
if pos > 0 then
  local expires = now + tonumber(ARGV[2])
  if expires > tonumber(live[pos][2]) then live[pos][2] = expires end
end
store()
if pos > 0 then return 1 else return 0 end
"""
)

# Seconds a ticket lives without renewal: how long a dead replica can hold a conversation.
DEFAULT_LEASE_SECONDS = 5.0

# The lock the current task holds: (store, conversation id, ticket).
_held: ContextVar[Optional[Tuple[AtomicRedisLockStore, str, int]]] = ContextVar(
    "madadgar_held_lock", default=None
)


def lock_still_held() -> bool:
    """False when the conversation lock this task held has lapsed meanwhile (or Redis
    cannot say); True when it is still served, or when the task holds no lock."""
    held = _held.get()
    if held is None:
        return True
    store, conversation_id, ticket = held
    try:
        return store.serving(conversation_id, ticket)
    except (redis.RedisError, LockError):
        return False


# Retry only commands that are safe to repeat: all four scripts are idempotent.
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
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
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
            lease_seconds = float(options.get("lease_seconds", lease_seconds))
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
        self._renew = self.red.register_script(_RENEW)
        self.lease_seconds = lease_seconds
        self._renewer = _Renewer(self)
        super().__init__()

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    # ------------------------------------------------------------ atomic operations
    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Queue a new ticket for the conversation and return it (alive for one lease, or
        `lock_lifetime` if shorter; `lock` renews it)."""
        ticket = secrets.randbelow(10**15)
        lease = min(lock_lifetime, self.lease_seconds)
        try:
            self._issue(keys=[self._key(conversation_id)], args=[ticket, int(lease * 1000)])
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

    def serving(self, conversation_id: str, ticket: int) -> bool:
        """True while `ticket` is the conversation's live ticket being served."""
        return int(self._acquire(keys=[self._key(conversation_id)], args=[ticket])) == 1

    def renew(self, conversation_id: str, ticket: int) -> bool:
        """Extend the ticket by one lease from now; False when it had lapsed already."""
        lease_ms = int(self.lease_seconds * 1000)
        return bool(self._renew(keys=[self._key(conversation_id)], args=[ticket, lease_ms]))

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
        """Hold the conversation's lock; waits its turn, polling quickly then backing off.
        The ticket is renewed while waiting and while held, for `lock_lifetime` at most."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        self._renewer.hold(conversation_id, ticket, time.monotonic() + lock_lifetime)
        held = None
        try:
            lock = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            held = _held.set((self, conversation_id, ticket))
            yield lock
        finally:
            if held is not None:
                _held.reset(held)
            self._renewer.drop(conversation_id, ticket)
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


class _Renewer:
    """One daemon thread per lock store renewing the tickets this replica holds or awaits."""

    def __init__(self, store: AtomicRedisLockStore) -> None:
        self.store = store
        self._held: Dict[Tuple[str, int], float] = {}
        self._guard = threading.Lock()
        self._thread: Optional[threading.Thread] = None

    def hold(self, conversation_id: str, ticket: int, until: float) -> None:
        """Renew `ticket` until the monotonic time `until` or until dropped."""
        with self._guard:
            self._held[(conversation_id, ticket)] = until
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="lock-lease-renewer", daemon=True
                )
                self._thread.start()

    def drop(self, conversation_id: str, ticket: int) -> None:
        with self._guard:
            self._held.pop((conversation_id, ticket), None)

    def _run(self) -> None:
        while True:
            time.sleep(self.store.lease_seconds / 3)
            now = time.monotonic()
            with self._guard:
                for key in [k for k, until in self._held.items() if until <= now]:
                    del self._held[key]  # the lock's lifetime is over: let it lapse
                due = list(self._held)
            for conversation_id, ticket in due:
                try:
                    if not self.store.renew(conversation_id, ticket):
                        self.drop(conversation_id, ticket)
                except redis.ConnectionError:
                    # Redis unreachable: the ticket lapses, as a dead replica's would.
                    logger.warning("Could not renew a conversation lock's lease")
                except Exception:  # noqa: BLE001 - the thread must outlive any one failure
                    logger.exception("Could not renew a conversation lock's lease")
