"""Phase-accumulator oscillators matching GStreamer's C ``audiotestsrc`` sample for sample.

The C element keeps one double ``acc`` and, per frame, does::

    acc += step            # step = 2*pi*freq/rate
    if acc >= 2*pi: acc -= 2*pi
    sample = f(acc)

so the first sample of a stream is ``f(step)``, not ``f(0)``. Float rounding in that
sequential sum decides the low bits of every sample, so for bit-exact output the phases
here are the results of the very same sequence of IEEE additions.

How it is vectorised (see :func:`accumulate_phase`): one row per period of the wave.
A row ``[s, step, step, ...]`` summed left to right (``np.cumsum(axis=1)``, which adds
sequentially) reproduces the C sums of one period exactly once its start ``s`` (the
wrapped accumulator) is right, and all rows are summed at once. The starts are found
by a fixed-point iteration that is exact by construction:

* every wrapped start is ``c - 2*pi`` with ``c`` in [2*pi, 2*pi + step), computed
  exactly (Sterbenz), so all starts lie on the grid of 2**-50 in [0, step];
* the map T from one start to the next is a translation, T(s) = s + D, with D taking
  a handful of values that change only where ``s`` crosses a few fixed thresholds
  (the period gets one frame longer, or a binade is entered one frame later);
* so from guessed starts g_k the rows give exact values T(g_k), and the next guesses are
  s_1 + sum(T(g_m) - g_m): exact integer sums on that grid, right as long as each guess
  lay on the same side of the thresholds as the true start. Row 0 starts from the
  known ``acc``, so every round makes at least one more start exact; in practice two
  or three rounds settle a whole buffer, and a consistency check proves it.

The steady state is cheaper still (:class:`_Templates`): because a start ``s`` lies on
the 2**-50 grid, every later sum of its period is ``s + T[j]`` exactly, with a template
``T`` that is the same for every start in an interval of starts (the interval where
each sum stays in the same binade and the wrap happens at the same frame). A step has
only a handful of such templates. So once the accumulator is at a known start, a
buffer with few periods is a few ``np.add(T[j:k], s, out=...)`` (one per period) and an
integer walk from start to start. With many periods the walk from start to start is
vectorised (guessed from the exact rotation, then checked), made for 1024 periods at
once and kept for the blocks that follow, and the buffer is one gather from the
templates' values plus each period's start repeated over its frames. The square needs
no phases at all: each period's crossing of pi comes from its template, and a block
that continues the last one is a slice of the kept walk's runs, found by frame
position.

Small blocks of a steady stream pay the fixed cost of those numpy calls once per
several blocks: :meth:`PhaseMemo.phases` computes phases ahead, keyed by the exact
``(acc, step)`` they continue, so a jump or a new step can never be served stale ones.
"""

from __future__ import annotations

import bisect
import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np

TWO_PI = 2.0 * math.pi  # same double as C's M_PI_M2 = M_PI + M_PI

# Rounds of the fixed-point iteration before falling back to one cumsum per period.
# Each round fixes at least one more period; adversarial steps (ties in rounding that
# alternate with the last bit of the start) could otherwise need one round per period.
_MAX_ROUNDS = 6
_GRID = 2.0**-50  # spacing of doubles in [4, 8), where the wraps happen
_GRID_INV = 2.0**50


