"""Periodic tones beyond the C element: per-channel, per-sample and band-limited.

The C element evaluates its periodic waves on one accumulator shared by every channel
and steps it by a frequency fixed for the whole buffer. These functions lift both
limits while keeping the C element's wave shapes and phase convention (phase in
radians in [0, 2*pi), the first frame of a stream at one step past 0).
"""

from __future__ import annotations

import math

import numpy as np

from . import bandlimited
from .osc import TWO_PI


def shape(kind: str, phase: np.ndarray, out: np.ndarray, dt: float | None = None) -> np.ndarray:
    """A periodic wave of peak 1 at ``phase``, shaped as the C element shapes it.

    Parameters
    ----------
    kind : {"sine", "square", "saw", "triangle"}
    phase : ndarray of float64
        Radians in [0, 2*pi).
    out : ndarray of float64, same shape
        Receives the samples; must not be ``phase``.
    dt : float, optional
        Frequency / sample rate (cycles per sample). When given, square, saw and
        triangle are band-limited (:mod:`numgst.signal.bandlimited`) and may peak
        above 1 (Gibbs overshoot, up to ``bandlimited.PEAK``).

    Notes
    -----
    C's shapes: square is +1 below pi, -1 above; saw rises from 0 to 1 over [0, pi)
    and from -1 to 0 over [pi, 2*pi); triangle is a sine-shaped triangle.
    """
    if kind == "sine":
        np.sin(phase, out=out)
        return out
    if dt is not None:
        u = np.multiply(phase, 1.0 / TWO_PI, out=out)
        if kind == "saw":  # C's saw jumps at pi: our band-limited saw jumps at 0
            u += 0.5
            np.mod(u, 1.0, out=u)
        fn = {
            "square": bandlimited.square,
            "saw": bandlimited.saw,
            "triangle": bandlimited.triangle,
        }[kind]
        return fn(u.copy(), dt, out)
    if kind == "square":
        np.less(phase, math.pi, out=out)
        out *= 2.0
        out -= 1.0
        return out
    if kind == "saw":
        np.multiply(phase, 1.0 / math.pi, out=out)
        out -= 2.0 * (phase >= math.pi)
        return out
    if kind == "triangle":
        np.multiply(phase, 2.0 / math.pi, out=out)  # 0..4 over a period
        upper = out >= 1.0
        out[upper] = 2.0 - out[upper]  # 1 .. -1 over [pi/2, 3pi/2)
        low = phase >= 1.5 * math.pi
        out[low] = (phase[low] - TWO_PI) * (2.0 / math.pi)  # -1 .. 0
        return out
    raise ValueError(f"not a periodic wave: {kind!r}")


def variable_step_phase(acc: float, steps: np.ndarray, out: np.ndarray) -> float:
    """Phases for a frequency that changes every sample (a true chirp).

    Parameters
    ----------
    acc : float
        Phase before the first frame, radians in [0, 2*pi).
    steps : ndarray of float64
        Phase increment of each frame, radians (2*pi*freq[i]/rate).
    out : ndarray of float64, same shape as ``steps``
        Receives ``(acc + cumsum(steps)) mod 2*pi``.

    Returns
    -------
    float
        The last phase, for the next block.
    """
    np.cumsum(steps, out=out)
    out += acc
    np.mod(out, TWO_PI, out=out)
    return float(out[-1]) if out.shape[0] else acc


def channel_phase_offsets(phases_deg: tuple[float, ...], channels: int) -> np.ndarray:
    """Per-channel phase offsets in radians from degrees; missing channels get 0."""
    off = np.zeros(channels)
    k = min(channels, len(phases_deg))
    off[:k] = np.radians(np.asarray(phases_deg[:k], dtype=np.float64))
    return off


def channel_frequencies(freqs: tuple[float, ...], default: float, channels: int) -> np.ndarray:
    """Per-channel frequencies in Hz; channels beyond ``freqs`` use ``default``."""
    f = np.full(channels, default)
    k = min(channels, len(freqs))
    f[:k] = freqs[:k]
    return f
