"""Phase-accumulator oscillators matching GStreamer's C ``audiotestsrc`` sample for sample.

The C element keeps one double ``acc`` and, per frame, does::

    acc += step            # step = 2*pi*freq/rate
    if acc >= 2*pi: acc -= 2*pi
    sample = f(acc)

so the first sample of a stream is ``f(step)``, not ``f(0)``. Float rounding in that
sequential sum decides the low bits of every sample, so for bit-exact output the phases
here are computed with the same sequence of IEEE additions, vectorised per period.
"""

from __future__ import annotations

import math

import numpy as np

TWO_PI = 2.0 * math.pi  # same double as C's M_PI_M2 = M_PI + M_PI


def phase_step(freq: float, rate: int) -> float:
    """Phase increment per frame, in radians, computed as the C element does."""
    return TWO_PI * freq / rate


def accumulate_phase(acc: float, step: float, out: np.ndarray) -> float:
    """Fill ``out`` with the accumulator's next ``len(out)`` phases; return the last.

    Parameters
    ----------
    acc : float
        Phase before the first output frame, radians in [0, 2*pi).
    step : float
        Phase increment per frame, radians (see :func:`phase_step`).
    out : ndarray of float64, shape (n,)
        Receives the phases, radians, bit-identical to the C accumulator's.

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
    # One cumsum per period: each period restarts from the wrapped value, exactly as
    # the sequential C loop does. np.cumsum on 1-D data adds strictly left to right.
    period = TWO_PI / step if step > 0.0 else math.inf
    i = 0
    while i < n:
        ahead = n - i
        # Frames until the next wrap, plus margin for rounding in the estimate.
        span = ahead if period == math.inf else min(ahead, int((TWO_PI - acc) / step) + 2)
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
