"""Failed sign-in counters in Redis, per account and per client address, shared by every process."""

from __future__ import annotations

import hashlib

from podium.platform import jobs


def _keys(email: str, ip: str) -> tuple[str, str]:
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    return f"podium:signin-fail:acct:{account}", f"podium:signin-fail:addr:{ip or '-'}"


async def attempt(*, email: str, ip: str, window_seconds: int, per_account: int, per_address: int) -> int:
    """Count a sign-in attempt, as failed until forgiven, and say how many seconds it must wait (0: go ahead).

    The count comes back from the same atomic INCR that records it, so parallel guesses cannot slip past
    the limit between a check and an increment."""
    account_key, address_key = _keys(email, ip)
    redis = jobs.redis()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(account_key)
        pipe.expire(account_key, window_seconds, nx=True)
        pipe.incr(address_key)
        pipe.expire(address_key, window_seconds, nx=True)
        pipe.ttl(account_key)
        pipe.ttl(address_key)
        account, _, address, _, account_ttl, address_ttl = await pipe.execute()
    waits = []
    if int(account) > per_account:
        waits.append(int(account_ttl))
    if int(address) > per_address:
        waits.append(int(address_ttl))
    return max([*waits, 1]) if waits else 0


async def forgive_attempt(*, email: str, ip: str) -> None:
    """The attempt succeeded: clear the account's count and take it back from the address's."""
    account_key, address_key = _keys(email, ip)
    redis = jobs.redis()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(account_key)
        pipe.decr(address_key)
        await pipe.execute()


async def clear_account(*, email: str) -> None:
    account_key, _address = _keys(email, "")
    await jobs.redis().delete(account_key)
