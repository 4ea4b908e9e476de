"""A clock that never sleeps: time moves when the code under test waits."""

from __future__ import annotations

from typing import Any


class FakeClock:
    """``sleep`` advances time at once; ``wait`` lets a poller thread run briefly.

    ``interrupt_after`` raises KeyboardInterrupt at that many pauses of a minute or
    more (a canary pause), as if the job were cancelled there.
    """

    def __init__(self, interrupt_after: int | None = None) -> None:
        self.time = 1_000_000.0
        self.slept: list[float] = []
        self.interrupt_after = interrupt_after

    def now(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        long_pauses = [s for s in self.slept if s >= 60]
        if seconds >= 60 and self.interrupt_after == len(long_pauses):
            raise KeyboardInterrupt
        self.time += seconds

    def wait(self, poller: Any, seconds: float) -> None:
        poller.wait(0.05)
