"""Idle plot figures kept for reuse, bounded by bytes, freed when nobody is left.

Building a figure costs ~0.2 s of matplotlib layout and a full draw, so a pipeline
that restarts takes one back instead of building it again. What is kept is bounded by
the memory it holds (an 8K figure holds about 360 MB: such a one is never kept), and
everything is dropped when the last user is gone. Thread-safe; pure Python.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

#: What idle figures may hold in all, in bytes.
BUDGET = 64 << 20


def figure_bytes(width: int, height: int) -> int:
    """What a figure of a ``width`` x ``height`` frame holds, about: the Agg canvas,
    its cached background and the last frame, RGBA each (measured: 26 MB at 1080p,
    365 MB at 8K, including one output frame)."""
    return 3 * width * height * 4


class FigurePool:
    """Figures by key, at most ``budget`` bytes of idle ones (least recently given
    back dropped first), all dropped when :meth:`left` leaves no user.

    ``make(key)`` builds a figure; ``size(key)`` says what one holds in bytes.
    """

    def __init__(
        self,
        make: Callable[[Any], Any],
        size: Callable[[Any], int],
        budget: int = BUDGET,
        lock: threading.Lock | None = None,
    ) -> None:
        self._make, self._size, self.budget = make, size, budget
        self._lock = lock or threading.Lock()
        self._idle: OrderedDict[tuple[Hashable, int], Any] = OrderedDict()
        self._serial = 0
        self.users = 0

    @property
    def held(self) -> int:
        """Bytes the idle figures hold."""
        return sum(self._size(key) for key, _ in self._idle)

    def __len__(self) -> int:
        return len(self._idle)

    def take(self, key: Hashable) -> Any:
        """An idle figure for ``key``, or a new one."""
        with self._lock:
            for entry in reversed(self._idle):
                if entry[0] == key:
                    return self._idle.pop(entry)
            return self._make(key)

    def give_back(self, key: Hashable, figure: Any) -> None:
        """Keep ``figure`` for the next :meth:`take` of ``key``, if it fits."""
        with self._lock:
            if self.users <= 0 or self._size(key) > self.budget:
                return
            self._serial += 1
            self._idle[(key, self._serial)] = figure
            while self.held > self.budget:
                self._idle.popitem(last=False)

    def joined(self) -> None:
        """One more user (an element made)."""
        with self._lock:
            self.users += 1

    def left(self) -> None:
        """One user fewer (an element freed): at none, every idle figure goes."""
        with self._lock:
            self.users -= 1
            if self.users <= 0:
                self._idle.clear()
