"""Stay under Intuit's per-realm limits (500 requests/minute, 10/second) across all workers.

A sliding window per realm in Redis, checked and taken atomically by a Lua script, so several worker
processes on several machines share one budget. Waiting here is cheaper than a 429, after which
Intuit asks for a 60-second pause.
"""
from __future__ import annotations

import time
import uuid

from flask import current_app

from webapp.queues import redis_connection

# KEYS[1] window key; ARGV: now, per_second, per_minute, member. Returns 0 when taken, else ms to wait.
_TAKE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, now - 60)
local last_second = redis.call('ZCOUNT', KEYS[1], now - 1, now)
local last_minute = redis.call('ZCARD', KEYS[1])
if last_second < tonumber(ARGV[2]) and last_minute < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('EXPIRE', KEYS[1], 61)
  return 0
end
local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], now - 1, now, 'LIMIT', 0, 1)
if last_second >= tonumber(ARGV[2]) and oldest[1] then
  return math.max(1, math.ceil((tonumber(redis.call('ZSCORE', KEYS[1], oldest[1])) + 1 - now) * 1000))
end
return 1000
"""


def take(realm_id: str) -> float:
    """Block until a request to this realm may be sent; returns the seconds waited."""
    conn = redis_connection()
    script = conn.register_script(_TAKE)
    per_second = current_app.config.get("QBO_REQUESTS_PER_SECOND", 8)
    per_minute = current_app.config.get("QBO_REQUESTS_PER_MINUTE", 450)
    waited = 0.0
    member = uuid.uuid4().hex
    while True:
        wait_ms = script(keys=[f"cc:qbo-rate:{realm_id}"], args=[time.time(), per_second, per_minute, member])
        if not wait_ms:
            return waited
        pause = min(int(wait_ms), 2000) / 1000
        time.sleep(pause)  # production back-pressure: the budget frees up with time, nothing to await
        waited += pause
