"""Many periods walked at once, and the blocks of frames that lie on them.

A :class:`Walk` is the vectorised walk over ``count`` periods from one start (see
:meth:`Templates.walk`): each period's start, template, length and where it ends,
counted in frames from the walk's first period start. The walk from a start is the
same whenever it is made, so one walk serves the blocks that follow for as long as it
reaches. A :class:`Span` is one block on a walk: which periods it touches and where it
begins and ends in them. From a span come the block's phases (one gather from the
templates' values, plus each period's start repeated over its frames) or its runs
against thresholds (the square's, without any phase), and where the accumulator
stands after it.
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

import numpy as np

from ..scratch import Scratch
from .rows import GRID
from .templates import Cuts, Templates


class Position(NamedTuple):
    """Where an accumulator stands: ``j`` frames (1 <= j <= length) into a period of
    template ``t`` that started at ``m`` (grid units)."""

    m: int
    t: int
    j: int


class Walk:
    """Starts, templates, lengths and ends of many periods from one start.

    ``starts`` and ``ts`` may be views of the memo's work arrays: the next walk
    overwrites them, and replaces this record. What blocks need per period is derived
    once, on first use.
    """

    __slots__ = ("tpl", "starts", "ts", "lens", "ends", "ends_list", "_runs", "_rows")

    def __init__(self, tpl: Templates, starts: np.ndarray, ts: np.ndarray) -> None:
        self.tpl, self.starts, self.ts = tpl, starts, ts
        self.lens = tpl.lens.take(ts)
        self.ends = np.add.accumulate(self.lens)  # frames to the end of each period
        # The same as a list: bisect on it beats numpy's searchsorted for one value.
        self.ends_list: list[int] = self.ends.tolist()
        self._runs: dict[int, tuple[np.ndarray, list[int], tuple[Cuts, ...]]] = {}
        self._rows: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def count(self) -> int:
        return int(self.starts.shape[0])

    def holds(self, period: int, m: int) -> bool:
        """True if the walk's period ``period`` starts at ``m``."""
        return 0 <= period < self.count and int(self.starts[period]) == m

    def frame_of(self, period: int, j: int) -> int:
        """Walk frame of frame ``j`` of ``period``."""
        return (self.ends_list[period - 1] if period else 0) + j

    def span(self, pos: int, n: int, first: int = -1) -> Span | None:
        """The block of ``n`` frames from walk frame ``pos`` (in period ``first`` if
        known); None past the walk's end."""
        ends = self.ends_list
        end = pos + n
        if end > ends[-1]:
            return None  # the caller makes a new walk
        if first < 0:
            first = bisect.bisect_right(ends, pos)
        last = bisect.bisect_right(ends, end - 1, first)
        return Span(self, pos, n, first, last)

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Per period: the jump of the index into ``vals`` from the last frame of the
        period before, and the start in radians (exact: starts are below 2**53 grid
        units)."""
        if self._rows is None:
            jumps = np.empty(self.count, dtype=np.int64)
            jumps[0] = 0
            jumps[1:] = self.tpl.at.take(self.ts[1:])
            jumps[1:] -= self.tpl.last.take(self.ts[:-1])
            self._rows = (jumps, self.starts * GRID)
        return self._rows

    def run_bounds(self, cuts: tuple[Cuts, ...]) -> tuple[np.ndarray, list[int]]:
        """Per period, its frames split at each threshold of ``cuts`` (below the first,
        then between, ..., at or above the last), in one row, and the walk frame where
        each of those runs ends. Made once per walk for each ``cuts`` (pass the same
        tuple object each time)."""
        made = self._runs.get(id(cuts))
        if made is None or made[2] is not cuts:
            every = np.empty((self.count, len(cuts) + 1), dtype=np.intp)
            below = np.empty(self.count, dtype=np.intp)
            done = np.zeros(self.count, dtype=np.intp)
            for k, c in enumerate(cuts):
                c.first_above_arr.take(self.ts, out=below, mode="clip")
                below -= self.starts >= c.late_arr.take(self.ts)
                np.minimum(below, self.lens, out=below)
                np.subtract(below, done, out=every[:, k])
                np.copyto(done, below)
            np.subtract(self.lens, done, out=every[:, -1])
            flat = every.reshape(-1)
            made = self._runs[id(cuts)] = (flat, np.add.accumulate(flat).tolist(), cuts)
        return made[0], made[1]


class Span(NamedTuple):
    """A block of ``n`` frames from walk frame ``pos``, over periods first..last."""

    walk: Walk
    pos: int
    n: int
    first: int
    last: int

    def after(self) -> Position:
        """Where the accumulator stands after the block."""
        w = self.walk
        k = self.last
        j = self.pos + self.n - (w.ends_list[k - 1] if k else 0)
        return Position(int(w.starts[k]), int(w.ts[k]), j)

    def phases(self, out: np.ndarray, scratch: Scratch) -> None:
        """The block's phases into ``out`` (float64, n)."""
        firsts = self._gather(out, scratch)
        w, first, last = self.walk, self.first, self.last
        # Each period's start, once per frame of it (np.repeat has no out=).
        seg = scratch.get("osc-segments", last - first + 1, np.intp)
        np.copyto(seg, w.lens[first : last + 1])
        seg[0] -= self.pos - (int(w.ends[first - 1]) if first else 0)
        seg[-1] -= int(w.ends[last]) - self.pos - self.n
        out += firsts[first : last + 1].repeat(seg)

    def pieces(
        self, out: np.ndarray, scratch: Scratch, cuts: tuple[Cuts, ...], offsets: tuple[float, ...]
    ) -> np.ndarray:
        """A piecewise function of the phase into ``out``: ``phase + offsets[g]`` in the
        frames of segment ``g`` (between the thresholds of ``cuts``). Returns the
        run lengths (per period, one per segment; see :meth:`runs`).

        With offsets that take whole turns or half turns off (-2*pi, -pi) the result
        is exact: every value is ``T[j] + (start + offset)``, both terms exact and
        their sum representable (Sterbenz: the phase is within a factor 2 of the
        offset there), so the addition rounds nothing.
        """
        firsts = self._gather(out, scratch)
        runs = self.runs(cuts, scratch)
        consts = scratch.get("osc-consts", runs.shape[0]).reshape(-1, len(offsets))
        np.add(firsts[self.first : self.last + 1, None], offsets, out=consts)
        out += consts.reshape(-1).repeat(runs)
        return runs

    def _gather(self, out: np.ndarray, scratch: Scratch) -> np.ndarray:
        """Each frame's value minus its period's start into ``out``; returns the
        periods' starts in radians."""
        w, n, first, last = self.walk, self.n, self.first, self.last
        tpl = w.tpl
        jumps, firsts = w.rows()
        j = self.pos - (int(w.ends[first - 1]) if first else 0)
        # Frame k is value j_k of a period of template t_k: vals[q_k] plus that
        # period's start, with q_k = at[t_k] + j_k. q is a cumulative sum of ones with
        # the jumps between template rows written at the period starts (and reset
        # afterwards, so the ones are never refilled). No float cumsum: its sequential
        # adds cost four times an int64 one here.
        ones, q = _ones(scratch, n), scratch.get("osc-index", n, np.int64)
        starts_at = w.ends[first:last] - self.pos  # block frames where periods begin
        ones[starts_at] = jumps[first + 1 : last + 1]
        ones[0] = tpl.at_list[int(w.ts[first])] + j
        np.add.accumulate(ones, out=q)
        ones[starts_at] = 1
        ones[0] = 1
        # mode="clip": q is in range by construction, and the default mode="raise"
        # gathers into a temporary and copies it to out= (about 40 % slower here).
        tpl.vals.take(q, out=out, mode="clip")
        return firsts

    def runs(self, cuts: tuple[Cuts, ...], scratch: Scratch) -> np.ndarray:
        """Run lengths of the block against the thresholds of ``cuts``: per period one
        run per segment (see :meth:`Walk.run_bounds`), the first period's cut at the
        block's start, the last at its end. Valid until the scratch's next use."""
        flat, bounds = self.walk.run_bounds(cuts)
        per = len(cuts) + 1
        pos, end = self.pos, self.pos + self.n
        first, last = self.first * per, (self.last + 1) * per  # runs of these periods
        runs = scratch.get("osc-runs", last - first, np.intp)
        np.copyto(runs, flat[first:last])
        # Trim what lies before the block in its first period, after it in its last.
        before = pos - (bounds[first - 1] if first else 0)
        _trim_front(runs, before)
        after = bounds[last - 1] - end
        _trim_back(runs, after)
        return runs


def _ones(scratch: Scratch, n: int) -> np.ndarray:
    return scratch.constant("osc-ones", n, 1, np.int64)


def _trim_front(runs: np.ndarray, frames: int) -> None:
    i = 0
    while frames > 0:
        cut = min(frames, int(runs[i]))
        runs[i] -= cut
        frames -= cut
        i += 1


def _trim_back(runs: np.ndarray, frames: int) -> None:
    i = runs.shape[0] - 1
    while frames > 0:
        cut = min(frames, int(runs[i]))
        runs[i] -= cut
        frames -= cut
        i -= 1
