"""Phases from any start: one row per period, summed at once, starts found exactly.

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
"""

from __future__ import annotations

import numpy as np

from .reference import TWO_PI, accumulate_exact

GRID = 2.0**-50  # spacing of doubles in [4, 8), where the wraps happen
GRID_INV = 2.0**50
# Rounds of the fixed-point iteration before falling back to one cumsum per period.
# Each round fixes at least one more period; adversarial steps (ties in rounding that
# alternate with the last bit of the start) could otherwise need one round per period.
_MAX_ROUNDS = 6


class Workspace:
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
        # False once the iteration failed to settle for this step: the next blocks go
        # straight to the fallback (a failed try costs more than the fallback itself).
        self.settles = True


def accumulate_rows(
    acc: float, step: float, out: np.ndarray, workspace: Workspace | None
) -> tuple[float, Workspace | None]:
    """The next ``len(out)`` phases from ``acc`` (any start in [0, 2*pi), step in
    (0, 2*pi)); returns the last and the workspace to keep for the next call."""
    n = out.shape[0]
    # Rows needed: a period has at least floor(2pi/step) - 1 frames after its start.
    period = TWO_PI / step
    row_len = min(int(period) + 3, n + 1)
    if row_len > n:
        # At most one wrap in this block: the exact loops do it in one or two steps.
        return accumulate_exact(acc, step, out), workspace
    rows = n // max(int(period) - 1, 1) + 2
    if workspace is None or workspace.key != (step, rows, row_len):
        workspace = Workspace(step, rows, row_len)
    got = _settle(acc, step, out, workspace) if workspace.settles else None
    if got is None:  # not settled (steps that wrap past 8 mostly): exact for any start
        workspace.settles = False
        return accumulate_exact(acc, step, out), workspace
    return got, workspace


def _first_guesses(acc: float, step: float, ws: Workspace) -> np.ndarray:
    # From exact math: row k starts at (acc - k*2pi) mod step. Off by rounding only,
    # which the iteration corrects. On the 2**-50 grid, as every true start is: the
    # translation argument needs it.
    starts: np.ndarray = np.mod(ws.minus_k_two_pi + acc, step)
    starts *= GRID_INV
    np.rint(starts, out=starts)
    starts *= GRID
    starts[0] = acc
    return starts


def _settle(acc: float, step: float, out: np.ndarray, ws: Workspace) -> float | None:
    n = out.shape[0]
    last = ws.terms.shape[1] - 1
    starts = _first_guesses(acc, step, ws)
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
            return _gather(ws, wrap, out, n)
        # Starts up to b are exact, so T(start_b) is the exact start of row b + 1, and
        # the translations measured at the later guesses give the next guesses.
        b = int(diff[0])
        moved = nxt[b:-1] - starts[b:-1]  # exact: both on the 2**-50 grid, < 8
        moved[0] = nxt[b]
        np.cumsum(moved, out=starts[b + 1 :])
        _fold(starts[b + 2 :], step)
    return None


def _gather(ws: Workspace, wrap: np.ndarray, out: np.ndarray, n: int) -> float | None:
    np.less(ws.cols, wrap[:, None], out=ws.keep)
    ws.keep[0, 0] = False  # row 0's column 0 is the previous accumulator
    got = ws.sums[ws.keep]
    if got.shape[0] < n:  # cannot happen: rows are sized for n frames
        return None
    out[:] = got[:n]
    return float(out[-1])


def _fold(starts: np.ndarray, step: float) -> None:
    # True starts lie in [0, step]; bring wild guesses back there, leave the others as
    # they are so that an exact start is never altered.
    if starts.size and (starts.min() < 0.0 or starts.max() > step):
        bad = (starts < 0.0) | (starts > step)
        starts[bad] = np.rint(np.mod(starts[bad], step) * GRID_INV) * GRID
