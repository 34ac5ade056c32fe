"""Failed sign-in counters in Redis, per account and per client address, shared by every process."""

from __future__ import annotations

import hashlib

from podium.platform import jobs


def _keys(email: str, ip: str) -> tuple[str, str]:
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    return f"podium:signin-fail:acct:{account}", f"podium:signin-fail:addr:{ip or '-'}"


async def is_locked(*, email: str, ip: str, per_account: int, per_address: int) -> int:
    """Seconds until the next attempt is allowed, or 0."""
    account_key, address_key = _keys(email, ip)
    redis = jobs.redis()
    account, address = await redis.mget(account_key, address_key)
    waits = []
    if account is not None and int(account) >= per_account:
        waits.append(await redis.ttl(account_key))
    if address is not None and int(address) >= per_address:
        waits.append(await redis.ttl(address_key))
    return max([w for w in waits if w > 0], default=0) if waits else 0


async def record_failure(*, email: str, ip: str, window_seconds: int) -> None:
    redis = jobs.redis()
    async with redis.pipeline(transaction=True) as pipe:
        for key in _keys(email, ip):
            pipe.incr(key)
            pipe.expire(key, window_seconds, nx=True)
        await pipe.execute()


async def clear_account(*, email: str) -> None:
    account_key, _address = _keys(email, "")
    await jobs.redis().delete(account_key)