def _read_only(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


def phase_step(freq: float, rate: int) -> float:
    """Phase increment per frame, in radians, computed as the C element does."""
    return TWO_PI * freq / rate


class PhaseMemo:
    """What an accumulator learns about its step, kept between blocks of one stream.

    Owned by one stream (one element instance): its work arrays are reused from
    block to block, and its period templates and position make the steady state
    cheap. Not shared between threads. Holding no memo is always correct, only
    slower (nothing is reused).
    """

    def __init__(self) -> None:
        self.workspace: _Workspace | None = None
        self.templates: dict[float, _Templates] = {}
        self.resume: tuple[float, float, int, int] | None = None
        self.ones = np.ones(0, dtype=np.int64)  # all ones between uses
        self.index = np.empty(0, dtype=np.int64)
        self.guess = np.empty(0)
        self.starts = np.empty(0, dtype=np.int64)
        self.runs = np.empty((0, 2), dtype=np.intp)
        self.segments = np.empty(0, dtype=np.int64)
        self.walk: _Walk | None = None  # kept for the blocks that follow
        self.on_walk: _OnWalk | None = None  # where threshold_runs left the walk
        # Phases computed ahead (see phases()): ahead[pos:end] continue the
        # accumulator from ahead_acc with step ahead_step.
        self.ahead = np.empty(0)
        self.ahead_pos = self.ahead_end = 0
        self.ahead_step = self.ahead_acc = math.nan
        self.ahead_run = 0
        self.scratch = np.empty(0)

    def index_arrays(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if self.ones.shape[0] < n:
            self.ones = np.ones(n, dtype=np.int64)
            self.index = np.empty(n, dtype=np.int64)
        return self.ones, self.index

    def run_array(self, count: int) -> np.ndarray:
        if self.runs.shape[0] < count:
            self.runs = np.empty((count, 2), dtype=np.intp)
        return self.runs[:count]

    def phase_scratch(self, n: int) -> np.ndarray:
        if self.scratch.shape[0] < n:
            self.scratch = np.empty(n)
        return self.scratch[:n]

    def phases(self, acc: float, step: float, n: int) -> tuple[np.ndarray, float]:
        """The next ``n`` phases from ``acc``, as :func:`accumulate_phase` gives them.

        Returns a read-only view, valid until this memo's next use, and the
        accumulator after its last frame. A block's phases depend on nothing but
        ``acc`` and ``step``, so phases computed earlier from the same two doubles
        are the same phases: a block that continues the last one (same step, ``acc``
        the last phase handed out) is a view of phases computed ahead. Computing
        2, 4, ... blocks at a time (doubling while the stream stays steady, up to
        ``_AHEAD_FRAMES``) shares the fixed cost of a block's numpy calls, and
        spends at most what was already used when a change of step or a jump of
        the accumulator throws the rest away.
        """
        if 4 * n > _AHEAD_FRAMES or not (0 < n and 0.0 < step < TWO_PI
                                         and 0.0 <= acc < TWO_PI):
            # Long blocks gain nothing from computing ahead; odd cases are rare.
            out = self.phase_scratch(n)
            acc = accumulate_phase(acc, step, out, self)
            return _read_only(out), acc
        pos = self.ahead_pos
        if step != self.ahead_step or acc != self.ahead_acc:
            # A new step or a jump: no reason to expect the next block yet.
            self.ahead_run = 0
            self.ahead_pos = self.ahead_end = 0
            out = self.phase_scratch(n)
            acc = self.ahead_acc = _accumulate(acc, step, out, self)
            self.ahead_step = step
            return _read_only(out), acc
        if pos + n > self.ahead_end:
            run = self.ahead_run = min(self.ahead_run + 1, _AHEAD_MAX_RUN)
            size = max(n, min(n << run, _AHEAD_FRAMES))
            if self.ahead.shape[0] < size:
                self.ahead = np.empty(_AHEAD_FRAMES)
            _accumulate(acc, step, self.ahead[:size], self)
            pos, self.ahead_end = 0, size
        end = self.ahead_pos = pos + n
        view = self.ahead[pos:end]
        self.ahead_acc = float(view[-1])
        return _read_only(view), self.ahead_acc

    def segment_array(self, count: int) -> np.ndarray:
        if self.segments.shape[0] < count:
            self.segments = np.empty(2 * count, dtype=np.int64)
        return self.segments[:count]

    def walk_arrays(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        if self.guess.shape[0] < count:
            self.guess = np.empty(count)
            self.starts = np.empty(count, dtype=np.int64)
        return self.guess[:count], self.starts[:count]


def accumulate_phase(acc: float, step: float, out: np.ndarray,
                     memo: PhaseMemo | None = None) -> float:
    """Fill ``out`` with the accumulator's next ``len(out)`` phases; return the last.

    Parameters
    ----------
    acc : float
        Phase before the first output frame, radians in [0, 2*pi).
    step : float
        Phase increment per frame, radians (see :func:`phase_step`).
    out : ndarray of float64, shape (n,)
        Receives the phases, radians, bit-identical to the C accumulator's.
    memo : PhaseMemo, optional
        The stream's memo (see :class:`PhaseMemo`): same results, less work.

    Returns
    -------
    float
        The accumulator after the last frame: pass it as ``acc`` for the next block.
    """
    n = out.shape[0]
    if n == 0:
        return acc
    if step >= TWO_PI:
        return _accumulate_fast_wrapping(acc, step, out)
    if not (0.0 < step and 0.0 <= acc < TWO_PI):
        # freq == 0, or an accumulator left outside [0, 2*pi) by forced caps.
        return _accumulate_periods(acc, step, out)
    if memo is None:
        memo = PhaseMemo()
    elif 4 * n <= _AHEAD_FRAMES:
        phases, acc = memo.phases(acc, step, n)
        np.copyto(out, phases)
        return acc
    return _accumulate(acc, step, out, memo)


def _accumulate(acc: float, step: float, out: np.ndarray, memo: PhaseMemo) -> float:
    n = out.shape[0]
    # Templates pay off with at least one whole period per block (and stay small).
    if step <= _TEMPLATE_MAX_STEP and TWO_PI <= n * step:
        return _accumulate_templates(acc, step, out, memo)
    return _accumulate_fixed_point(acc, step, out, memo)


def threshold_runs(acc: float, step: float, threshold: float, n: int,
                   memo: PhaseMemo | None = None) -> tuple[np.ndarray, float]:
    """How the accumulator's next ``n`` phases sit against ``threshold``, as runs.

    The phases are those of :func:`accumulate_phase` (same arguments, same returned
    accumulator); only their comparison with ``threshold`` is kept, as alternating
    run lengths: frames below, frames at or above, below, ... In the steady state (a
    period start known from the memo) the phases are never computed: each period is
    below the threshold up to a frame that its template and start give exactly.

    Parameters
    ----------
    acc, step, memo
        As for :func:`accumulate_phase`.
    threshold : float
        Radians, in (0, 2*pi), compared as C compares ``acc < threshold``.
    n : int
        Frames.

    Returns
    -------
    runs : ndarray of intp
        Even length, summing to ``n``; ``runs[2k]`` frames below the threshold, then
        ``runs[2k + 1]`` at or above (either may be 0). Valid until the memo's next use.
    acc : float
        The accumulator after the last frame.
    """
    if memo is None:
        memo = PhaseMemo()
    on, memo.on_walk = memo.on_walk, None
    if (on is not None and on.threshold == threshold and on.acc == acc and on.step == step
            and on.walk is memo.walk and n > 0):
        # The block continues the last one on the kept walk.
        got = _runs_on_walk(on.walk, on.cuts, on.pos, step, threshold, n, memo)
        if got is not None:
            return got
    if (n > 0 and 0.0 < step <= _TEMPLATE_MAX_STEP and 0.0 <= acc < TWO_PI
            and TWO_PI <= n * step and 0.0 < threshold < TWO_PI):
        where = _locate(acc, step, memo)
        cuts = where[0].cuts(threshold) if where is not None else None
        if cuts is not None:
            tpl, m, t, j = where
            if _few_periods(tpl, t, j, n):
                plan = _above_few(tpl, cuts, m, t, j, n, memo)
                if plan is not None:
                    runs, m, j, t = plan
                    return runs, _resume_at(tpl, step, m, j, t, memo)
            elif _walk_block(tpl, m, t, j, n, memo) is not None:
                walk = memo.walk
                pos = (int(walk.ends[walk.at - 1]) if walk.at else 0) + j
                got = _runs_on_walk(walk, cuts, pos, step, threshold, n, memo)
                if got is not None:
                    return got
    phases = memo.phase_scratch(n)
    acc = accumulate_phase(acc, step, phases, memo)
    above = phases >= threshold
    # Runs end where the comparison changes; a block starting above gets an empty
    # first run below, and one ending below an empty last run above.
    ends = np.flatnonzero(above[1:] != above[:-1]) + 1
    lead = [0] if n and above[0] else []
    tail = [] if (len(lead) + ends.shape[0]) % 2 else [n]
    bounds = np.array([0, *lead, *ends.tolist(), n, *tail], dtype=np.intp)
    return np.diff(bounds), acc


def _above_few(tpl: _Templates, cuts: tuple, m: int, t: int, j: int, n: int,
               memo: PhaseMemo) -> tuple | None:
    """Run lengths below/above the threshold, period by period (see _plan)."""
    first_above, late, _, _ = cuts
    runs = []
    append = runs.append
    for piece in _periods(tpl, m, t, j, n):
        if piece is None:
            return None
        _, item, t, j, take, m = piece
        below = first_above[t] - (m >= late[t]) - j  # frames before the crossing
        below = 0 if below < 0 else take if below > take else below
        append(below)
        append(take - below)
    return np.array(runs, dtype=np.intp), m, j + take, t


def _runs_on_walk(walk: _Walk, cuts: tuple, pos: int, step: float, threshold: float,
                  n: int, memo: PhaseMemo) -> tuple[np.ndarray, float] | None:
    """threshold_runs for frames pos..pos + n of the kept walk: a slice of its runs."""
    got = walk.block_runs(cuts, pos, n, memo)
    if got is None:
        return None
    runs, m, j, t = got
    acc = _resume_at(walk.tpl, step, m, j, t, memo)
    memo.on_walk = _OnWalk(step, threshold, acc, walk, cuts, pos + n)
    return runs, acc


def _resume_at(tpl: _Templates, step: float, m: int, j: int, t: int,
               memo: PhaseMemo) -> float:
    """The accumulator j frames into the period from start m (template t), kept."""
    acc = m * _GRID + float(tpl.items[t].sums[j - 1])
    memo.resume = (step, acc, m, j)
    return acc


def _accumulate_fixed_point(acc: float, step: float, out: np.ndarray,
                            memo: PhaseMemo) -> float:
    n = out.shape[0]
    # Rows needed: a period has at least floor(2pi/step) - 1 frames after its start.
    period = TWO_PI / step
    row_len = min(int(period) + 3, n + 1)
    if row_len > n:
        # At most one wrap in this block: the per-period loop does one or two cumsums.
        return _accumulate_periods(acc, step, out)
    rows = n // max(int(period) - 1, 1) + 2
    ws = memo.workspace
    if ws is None or ws.key != (step, rows, row_len):
        ws = memo.workspace = _Workspace(step, rows, row_len)
    return _accumulate_rows(acc, step, out, ws)


class _Workspace:
    """Preallocated arrays for one (step, rows, row_len), reused from call to call."""

    def __init__(self, step: float, rows: int, row_len: int) -> None:
        self.key = (step, rows, row_len)
        self.terms = np.full((rows, row_len), step)  # column 0 receives the starts
        self.sums = np.empty((rows, row_len))
        self.flat_sums = self.sums.reshape(-1)
        self.below = np.empty((rows, row_len), dtype=bool)
        self.keep = np.empty((rows, row_len), dtype=bool)
        self.cols = np.arange(row_len)
        self.row_offset = np.arange(rows) * row_len
        self.wrap = np.empty(rows, dtype=np.intp)
        self.at = np.empty(rows, dtype=np.intp)
        self.minus_k_two_pi = np.arange(rows) * -TWO_PI


def _accumulate_rows(acc: float, step: float, out: np.ndarray, ws: _Workspace) -> float:
    n = out.shape[0]
    last = ws.terms.shape[1] - 1
    # First guesses from exact math: row k starts at (acc - k*2pi) mod step. Off by
    # rounding only, which the iteration corrects.
    starts = np.mod(ws.minus_k_two_pi + acc, step)
    # On the 2**-50 grid, as every true start is: the translation argument needs it.
    starts *= _GRID_INV
    np.rint(starts, out=starts)
    starts *= _GRID
    starts[0] = acc
    wrap, at = ws.wrap, ws.at
    for _ in range(_MAX_ROUNDS):
        ws.terms[:, 0] = starts
        np.cumsum(ws.terms, axis=1, out=ws.sums)
        np.less(ws.sums, TWO_PI, out=ws.below)
        # Rows increase, so the count below 2*pi is the index of the first sum >= 2*pi.
        np.add.reduce(ws.below, axis=1, dtype=np.intp, out=wrap)
        np.minimum(wrap, last, out=at)
        at += ws.row_offset
        nxt = ws.flat_sums.take(at)
        nxt -= TWO_PI  # exact: Sterbenz
        diff = np.flatnonzero(nxt[:-1] != starts[1:])
        if diff.size == 0:
            np.less(ws.cols, wrap[:, None], out=ws.keep)
            ws.keep[0, 0] = False  # row 0's column 0 is the previous accumulator
            got = ws.sums[ws.keep]
            if got.shape[0] < n:  # cannot happen: rows are sized for n frames
                break
            out[:] = got[:n]
            return float(out[-1])
        # Starts up to b are exact, so T(start_b) is the exact start of row b + 1, and
        # the translations measured at the later guesses give the next guesses.
        b = int(diff[0])
        moved = nxt[b:-1] - starts[b:-1]  # exact: both on the 2**-50 grid, < 8
        moved[0] = nxt[b]
        np.cumsum(moved, out=starts[b + 1 :])
        _fold(starts[b + 2 :], step)
    # Not settled: redo it one period at a time, which is exact for any start.
    return _accumulate_periods(acc, step, out)


def _fold(starts: np.ndarray, step: float) -> None:
    # True starts lie in [0, step]; bring wild guesses back there, leave the others as
    # they are so that an exact start is never altered.
    if starts.size and (starts.min() < 0.0 or starts.max() > step):
        bad = (starts < 0.0) | (starts > step)
        starts[bad] = np.rint(np.mod(starts[bad], step) * _GRID_INV) * _GRID


def _accumulate_periods(acc: float, step: float, out: np.ndarray) -> float:
    # One cumsum per period: each period restarts from the wrapped value, exactly as
    # the sequential C loop does. np.cumsum on 1-D data adds strictly left to right.
    n = out.shape[0]
    period = TWO_PI / step if step > 0.0 else math.inf
    i = 0
    while i < n:
        ahead = n - i
        # Frames until the next wrap, plus margin for rounding in the estimate.
        span = ahead if period == math.inf else min(ahead, int((TWO_PI - acc) / step) + 2)
        span = max(span, 1)
        seg = out[i : i + span]
        seg.fill(step)
        seg[0] = acc + step
        np.cumsum(seg, out=seg)
        k = int(np.searchsorted(seg, TWO_PI, side="left"))
        if k == span:  # no wrap within this span
            acc = float(seg[-1])
            i += span
            continue
        seg[k] -= TWO_PI
        acc = float(seg[k])
        i += k + 1
    return acc


def _accumulate_fast_wrapping(acc: float, step: float, out: np.ndarray) -> float:
    # freq >= rate: C wraps once per frame but acc still drifts upward; each frame
    # depends on the rounding of the one before. Only reachable with caps forced far
    # below the Nyquist rate, so a plain loop keeps exact parity without complicating
    # the normal path.
    for j in range(out.shape[0]):
        acc += step
        if acc >= TWO_PI:
            acc -= TWO_PI
        out[j] = acc
    return acc


# Blocks of a steady stream are served from phases computed this far ahead; blocks
# longer than a quarter of it are computed as they come. Further ahead measured no
# faster in pipelines (A/B against C, same process): at 8192-frame blocks, computing
# 32768 at once was slower, the working set then outgrowing the L2 cache.
_AHEAD_FRAMES = 8192
_AHEAD_MAX_RUN = 8


# Templates need the wrap to happen below 8 (one grid, 2**-50, for every start).
_TEMPLATE_MAX_STEP = 8.0 - TWO_PI - 1e-9
# A step has one template per binade its periods cross, plus one or two for the wrap;
# more than this means something unforeseen: stay on the row method.
_MAX_TEMPLATES = 64
_WALK_ROUNDS = 4


class _Template:
    """The sums of one period from any start ``m * 2**-50`` with ``lo <= m < hi``."""

    __slots__ = ("lo", "hi", "sums", "length", "jump")

    def __init__(self, lo: int, hi: int, sums: np.ndarray, jump: int) -> None:
        self.lo, self.hi = lo, hi
        self.sums = sums  # sums[j] = value j of the period minus its start; j < length
        self.length = sums.shape[0] - 1  # sums[length] is the sum that wraps
        self.jump = jump  # next start = this start + jump (grid units)


class _Templates:
    """Every template of one step, covering all starts, as arrays for vectorised walks.

    Built once per step (the first time a block resumes at a known start). The walk
    from one period start to the next is then ``m -> m + jumps[t(m)]`` with ``t(m)``
    a ``searchsorted`` in ``los``, and each frame's value is its period's start plus
    an entry of ``vals`` (see :func:`_plan_vectorised`).
    """

    def __init__(self, step: float) -> None:
        self.step = step
        self.usable = True  # False when a rounding tie makes values start-dependent
        items: list[_Template] = []
        end = math.ceil(Fraction(step) * (1 << 50))  # every start is below step
        m = 0
        while m < end:
            t = self._build(m)
            if t is None or len(items) == _MAX_TEMPLATES:
                self.usable = False
                break
            t.lo = m  # a partition: the templates before cover the starts below m
            items.append(t)
            m = t.hi
        self.items = items
        self.lo_list = [t.lo for t in items]
        self.hi_list = [t.hi for t in items]
        count = len(items)
        # bounds[i] = first start of template i + 1; the last is the end of all starts,
        # so searchsorted(bounds, m, "right") is m's template, or `count` past the end.
        # Index `count` is a sentinel row (no jump) that makes a bad walk fail its check.
        self.count = count
        self.bounds = np.array(self.lo_list[1:] + [end], dtype=np.int64)
        # The same for float guesses (exact: below 2**53), open-ended so that a guess
        # that np.mod rounded up to the end still lands in the last template.
        self.guess_bounds = self.bounds.astype(np.float64)
        if count:
            self.guess_bounds[-1] = math.inf
        self.lens = np.array([t.length for t in items] + [1], dtype=np.int64)
        self.jumps = np.array([t.jump for t in items] + [0], dtype=np.int64)
        self.min_length = min((t.length for t in items), default=1)
        at = [0]
        for t in items:
            at.append(at[-1] + t.length)
        self.at_list = at[:-1]
        self.at = np.array(at, dtype=np.int64)  # at[count]: the sentinel's
        # A period of template u following one of template t: the index into vals
        # jumps from t's last entry to u's first, by at[u] - last[t].
        self.last = self.at + self.lens - 1
        # vals[at[t] + j] = value j of a period of template t minus its start.
        self.vals = (np.concatenate([t.sums[: t.length] for t in items]) if items
                     else np.empty(0))
        # The start of period k is (m0 - k*2pi) mod step in exact arithmetic; rounding
        # moves it by a few grid units per period, far less than a template is wide.
        scale = 1 << 50
        rotation = float(Fraction(TWO_PI) * scale % (Fraction(step) * scale))
        self.period_units = step * _GRID_INV
        self.turns = np.empty(0)  # turns[k] = -k * rotation, grown on demand
        self._cuts: dict[float, tuple | None] = {}
        self._rotation = rotation

    def cuts(self, threshold: float) -> tuple | None:
        """Where each template's periods cross ``threshold`` (None if not simple).

        Returns ``(first_above, late)`` as lists and as int64 arrays: from start m,
        template t's first frame with a value >= threshold is ``first_above[t]``,
        or one earlier when ``m >= late[t]``. A template's starts span less than one
        step, so the crossing frame moves by at most one over them; this is checked
        exactly at both ends of every template.
        """
        got = self._cuts.get(threshold)
        if got is None and threshold not in self._cuts:
            got = self._cuts[threshold] = self._make_cuts(threshold)
        return got

    def _make_cuts(self, threshold: float) -> tuple | None:
        first_above, late = [], []
        for t in self.items:
            lo, hi = t.lo, t.hi - 1
            above = np.flatnonzero(lo * _GRID + t.sums[: t.length] >= threshold)
            if above.size == 0 or above[0] == 0:
                return None
            a = int(above[0])
            # Smallest start from which frame a - 1 reaches the threshold: exact
            # rational arithmetic, then checked with the doubles themselves (each
            # m * 2**-50 + sum is a double, see the module docstring).
            need = (Fraction(threshold) - Fraction(float(t.sums[a - 1]))) * (1 << 50)
            at = max(math.ceil(need), lo)
            if at <= hi and not at * _GRID + t.sums[a - 1] >= threshold:
                return None
            if lo <= at - 1 <= hi and (at - 1) * _GRID + t.sums[a - 1] >= threshold:
                return None
            if a >= 2 and hi * _GRID + t.sums[a - 2] >= threshold:
                return None  # two frames would move: not the simple case
            first_above.append(a)
            late.append(at)
        return (first_above, late, np.array(first_above + [0], dtype=np.intp),
                np.array(late + [0], dtype=np.int64))

    def find(self, m: int) -> int:
        """Index of the template covering start ``m`` (grid units), or -1."""
        i = bisect.bisect_right(self.lo_list, m) - 1
        return i if i >= 0 and m < self.hi_list[i] else -1

    def walk(self, m0: int, count: int, memo: PhaseMemo
             ) -> tuple[np.ndarray, np.ndarray] | None:
        """Starts and templates of ``count`` periods from the start ``m0``.

        Guesses every template from the exact-arithmetic rotation, then makes the
        starts exact with one cumulative sum of the guessed templates' jumps and
        checks that each start lies in the template guessed for it. A start is exact
        once all templates before it were right, so each round settles at least one
        more; in practice the first round settles them all. None if not settled.
        """
        if self.turns.shape[0] < count:
            self.turns = np.arange(count) * -self._rotation
        guess, m = memo.walk_arrays(count)
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

    def _build(self, m: int) -> _Template | None:
        step = self.step
        s = m * _GRID
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
        sums = v - s  # exact: same grid, no cancellation beyond it
        # Starts for which each sum stays in its binade and the wrap stays at `length`.
        exps = np.frexp(r)[1] - 1
        edges = np.flatnonzero(np.diff(exps)) + 1  # first index of each binade run
        firsts = np.concatenate(([0], edges))
        lasts = np.concatenate((edges - 1, [exps.shape[0] - 1]))
        lo = Fraction(0)
        hi = Fraction(step)
        for f, last in zip(firsts, lasts, strict=True):
            e = int(exps[f])
            lo = max(lo, Fraction(2) ** e - Fraction(float(sums[f + 1])))
            hi = min(hi, Fraction(2) ** (e + 1) - Fraction(float(sums[last + 1])))
        lo = max(lo, Fraction(TWO_PI) - Fraction(float(sums[length])))
        if length >= 1:
            hi = min(hi, Fraction(TWO_PI) - Fraction(float(sums[length - 1])))
        scale = 1 << 50
        lo_m, hi_m = math.ceil(lo * scale), math.ceil(hi * scale)
        jump = (Fraction(float(sums[length])) - Fraction(TWO_PI)) * scale
        if not (lo_m <= m < hi_m) or jump.denominator != 1:
            return None  # cannot happen by the argument above; stay exact anyway
        return _Template(lo_m, hi_m, sums, int(jump))


_TEMPLATE_STEPS = 32  # steps remembered per memo (a controller ramp brings new ones)


def _templates(memo: PhaseMemo, step: float) -> _Templates:
    cache = memo.templates
    t = cache.get(step)
    if t is None:
        if len(cache) >= _TEMPLATE_STEPS:
            cache.pop(next(iter(cache)))
        t = cache[step] = _Templates(step)
    return t


def _locate(acc: float, step: float, memo: PhaseMemo
            ) -> tuple[_Templates, int, int, int] | None:
    """Where ``acc`` stands in its period: (templates, start, template, frames done).

    Known when the memo's last block for this step ended at ``acc``, or when ``acc``
    is itself a period start (the stream start, 0.0); None otherwise.
    """
    resume = memo.resume
    if resume is not None and resume[0] == step and resume[1] == acc:
        m, j = resume[2], resume[3]
    elif acc < step and (acc * _GRID_INV).is_integer():
        m, j = int(acc * _GRID_INV), 1  # acc is itself a start (stream start: 0.0)
    else:
        return None
    tpl = _templates(memo, step)
    t = tpl.find(m) if tpl.usable else -1
    if t >= 0 and j == tpl.items[t].length:
        m += tpl.items[t].jump
        t, j = tpl.find(m), 0
    return (tpl, m, t, j) if t >= 0 else None


def _accumulate_templates(acc: float, step: float, out: np.ndarray, memo: PhaseMemo) -> float:
    n = out.shape[0]
    where = _locate(acc, step, memo)
    if where is None:
        # Unknown position within a period: settle this block with the row method and
        # find the last start in it, so that the next block can use templates.
        memo.resume = None
        acc = _accumulate_fixed_point(acc, step, out, memo)
        drops = np.flatnonzero(out[1:] < out[:-1])
        if drops.size:
            w = int(drops[-1]) + 1
            memo.resume = (step, acc, int(out[w] * _GRID_INV), n - w)
        return acc
    tpl, m, t, j = where
    if _few_periods(tpl, t, j, n):
        plan = _plan(tpl, m, t, j, n, out)
    else:
        plan = _plan_vectorised(tpl, m, t, j, n, out, memo)
    if plan is None:  # a start the walk could not settle: the row method is exact
        memo.resume = None
        return _accumulate_fixed_point(acc, step, out, memo)
    acc = float(out[-1])
    memo.resume = (step, acc) + plan
    return acc


# Below this many periods per block the walk is a Python loop and each period one
# numpy call; above, a fixed number of numpy calls does the whole block.
_FEW_PERIODS = 16


def _few_periods(tpl: _Templates, t: int, j: int, n: int) -> bool:
    """True if a block of n frames from frame j of template t spans few periods."""
    return (n - tpl.items[t].length + j) // tpl.min_length < _FEW_PERIODS


def _periods(tpl: _Templates, m: int, t: int, j: int, n: int):
    """The pieces of a block, one per period: ``(frame, item, t, j, frames, start)``.

    The piece starts at block frame ``frame`` with frame ``j`` of a period of
    template ``t`` (``item``) from start ``m``; the walk from start to start is in
    Python integers. Yields None (and stops) if a start falls outside every template.
    """
    items, los, his, find = tpl.items, tpl.lo_list, tpl.hi_list, bisect.bisect_right
    i = 0
    while True:
        item = items[t]
        take = item.length - j
        if take > n - i:
            take = n - i
        yield i, item, t, j, take, m
        i += take
        if i == n:
            return
        m += item.jump
        t = find(los, m) - 1
        if t < 0 or m >= his[t]:
            yield None
            return
        j = 0


def _plan(tpl: _Templates, m: int, t: int, j: int, n: int, out: np.ndarray
          ) -> tuple[int, int] | None:
    """Write the block period by period; return the last period's (start, frames)."""
    add = np.add
    for piece in _periods(tpl, m, t, j, n):
        if piece is None:
            return None
        i, item, _, j, take, m = piece
        add(item.sums[j : j + take], m * _GRID, out=out[i : i + take])
    return m, j + take


# Periods walked at once: later blocks of the stream take their periods from the same
# walk (its numpy calls cost more than the arithmetic of one block's few periods).
_WALK_AHEAD = 1024


def _walk_block(tpl: _Templates, m: int, t: int, j: int, n: int, memo: PhaseMemo
                ) -> tuple | None:
    """The periods of a block by the vectorised walk, or None if it did not settle.

    Returns ``(starts, ts, lens, ends, last)``: start and template of each period
    (the first is the one the block begins in, j frames along), their lengths, the
    block frame where each next period begins, and the index of the period holding
    the block's last frame.

    A block whose period start is the kept walk's next expected one (see
    :class:`_Walk`) reads its periods from it; otherwise a new walk is made.
    """
    # Periods touched: this one and at most count - 1 more, each min_length or longer.
    count = (n - tpl.items[t].length + j) // tpl.min_length + 2
    walk = memo.walk
    if walk is not None and walk.tpl is tpl:
        i, starts = walk.next, walk.starts
        if i < starts.shape[0] and starts[i] != m:
            i += 1  # the last block ended exactly at a period's end
        if not (i + count <= starts.shape[0] and starts[i] == m):
            walk = None
    else:
        walk = None
    if walk is None:
        got = tpl.walk(m, max(count, _WALK_AHEAD), memo)
        if got is None and count < _WALK_AHEAD:
            # A guess far ahead did not settle: this block's own periods may.
            got = tpl.walk(m, count, memo)
        if got is None:
            memo.walk = None
            return None
        walk = memo.walk = _Walk(tpl, *got)
        i = 0
    end = i + count
    # Frames from the walk's first period start to this block's first frame.
    before = (int(walk.ends[i - 1]) if i else 0) + j
    block_ends = walk.ends[i:end] - before
    last = int(block_ends.searchsorted(n - 1, side="right"))
    walk.at, walk.next = i, i + last
    return walk.starts[i:end], walk.ts[i:end], walk.lens[i:end], block_ends, last


class _Walk:
    """A vectorised walk over many periods from one start, kept by the memo.

    The walk from a start is the same whenever it is made, so one walk serves the
    blocks that follow for as long as it reaches. What blocks need per period is
    derived from it once, on first use. ``starts`` is a view of the memo's walk
    arrays: the next walk overwrites it, and replaces this record.
    """

    __slots__ = ("tpl", "starts", "ts", "lens", "ends", "at", "next", "_runs", "_rows")

    def __init__(self, tpl: _Templates, starts: np.ndarray, ts: np.ndarray) -> None:
        self.tpl, self.starts, self.ts = tpl, starts, ts
        self.lens = tpl.lens.take(ts)
        self.ends = np.add.accumulate(self.lens)  # frames to the end of each period
        self.at = 0  # index of the last block's first period
        self.next = 0  # where the next block is expected to begin
        self._runs: dict[int, tuple] = {}
        self._rows: tuple[np.ndarray, np.ndarray] | None = None

    def run_bounds(self, cuts: tuple) -> tuple[np.ndarray, np.ndarray]:
        """Per period, frames below then at or above the threshold of ``cuts``, in one
        row (below, above, below, ...), and the walk frame where each of those ends."""
        made = self._runs.get(id(cuts))
        if made is None or made[0] is not cuts:
            _, _, first_above, late = cuts
            every = np.empty((self.ts.shape[0], 2), dtype=np.intp)
            below = every[:, 0]
            first_above.take(self.ts, out=below, mode="clip")
            below -= self.starts >= late.take(self.ts)
            np.subtract(self.lens, below, out=every[:, 1])
            flat = every.reshape(-1)
            made = self._runs[id(cuts)] = (cuts, flat, np.add.accumulate(flat))
        return made[1], made[2]

    def block_runs(self, cuts: tuple, pos: int, n: int, memo: PhaseMemo) -> tuple | None:
        """Runs below/above the threshold of ``cuts`` for frames ``pos`` to ``pos + n``.

        ``pos`` counts frames from the walk's first period start. Returns ``(runs,
        start, frames done, template)`` of the period holding the last frame, or None
        if the walk ends before the block does.
        """
        flat, bounds = self.run_bounds(cuts)
        end = pos + n
        last = int(bounds.searchsorted(end - 1, side="right"))  # run of the last frame
        if last >= bounds.shape[0] - 1:
            return None  # the block reaches the walk's end: the caller makes a new walk
        first = int(bounds.searchsorted(pos, side="right"))  # run of the first frame
        first -= first & 1  # start on a "below" run, empty if the block starts above
        count = last - first + 1
        runs = memo.run_array((count + 1) // 2).reshape(-1)
        np.copyto(runs[:count], flat[first : last + 1])
        if count & 1:
            runs[count] = 0  # the block ends below: an empty last run above
        # The first and last runs are cut at the block's edges (they may be one run).
        before = int(bounds[first - 1]) if first else 0
        if pos > before:
            cut = min(pos, int(bounds[first]))
            runs[0] -= cut - before
            if cut < pos:
                runs[1] -= pos - cut
        runs[last - first] -= int(bounds[last]) - end
        k = last >> 1  # the period holding the last frame
        done = end - (int(bounds[2 * k - 1]) if k else 0)
        self.next = k
        return runs, int(self.starts[k]), done, int(self.ts[k])

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Per period: the jump of the index into ``vals``, and the start.

        The jump goes from the period's last frame to the next period's first; the
        start is in radians (exact: starts are below 2**53 grid units).
        """
        if self._rows is None:
            jumps = self.tpl.at.take(self.ts[1:])
            jumps -= self.tpl.last.take(self.ts[:-1])
            self._rows = (jumps, self.starts * _GRID)
        return self._rows


class _OnWalk(NamedTuple):
    """Where the last block of threshold_runs ended on the kept walk."""

    step: float
    threshold: float
    acc: float  # the accumulator after the block
    walk: _Walk
    cuts: tuple  # the walk's templates' cuts at threshold
    pos: int  # the walk frame after the block


def _plan_vectorised(tpl: _Templates, m: int, t: int, j: int, n: int, out: np.ndarray,
                     memo: PhaseMemo) -> tuple[int, int] | None:
    """Write the block with a vectorised walk and one gather; see _plan."""
    block = _walk_block(tpl, m, t, j, n, memo)
    if block is None:
        return None
    starts, ts, lens, ends, last = block
    # Frame k is value j_k of a period of template t_k: vals[q_k] plus that period's
    # start, with q_k = at[t_k] + j_k. q is a cumulative sum of ones with the jumps
    # between template rows written at the period starts (and reset afterwards, so
    # the ones are never refilled). No float cumsum: its sequential adds cost four
    # times an int64 one here.
    ones, q = memo.index_arrays(n)
    pos = ends[:last]  # block frames where periods 1..last begin
    at = memo.walk.at
    jumps, firsts = memo.walk.rows()
    ones[pos] = jumps[at : at + last]
    ones[0] = tpl.at_list[t] + j
    np.add.accumulate(ones[:n], out=q[:n])
    ones[pos] = 1
    ones[0] = 1
    # mode="clip": q is in range by construction, and the default mode="raise"
    # gathers into a temporary and copies it to out= (about 40 % slower here).
    tpl.vals.take(q[:n], out=out, mode="clip")
    # Each period's start, once per frame of it (np.repeat has no out=; the array is
    # a block of doubles that malloc hands back each time).
    seg = memo.segment_array(last + 1)  # frames of each period within the block
    np.copyto(seg, lens[: last + 1])
    seg[0] -= j
    seg[last] -= int(ends[last]) - n
    out += firsts[at : at + last + 1].repeat(seg)
    begun = int(ends[last - 1]) if last else -j
    return int(starts[last]), n - begun

