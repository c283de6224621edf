"""The accumulator's phases and runs for a block, by the cheapest exact route.

* Steady state (the block continues where the last one ended, or starts at a period
  start): the block is a :class:`~.walk.Span` of the kept walk, from which its phases
  or runs come without any sequential sum.
* Otherwise the row method (:mod:`.rows`) settles the block from any start, and the
  block's last period start is remembered, so the next block is in the steady state.
* Odd cases (step 0, a step of 2*pi or more, an accumulator outside [0, 2*pi) after
  forced caps) take the reference loop (:mod:`.reference`).
"""

from __future__ import annotations

import numpy as np

from .memo import PhaseMemo, Resume
from .reference import TWO_PI, accumulate_exact
from .rows import GRID_INV, accumulate_rows
from .templates import MAX_STEP, Templates
from .walk import Position, Span, Walk

# Periods walked at once: later blocks of the stream take their periods from the same
# walk (its numpy calls cost more than the arithmetic of one block's few periods). At
# least WALK_AHEAD, and WALK_BLOCKS blocks' worth: a walk is dropped when the next block
# does not fit in what is left of it, so a walk of barely two blocks (a long buffer
# list) would be walked again for every block, wasting up to half its periods.
WALK_AHEAD = 1024
WALK_BLOCKS = 4


def accumulate_phase(
    acc: float, step: float, out: np.ndarray, memo: PhaseMemo | None = None
) -> float:
    """Fill ``out`` with the accumulator's next ``len(out)`` phases; return the last.

    Parameters
    ----------
    acc : float
        Phase before the first output frame, radians in [0, 2*pi).
    step : float
        Phase increment per frame, radians (see :func:`~.reference.phase_step`).
    out : ndarray of float64, shape (n,)
        Receives the phases, radians, bit-identical to the C accumulator's.
    memo : PhaseMemo, optional
        The stream's memo: same results, less work.

    Returns
    -------
    float
        The accumulator after the last frame: pass it as ``acc`` for the next block.
    """
    n = out.shape[0]
    if n == 0:
        return acc
    if not (0.0 < step < TWO_PI and 0.0 <= acc < TWO_PI):
        # freq == 0 or >= rate, or an accumulator left outside [0, 2*pi) by forced caps.
        return accumulate_exact(acc, step, out)
    if memo is None:
        memo = PhaseMemo()
    span = block_span(acc, step, n, memo)
    if span is None:
        return _by_rows(acc, step, out, memo)
    span.phases(out, memo.scratch)
    return finish(span, step, memo)


def threshold_runs(
    acc: float, step: float, threshold: float, n: int, memo: PhaseMemo | None = None
) -> tuple[np.ndarray, float]:
    """How the accumulator's next ``n`` phases sit against ``threshold``, as runs.

    The phases are those of :func:`accumulate_phase` (same arguments, same returned
    accumulator); only their comparison with ``threshold`` is kept, as alternating
    run lengths: frames below, frames at or above, below, ... In the steady state the
    phases are never computed: each period is below the threshold up to a frame that
    its template and start give exactly.

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
    if n > 0 and 0.0 < step < TWO_PI and 0.0 <= acc < TWO_PI and 0.0 < threshold < TWO_PI:
        span = block_span(acc, step, n, memo)
        cuts = span.walk.tpl.cut_set((threshold,)) if span is not None else None
        if span is not None and cuts is not None:
            runs = span.runs(cuts, memo.scratch)
            return runs, finish(span, step, memo)
    phases = memo.scratch.get("osc-phases", n)
    acc = accumulate_phase(acc, step, phases, memo)
    return _runs_of(phases >= threshold), acc


def block_span(acc: float, step: float, n: int, memo: PhaseMemo) -> Span | None:
    """The block of ``n`` frames after ``acc`` on a walk, if its position is known
    (steady state) and the step has templates; None otherwise. Call :func:`finish`
    once the block is used."""
    if not (0.0 < step <= MAX_STEP and 0.0 <= acc < TWO_PI and n > 0):
        return None
    # Templates are made for a block of at least a whole period (they pay off then,
    # and their size, a period's, stays within the block's); later blocks of any
    # length use them.
    found = _locate(acc, step, memo, build=TWO_PI <= n * step)
    if found is None:
        return None
    tpl, where, period = found
    walk = memo.walk
    if walk is not None and walk.tpl is tpl and walk.holds(period, where.m):
        span = walk.span(walk.frame_of(period, where.j), n, period)
        if span is not None:
            return span
    walk = _new_walk(tpl, where, n, memo)
    return walk.span(where.j, n) if walk is not None else None


def finish(span: Span, step: float, memo: PhaseMemo) -> float:
    """The accumulator after ``span``'s block, remembered for the next block."""
    where = span.after()
    acc = span.walk.tpl.value(*where)
    memo.resume = Resume(step, acc, where, span.last)
    return acc


