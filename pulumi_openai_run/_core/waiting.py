"""Every wait the provider does, as tenacity policies; no other module sleeps.

* :func:`poll_until` polls a run on an adaptive schedule until it is done or a deadline passes,
  honouring the server's ``openai-poll-after-ms`` hint.
* :func:`with_retries` repeats a call on transient errors with exponential backoff and jitter,
  honouring ``Retry-After``, within a deadline.

Time comes from :data:`clock`, which tests may replace with a fake clock. Ctrl-C (the engine's ``Cancel``)
reaches every wait: the system clock's sleep wakes at once, and both then raise
:class:`~pulumi_openai_run._core.interrupt.Interrupted` (see ``interrupt.py``; waits within
``interrupt.uninterruptible()`` run their course).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import tenacity

from pulumi_openai_run._core import interrupt
from pulumi_openai_run._core.interrupt import Interrupted

__all__ = ["Interrupted"]  # waits raise it; re-exported for their callers

T = TypeVar("T")

TRANSIENT_RETRY_CEILING = 120.0
"""Seconds that transient errors are retried for, when no completion_window bounds the call."""
BUSY_THREAD_CEILING = 600.0
"""Seconds a create waits for its thread's active run to end, when no completion_window is given
(the API expires a run after 10 minutes, so a thread is never busy for longer)."""
LAST_LOOK_CEILING = 30.0
"""Seconds a failed create spends on one last look for a run its lost request may have made."""
CANCEL_CEILING = 120.0
"""Seconds a cancel waits for the server to report the run cancelled."""

FIRST_POLLS = (0.75,)
"""The first wait after creating a run. openai-python's helper looks at once (the run is still
queued: a wasted request) and then every second; a first look at 0.75 s catches sub-second runs
sooner with fewer requests."""
STEADY_POLL = 1.0
"""Then one poll a second, like openai-python's own poll helper ..."""
STEADY_FOR = 10.0
"""... for this many seconds, after which the interval grows by GROWTH up to MAX_POLL."""
GROWTH = 1.25
MAX_POLL = 5.0


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        interrupt.sleep(seconds)  # wakes at once when interrupted


clock: Clock = SystemClock()


def pause(seconds: float, deadline: Deadline | None = None) -> None:
    """Wait ``seconds`` on :data:`clock` (no later than ``deadline``, if given); raise :class:`Interrupted` if
    interrupted, before or during the wait."""
    if deadline is not None:
        seconds = min(seconds, deadline.remaining())
    interrupt.check()
    clock.sleep(max(0.0, seconds))
    interrupt.check()


class Deadline:
    """A point in time on :data:`clock`; ``None`` seconds means no deadline."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._start = clock.monotonic()

    def elapsed(self) -> float:
        return clock.monotonic() - self._start

    def remaining(self) -> float:
        if self.seconds is None:
            return float("inf")
        return max(0.0, self.seconds - self.elapsed())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def capped(self, seconds: float) -> Deadline:
        """A deadline no later than this one and no more than ``seconds`` from now."""
        return Deadline(min(seconds, self.remaining()))


class WindowElapsed(Exception):
    """The deadline passed before the awaited condition held; ``last`` is the last value seen."""

    def __init__(self, last: object) -> None:
        super().__init__("deadline passed")
        self.last = last


@dataclass(frozen=True)
class Polled:
    """What one poll saw, with the server's hint (seconds) for when to poll next, if it gave one."""

    done: bool
    poll_after: float | None = None


def poll_interval(attempt: int, elapsed: float, hint: float | None) -> float:
    """The wait before poll number ``attempt + 1``, ``elapsed`` seconds into waiting."""
    if hint is not None and hint > 0:
        return hint
    if attempt <= len(FIRST_POLLS):
        return FIRST_POLLS[attempt - 1]
    if elapsed < STEADY_FOR:
        return STEADY_POLL
    growth_steps = (elapsed - STEADY_FOR) / STEADY_POLL
    return float(min(MAX_POLL, STEADY_POLL * GROWTH ** max(1.0, growth_steps / 4)))


def poll_until(fetch: Callable[[], tuple[T, Polled]], deadline: Deadline, seen: Polled | None = None) -> T:
    """Call ``fetch`` until it reports done; raise :class:`WindowElapsed` when the deadline passes, and
    :class:`Interrupted` when ``pulumi up`` is.

    ``seen``: what the caller already knows (e.g. the create's answer), so the first look waits for
    the schedule instead of asking again at once. The last poll happens at the deadline itself, so a
    run that finishes just in time counts.
    """
    looked = 0
    if seen is not None:
        looked = 1
        pause(min(poll_interval(1, deadline.elapsed(), seen.poll_after), deadline.remaining()))

    def wait(state: tenacity.RetryCallState) -> float:
        _, polled = state.outcome.result()  # type: ignore[union-attr]
        interval = poll_interval(state.attempt_number + looked, deadline.elapsed(), polled.poll_after)
        return min(interval, deadline.remaining())

    def give_up(state: tenacity.RetryCallState) -> T:
        value, _ = state.outcome.result()  # type: ignore[union-attr]
        raise WindowElapsed(value)

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_result(lambda result: not result[1].done),
        wait=wait,
        stop=lambda state: deadline.expired(),
        sleep=pause,
        retry_error_callback=give_up,
    )
    value, _ = retrying(fetch)
    return value


def backoff(attempt: int, retry_after: float | None, deadline: Deadline) -> float:
    """Exponential backoff with full jitter (0.5 s doubling to 20 s), or the server's Retry-After."""
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, deadline.remaining())
    ceiling = min(20.0, 0.5 * 2 ** (attempt - 1))
    return min(random.uniform(ceiling / 2, ceiling), deadline.remaining())


def with_retries(
    call: Callable[[], T],
    deadline: Deadline,
    should_retry: Callable[[BaseException], bool],
    retry_after: Callable[[BaseException], float | None],
) -> T:
    """``call()``, repeated while it raises what ``should_retry`` accepts and the deadline allows.

    The last error is re-raised as it is when the deadline passes; :class:`Interrupted` when ``pulumi up`` is
    interrupted while backing off.
    """

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception()  # type: ignore[union-attr]
        hint = retry_after(error) if error is not None else None
        return backoff(state.attempt_number, hint, deadline)

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(should_retry),
        wait=wait,
        stop=lambda state: deadline.expired(),
        sleep=pause,
        reraise=True,
    )
    return retrying(call)

