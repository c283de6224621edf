"""Period templates: a period's phases from any start in an interval are one array.

Because a period start ``s`` lies on the 2**-50 grid, every later sum of its period
is ``s + T[j]`` exactly, with a template ``T`` that is the same for every start in an
interval of starts (the interval where each sum stays in the same binade and the wrap
happens at the same frame). A step has only a handful of such templates; together
they cover every start in [0, step]. The walk from one period start to the next is
then integer arithmetic on the grid: ``m -> m + jump[t(m)]``.
"""

from __future__ import annotations

import bisect
import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from .reference import TWO_PI
from .rows import GRID, GRID_INV

# Templates need the wrap to happen below 8 (one grid, 2**-50, for every start).
MAX_STEP = 8.0 - TWO_PI - 1e-9
# A step has one template per binade its periods cross, plus one or two for the wrap;
# more than this means something unforeseen: stay on the row method.
_MAX_TEMPLATES = 64
_WALK_ROUNDS = 4
_SCALE = 1 << 50


class Template(NamedTuple):
    """The sums of one period from any start ``m * 2**-50`` with ``lo <= m < hi``."""

    lo: int
    hi: int
    sums: np.ndarray  # sums[j] = value j of the period minus its start; j < length
    jump: int  # next start = this start + jump (grid units)

    @property
    def length(self) -> int:
        return int(self.sums.shape[0]) - 1  # sums[length] is the sum that wraps


class Cuts(NamedTuple):
    """Where each template's periods cross one threshold.

    From start m, template t's first frame with a value >= the threshold is
    ``first_above[t]``, or one earlier when ``m >= late[t]`` (as lists, and as arrays
    with a sentinel entry for the walk's sentinel template).
    """

    first_above: list[int]
    late: list[int]
    first_above_arr: np.ndarray
    late_arr: np.ndarray


