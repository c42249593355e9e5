"""The shared cache: Redis, which the booking pages' and the API's rate limits count in.

A Redis that cannot be reached must not take online booking down with it (README,
"Degraded modes"): `FailOpenRedisCache` answers as an empty cache that keeps nothing —
a read finds nothing, a write is dropped, a count cannot be taken — and logs a warning
(at most once a minute per process). The rate limits then let requests through
(RATELIMIT_FAIL_OPEN, and DRF's throttles find no history) until Redis is back.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "The cache (Redis) cannot be reached (%s: %s): rate limits are not applied "
            "until it is back.",
            operation,
            error,
        )


class FailOpenRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            _warn("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            _warn("get_many", error)
            return {}

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            _warn("add", error)
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            _warn("set", error)
            return None

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            _warn("set_many", error)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            _warn("touch", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            _warn("incr", error)
            # What a cache says of a count it does not hold; the rate limit then fails open.
            raise ValueError(f"Key '{key}' not found: the cache cannot be reached.") from error

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            _warn("delete", error)
            return False

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            _warn("has_key", error)
            return False


# --- Generations ----------------------------------------------------------------------
# A generation names the current state of something other answers are computed from: an
# answer stored under a key carrying the generation is never read once it changes. The
# team's generation changes when someone joins, leaves or changes role (accounts), which
# the diary's cached free times depend on (scheduling.availability_cache).

TEAM_GENERATION = "generation:team"


def new_generation(*keys: str) -> None:
    """Give these generations a new value now, and again once the current transaction
    commits (an answer computed from what was read before the commit is then not used).
    A cache that fails is logged and the write goes on."""
    import uuid

    from django.core.cache import cache
    from django.db import transaction

    def renew():
        try:
            cache.set_many(dict.fromkeys(keys, uuid.uuid4().hex), timeout=None)
        except Exception:  # the cache failing must not fail the write
            logger.warning("Could not renew %s in the cache", ", ".join(keys), exc_info=True)

    renew()
    transaction.on_commit(renew)


def team_changed() -> None:
    """Someone joined or left the team, or changed role."""
    new_generation(TEAM_GENERATION)
