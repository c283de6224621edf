"""The specification: C's accumulator, one period at a time.

The C element keeps one double ``acc`` and, per frame, does::

    acc += step            # step = 2*pi*freq/rate
    if acc >= 2*pi: acc -= 2*pi
    sample = f(acc)

:func:`accumulate_periods` is that loop with one ``np.cumsum`` per period: a period
restarts from the wrapped value, and ``np.cumsum`` on 1-D data adds strictly left to
right, so every sum is C's. It is exact for any start and any step below 2*pi, and is
what every faster method falls back on and is tested against.
"""

from __future__ import annotations

import math

import numpy as np

TWO_PI = 2.0 * math.pi  # same double as C's M_PI_M2 = M_PI + M_PI


def phase_step(freq: float, rate: int) -> float:
    """Phase increment per frame, in radians, computed as the C element does."""
    return TWO_PI * freq / rate


def accumulate_periods(acc: float, step: float, out: np.ndarray) -> float:
    """Fill ``out`` with the next phases from ``acc``, period by period; return the last.

    Parameters
    ----------
    acc : float
        Phase before the first frame, radians.
    step : float
        Phase increment per frame, radians, below 2*pi (0 allowed).
    out : ndarray of float64, shape (n,)
        Receives the phases, radians.
    """
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


def accumulate_frames(acc: float, step: float, out: np.ndarray) -> float:
    """The C loop itself, frame by frame, in Python floats (IEEE doubles rounded as C's
    are): ``acc += step``, less 2*pi once it reaches 2*pi. Exact for any start and
    step; returns the last phase.

    For steps of 2*pi or more (freq >= rate, only with caps forced far below the
    Nyquist rate), C wraps every frame and acc still drifts upward. For periods of a
    few frames (steps above :data:`~.templates.MAX_STEP` wrap past 8, where the faster
    methods do not apply) a cumulative sum per period costs a numpy call for every
    two or three frames: about 0.2 us a frame here, against 3 us.
    """
    phases: list[float] = []
    keep = phases.append
    for _ in range(out.shape[0]):
        acc += step
        if acc >= TWO_PI:
            acc -= TWO_PI
        keep(acc)
    out[:] = phases
    return acc


# Periods (frames) below which the loop frame by frame beats a cumulative sum per
# period: a numpy call costs about as much as 20 frames of the loop.
LOOP_PERIOD = 20.0


def accumulate_exact(acc: float, step: float, out: np.ndarray) -> float:
    """The next phases from any start and any step, exactly, by the cheaper of
    :func:`accumulate_frames` and :func:`accumulate_periods` for the step's period:
    what the faster methods fall back on."""
    short = step > 0.0 and TWO_PI / step < LOOP_PERIOD
    return (accumulate_frames if short else accumulate_periods)(acc, step, out)
