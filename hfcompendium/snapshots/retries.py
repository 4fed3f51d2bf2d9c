"""Patient HTTP for long crawls: explicit timeouts, server-requested waits, bounded retries.

Both capture clients send every request through `send_with_retries`:

- every request carries an explicit timeout (`RetryPolicy.timeout`), so a stalled
  response raises instead of hanging the crawl forever;
- 429 (rate limited) waits as long as the server asks (the caller says where the
  server puts that: a `RateLimit` header, `Retry-After`, a JSON body), or backs off
  exponentially when it does not say;
- 5xx, 408 and transport errors (timeouts, refused or dropped connections) back off
  exponentially;
- after `max_attempts` attempts, or when a server asks for a wait longer than
  `max_server_wait`, it gives up with a `GaveUpError` that says what happened.

The sleep function is part of the policy so tests run in milliseconds.
"""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass
from typing import Callable, Mapping, Protocol

import httpx
import httpx2


class GaveUpError(RuntimeError):
    """A request kept failing: the crawl stops, its progress is kept, a rerun resumes it."""


class _Response(Protocol):
    status_code: int
    headers: Mapping[str, str]


@dataclass(frozen=True)
class RetryPolicy:
    timeout: float = 30.0            # seconds; connect, read and write each
    max_attempts: int = 8            # attempts per request, the first one included
    backoff_base: float = 2.0        # first back-off wait in seconds, doubled per attempt
    backoff_max: float = 120.0       # longest back-off wait
    max_server_wait: float = 900.0   # longest wait a server may ask for before we stop
    sleep: Callable[[float], None] = time.sleep

    def backoff(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))


# Timeouts, refused and reset connections of either HTTP stack (huggingface_hub uses httpx2).
TRANSIENT_ERRORS = (httpx.TransportError, httpx2.TransportError)


def send_with_retries(
    send: Callable[[], _Response],
    *,
    what: str,
    policy: RetryPolicy,
    server_wait: Callable[[_Response], float | None],
) -> _Response:
    """Call `send()` until it returns a response that is neither 429, 408 nor 5xx.

    `what` names the request in messages (a URL without credentials). `server_wait`
    reads how long the server asks us to wait from a response, or returns None.
    Other error statuses (4xx) are returned for the caller to raise.
    """
    problem = "no attempt made"
    for attempt in range(1, policy.max_attempts + 1):
        try:
            response = send()
        except TRANSIENT_ERRORS as exc:
            detail = str(exc) or "no detail"
            if isinstance(exc, (httpx.TimeoutException, httpx2.TimeoutException)):
                detail = f"no response within the {policy.timeout:g} s timeout ({detail})"
            problem = f"{type(exc).__name__}: {detail}"
            wait = policy.backoff(attempt)
        else:
            status = response.status_code
            if status != 429 and status != 408 and status < 500:
                return response
            problem = f"HTTP {status}" + (" (rate limited)" if status == 429 else "")
            asked = server_wait(response)
            if asked is not None and asked > policy.max_server_wait:
                raise GaveUpError(
                    f"Giving up on {what}: the server asks to wait {asked:.0f} s ({problem}), longer than "
                    f"the configured limit of {policy.max_server_wait:.0f} s. Progress so far is saved; "
                    "rerun the same command later to resume."
                )
            wait = asked if asked is not None else policy.backoff(attempt)
        if attempt < policy.max_attempts:
            policy.sleep(wait)
    raise GaveUpError(
        f"Giving up on {what} after {policy.max_attempts} attempts; last problem: {problem}. "
        "Progress so far is saved; rerun the same command to resume."
    )


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """`Retry-After` as seconds: either a number of seconds or an HTTP date."""
    value = _header(headers, "retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


_RATELIMIT_RESET = re.compile(r"(?:^|[;,\s])t\s*=\s*(\d+(?:\.\d+)?)")


def ratelimit_reset_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds until the window resets, from a `RateLimit: "api";r=0;t=55` header.

    huggingface_hub's parser is tried first; a plainer `...;t=55` that it does not
    accept is still read, since the Hub has changed this header's form before.
    """
    from huggingface_hub.utils import parse_ratelimit_headers

    info = parse_ratelimit_headers(headers)
    if info is not None:
        return float(info.reset_in_seconds)
    value = _header(headers, "ratelimit")
    match = _RATELIMIT_RESET.search(value or "")
    return float(match.group(1)) if match else None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key in headers:
        if key.lower() == name:
            return headers[key]
    return None


class Throttle:
    """Keeps requests at most `rate` per second, to stay polite to a server."""

    def __init__(self, rate: float | None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.interval = 1.0 / rate if rate else 0.0
        self.sleep, self.clock = sleep, clock
        self._last: float | None = None

    def wait(self) -> None:
        if self.interval and self._last is not None:
            remaining = self._last + self.interval - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()
