"""Work arrays reused from block to block, so the per-block path allocates nothing."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


class Scratch:
    """Named work arrays, grown on demand (to at least twice the old size, so a stream
    whose blocks grow does not reallocate on every block) and reused.

    One instance per stream: the arrays are overwritten by the next use of the same
    name. A name always means one dtype. :meth:`release` gives the memory back (at
    stop). A lookup is a dict access and a slice: it is on every block's path.
    """

    __slots__ = ("_arrays", "_ramp")

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}
        self._ramp = np.empty(0)

    def get(self, name: str, n: int, dtype: npt.DTypeLike = np.float64) -> np.ndarray:
        """A 1-D C-contiguous array of ``n`` elements, contents undefined."""
        a = self._arrays.get(name)
        if a is None or a.shape[0] < n:
            size = max(n, 2 * (0 if a is None else a.shape[0]))
            a = self._arrays[name] = np.empty(size, dtype)
        return a[:n]

    def constant(
        self, name: str, n: int, value: float, dtype: npt.DTypeLike = np.float64
    ) -> np.ndarray:
        """An array of ``n`` elements holding ``value``, which the caller may change
        only if it puts ``value`` back before its next use (saves refilling it)."""
        a = self._arrays.get(name)
        if a is None or a.shape[0] < n:
            size = max(n, 2 * (0 if a is None else a.shape[0]))
            a = self._arrays[name] = np.full(size, value, dtype)
        return a[:n]

    def ramp(self, n: int) -> np.ndarray:
        """0.0, 1.0, ..., n - 1 (float64), read-only."""
        if self._ramp.shape[0] < n:
            self._ramp = np.arange(float(max(n, 2 * self._ramp.shape[0])))
            self._ramp.flags.writeable = False
        return self._ramp[:n]

    def release(self) -> None:
        self._arrays.clear()
        self._ramp = np.empty(0)