def _locate(
    acc: float, step: float, memo: PhaseMemo, build: bool
) -> tuple[Templates, Position, int] | None:
    """Where ``acc`` stands: its templates, its position, its period on the kept walk
    (-1 if unknown). Known when the last block for this step ended at ``acc``, or when
    ``acc`` is itself a period start (the stream start, 0.0)."""
    r = memo.resume
    if r is not None and r.step == step and r.acc == acc:
        where, period = r.where, r.period
    elif acc < step and (acc * GRID_INV).is_integer():
        where, period = Position(int(acc * GRID_INV), -1, 1), -1
    else:
        return None
    tpl = memo.templates_of(step) if build else memo.templates.get(step)
    if tpl is None or not tpl.usable:
        return None
    placed = _placed(tpl, where, period)
    return (tpl, *placed) if placed is not None else None


def _placed(tpl: Templates, where: Position, period: int) -> tuple[Position, int] | None:
    """``where`` with its template found, moved to the next period's start if it is
    at the end of its own; None if a start falls outside every template."""
    t = where.t if where.t >= 0 else tpl.find(where.m)
    if t < 0:
        return None
    if where.j < tpl.items[t].length:
        return Position(where.m, t, where.j), period
    m = where.m + tpl.items[t].jump
    t = tpl.find(m)
    if t < 0:
        return None
    return Position(m, t, 0), (period + 1 if period >= 0 else -1)


def _new_walk(tpl: Templates, where: Position, n: int, memo: PhaseMemo) -> Walk | None:
    # Periods touched: this one and at most count - 1 more, each min_length or longer.
    count = (n - tpl.items[where.t].length + where.j) // tpl.min_length + 2
    ahead = max(WALK_BLOCKS * count, WALK_AHEAD)
    got = _walk(tpl, where.m, ahead, memo)
    if got is None and count < ahead:
        # A guess far ahead did not settle: this block's own periods may.
        got = _walk(tpl, where.m, count, memo)
    memo.walk = Walk(tpl, *got) if got is not None else None
    return memo.walk


def _walk(
    tpl: Templates, m: int, count: int, memo: PhaseMemo
) -> tuple[np.ndarray, np.ndarray] | None:
    guess = memo.scratch.get("walk-guess", count)
    starts = memo.scratch.get("walk-starts", count, np.int64)
    return tpl.walk(m, count, guess, starts)


def _by_rows(acc: float, step: float, out: np.ndarray, memo: PhaseMemo) -> float:
    """The row method from any start; remembers the block's last period start, so the
    next block can take the walk."""
    acc, memo.workspace = accumulate_rows(acc, step, out, memo.workspace)
    memo.resume = None
    n = out.shape[0]
    drops = np.flatnonzero(out[1:] < out[:-1])
    if drops.size and step <= MAX_STEP:
        w = int(drops[-1]) + 1
        memo.resume = Resume(step, acc, Position(int(out[w] * GRID_INV), -1, n - w), -1)
    return acc


def _runs_of(above: np.ndarray) -> np.ndarray:
    """Alternating run lengths (below, above, ...) of a boolean array, even length."""
    n = above.shape[0]
    # Runs end where the comparison changes; a block starting above gets an empty
    # first run below, and one ending below an empty last run above.
    ends = np.flatnonzero(above[1:] != above[:-1]) + 1
    lead = [0] if n and above[0] else []
    tail = [] if (len(lead) + ends.shape[0]) % 2 else [n]
    bounds = np.array([0, *lead, *ends.tolist(), n, *tail], dtype=np.intp)
    return np.diff(bounds)
