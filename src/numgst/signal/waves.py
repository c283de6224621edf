"""Waveforms evaluated from accumulator phases, as the C ``audiotestsrc`` computes them.

Each function takes phases in radians (from :mod:`numgst.signal.oscillators`), an
amplitude in output units (1.0 for float formats, 32767.0 for S16, ...) and writes
float64 samples into ``out``. Casting to the sample format is the caller's job.
"""

from __future__ import annotations

import numpy as np


def sine(phase: np.ndarray, amp: float, out: np.ndarray) -> np.ndarray:
    """``sin(phase) * amp``.

    Parameters
    ----------
    phase : ndarray of float64
        Phases in radians.
    amp : float
        Peak amplitude in output units.
    out : ndarray of float64, same shape as ``phase``
        Receives the samples; may be ``phase`` itself.
    """
    np.sin(phase, out=out)
    out *= amp
    return out