class Templates:
    """Every template of one step, covering all starts, as arrays for vectorised walks.

    Built once per step. The walk from one period start to the next is
    ``m -> m + jumps[t(m)]`` with ``t(m)`` a ``searchsorted`` in ``bounds``, and each
    frame's value is its period's start plus an entry of ``vals``.
    """

    def __init__(self, step: float) -> None:
        self.step = step
        end = math.ceil(Fraction(step) * _SCALE)  # every start is below step
        items = self._build_all(end)
        self.usable = items is not None  # False when a rounding tie makes values
        items = items or []  # start-dependent
        self.items = items
        self.lo_list = [t.lo for t in items]
        self.hi_list = [t.hi for t in items]
        count = self.count = len(items)
        # bounds[i] = first start of template i + 1; the last is the end of all starts,
        # so searchsorted(bounds, m, "right") is m's template, or `count` past the end.
        # Index `count` is a sentinel row (no jump) that makes a bad walk fail its check.
        self.bounds = np.array(self.lo_list[1:] + [end], dtype=np.int64)
        # The same for float guesses (exact: below 2**53), open-ended so that a guess
        # that np.mod rounded up to the end still lands in the last template.
        self.guess_bounds = self.bounds.astype(np.float64)
        if count:
            self.guess_bounds[-1] = math.inf
        self.lens = np.array([t.length for t in items] + [1], dtype=np.int64)
        self.jumps = np.array([t.jump for t in items] + [0], dtype=np.int64)
        self.min_length = min((t.length for t in items), default=1)
        at = np.concatenate(([0], np.cumsum(self.lens[:-1]))).astype(np.int64)
        self.at = at  # at[t]: where template t's values begin in vals; at[count]: sentinel
        self.at_list = at[:-1].tolist()
        # A period of template u following one of template t: the index into vals
        # jumps from t's last entry to u's first, by at[u] - last[t].
        self.last = self.at + self.lens - 1
        # vals[at[t] + j] = value j of a period of template t minus its start.
        self.vals = np.concatenate([t.sums[: t.length] for t in items]) if items else np.empty(0)
        # The start of period k is (m0 - k*2pi) mod step in exact arithmetic; rounding
        # moves it by a few grid units per period, far less than a template is wide.
        self._rotation = float(Fraction(TWO_PI) * _SCALE % (Fraction(step) * _SCALE))
        self.period_units = step * GRID_INV
        self.turns: np.ndarray = np.empty(0)  # turns[k] = -k * rotation, grown on demand
        self._cuts: dict[float, Cuts | None] = {}
        self._cut_sets: dict[tuple[float, ...], tuple[Cuts, ...] | None] = {}

    def _build_all(self, end: int) -> list[Template] | None:
        items: list[Template] = []
        m = 0
        while m < end:
            t = self._build(m)
            if t is None or len(items) == _MAX_TEMPLATES:
                return None
            items.append(t._replace(lo=m))  # a partition: those before cover below m
            m = t.hi
        return items

    def find(self, m: int) -> int:
        """Index of the template covering start ``m`` (grid units), or -1."""
        i = bisect.bisect_right(self.lo_list, m) - 1
        return i if i >= 0 and m < self.hi_list[i] else -1

    def value(self, m: int, t: int, j: int) -> float:
        """The phase ``j`` frames into a period from start m (template t), j >= 1."""
        return m * GRID + float(self.items[t].sums[j - 1])

    def cuts(self, threshold: float) -> Cuts | None:
        """Where each template's periods cross ``threshold`` (None if not simple).

        A template's starts span less than one step, so the crossing frame moves by
        at most one over them; this is checked exactly at both ends of every template.
        """
        if threshold not in self._cuts:
            self._cuts[threshold] = self._make_cuts(threshold)
        return self._cuts[threshold]

    def cut_set(self, thresholds: tuple[float, ...]) -> tuple[Cuts, ...] | None:
        """:meth:`cuts` for each threshold, as one tuple kept per thresholds (None if
        any is not simple)."""
        if thresholds not in self._cut_sets:
            every = [self.cuts(th) for th in thresholds]
            simple = [c for c in every if c is not None]
            self._cut_sets[thresholds] = tuple(simple) if len(simple) == len(every) else None
        return self._cut_sets[thresholds]

    def _make_cuts(self, threshold: float) -> Cuts | None:
        first_above, late = [], []
        for t in self.items:
            cut = _cut(t, threshold)
            if cut is None:
                return None
            first_above.append(cut[0])
            late.append(cut[1])
        return Cuts(
            first_above,
            late,
            np.array(first_above + [0], dtype=np.intp),
            np.array(late + [0], dtype=np.int64),
        )

    def walk(
        self, m0: int, count: int, guess: np.ndarray, m: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Starts and templates of ``count`` periods from the start ``m0``.

        ``guess`` (float64) and ``m`` (int64) are work arrays of ``count``; ``m`` is
        returned filled. Guesses every template from the exact-arithmetic rotation,
        then makes the starts exact with one cumulative sum of the guessed templates'
        jumps and checks that each start lies in the template guessed for it. A start
        is exact once all templates before it were right, so each round settles at
        least one more; in practice the first round settles them all. None if not
        settled.
        """
        if self.turns.shape[0] < count:
            self.turns = np.arange(count) * -self._rotation
        np.add(self.turns[:count], float(m0), out=guess)  # a float: no int64 detour
        for _ in range(_WALK_ROUNDS):
            np.mod(guess, self.period_units, out=guess)
            t_guess = self.guess_bounds.searchsorted(guess, side="right")
            self.jumps.take(t_guess[:-1], out=m[1:], mode="clip")
            m[0] = m0
            np.add.accumulate(m, out=m)
            t = self.bounds.searchsorted(m, side="right")
            if t.tobytes() == t_guess.tobytes():  # all equal, without numpy's wrappers
                return m, t
            # Exact up to the first wrong guess; later starts are off by the
            # difference of two jumps, which folding brings back near the truth.
            np.copyto(guess, m)
        return None

    def _build(self, m: int) -> Template | None:
        got = _period_sums(self.step, m)
        if got is None:
            return None
        sums, length, absolute = got
        lo, hi = _start_interval(self.step, sums, length, absolute)
        lo_m, hi_m = math.ceil(lo * _SCALE), math.ceil(hi * _SCALE)
        jump = (Fraction(float(sums[length])) - Fraction(TWO_PI)) * _SCALE
        if not (lo_m <= m < hi_m) or jump.denominator != 1:
            return None  # cannot happen by the argument above; stay exact anyway
        return Template(lo_m, hi_m, sums, int(jump))


def _period_sums(step: float, m: int) -> tuple[np.ndarray, int, np.ndarray] | None:
    """C's sums of one period from start m * 2**-50: minus the start, the wrapping
    frame, and the absolute sums after the start (None if a rounding tie makes them
    depend on the start's last bit)."""
    s = m * GRID
    terms = np.full(int(TWO_PI / step) + 3, step)
    terms[0] = s
    v = np.cumsum(terms)
    length = int(np.searchsorted(v, TWO_PI, side="left"))
    if length >= v.shape[0] - 1 or v[length] >= 8.0:
        return None
    v = v[: length + 1]
    # A tie in rounding (exact sum half-way between two doubles) is broken towards
    # the even neighbour. Below 4 the grid is at most 2**-51, on which every start
    # is even, so ties come out the same for all starts; in [4, 8) the grid is
    # 2**-50 and the outcome would depend on the start's last bit.
    a, r = v[:-1], v[1:]
    moved = r - a
    err = (a - (r - moved)) + (step - moved)  # TwoSum: exact rounding error
    if np.any((r >= 4.0) & (err != 0) & (np.abs(err) == np.spacing(r) / 2)):
        return None
    return v - s, length, r  # v - s exact: same grid, no cancellation beyond it


def _start_interval(
    step: float, sums: np.ndarray, length: int, absolute: np.ndarray
) -> tuple[Fraction, Fraction]:
    """Starts for which each sum stays in its binade and the wrap stays at `length`."""
    exps = np.frexp(absolute)[1] - 1
    edges = np.flatnonzero(np.diff(exps)) + 1  # first index of each binade run
    firsts = np.concatenate(([0], edges))
    lasts = np.concatenate((edges - 1, [exps.shape[0] - 1]))
    lo, hi = Fraction(0), Fraction(step)
    for f, last in zip(firsts, lasts, strict=True):
        e = int(exps[f])
        lo = max(lo, Fraction(2) ** e - Fraction(float(sums[f + 1])))
        hi = min(hi, Fraction(2) ** (e + 1) - Fraction(float(sums[last + 1])))
    lo = max(lo, Fraction(TWO_PI) - Fraction(float(sums[length])))
    if length >= 1:
        hi = min(hi, Fraction(TWO_PI) - Fraction(float(sums[length - 1])))
    return lo, hi


def _cut(t: Template, threshold: float) -> tuple[int, int] | None:
    lo, hi = t.lo, t.hi - 1
    above = np.flatnonzero(lo * GRID + t.sums[: t.length] >= threshold)
    if above.size == 0 or above[0] == 0:
        return None
    a = int(above[0])
    # Smallest start from which frame a - 1 reaches the threshold: exact rational
    # arithmetic, then checked with the doubles themselves (each m * 2**-50 + sum is a
    # double, see the module docstring).
    need = (Fraction(threshold) - Fraction(float(t.sums[a - 1]))) * _SCALE
    at = max(math.ceil(need), lo)
    if at <= hi and not at * GRID + t.sums[a - 1] >= threshold:
        return None
    if lo <= at - 1 <= hi and (at - 1) * GRID + t.sums[a - 1] >= threshold:
        return None
    if a >= 2 and hi * GRID + t.sums[a - 2] >= threshold:
        return None  # two frames would move: not the simple case
    return a, at
