"""Sine sweeps (chirps) with a closed-form phase: exact instantaneous frequency.

Two laws, as used for audio measurement:

* linear: ``f(t) = f0 + (f1 - f0) * t / T``
* logarithmic (exponential sine sweep, Farina): ``f(t) = f0 * (f1 / f0) ** (t / T)``

The sweep restarts at ``f0`` every ``T`` seconds. The phase at a restart carries over
(modulo 2*pi), so the signal stays continuous across restarts and across buffers.
Phase inside one sweep is evaluated in closed form from the sweep's start, never by
summing per-sample increments, so it does not drift however long the stream runs.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .scratch import Scratch

TWO_PI = 2.0 * math.pi


@dataclasses.dataclass(frozen=True)
class SweepLaw:
    """A sweep from ``f0`` to ``f1`` Hz in ``duration`` seconds; ``log`` picks the law."""

    f0: float
    f1: float
    duration: float
    log: bool = False

    def phase(self, t: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Phase in radians at times ``t`` (seconds from the sweep's start), phase(0) = 0.

        Parameters
        ----------
        t : ndarray of float64
            Seconds since the start of this sweep, in [0, duration].
        out : ndarray of float64, optional
            Receives the phase; must not be ``t`` itself.
        """
        f0, f1, span = self.f0, self.f1, self.duration
        if self.log and f0 > 0.0 and f1 > 0.0 and f0 != f1:
            k = math.log(f1 / f0) / span
            # 2*pi*f0/k * (exp(k t) - 1), with expm1 for accuracy at small k*t.
            out = np.multiply(t, k, out=out)
            np.expm1(out, out=out)
            out *= TWO_PI * f0 / k
            return out
        # Linear law (and the log law's degenerate cases: a constant tone).
        slope = 0.0 if self.log else (f1 - f0) / span
        out = np.multiply(t, 0.5 * slope, out=out)
        out += f0
        out *= t
        out *= TWO_PI
        return out

    def frequency(self, t: np.ndarray) -> np.ndarray:
        """Instantaneous frequency in Hz at times ``t`` (seconds from the sweep's start)."""
        if self.log and self.f0 > 0.0 and self.f1 > 0.0:
            return self.f0 * (self.f1 / self.f0) ** (t / self.duration)
        if self.log:
            return np.full_like(t, self.f0)
        return self.f0 + (self.f1 - self.f0) * t / self.duration


def sweep_phase(
    law: SweepLaw, rate: int, first_sample: int, out: np.ndarray, scratch: Scratch | None = None
) -> None:
    """Fill ``out`` with the sweep's phase (radians, wrapped to [0, 2*pi)) at stream
    samples ``first_sample``, ``first_sample + 1``, ...

    A pure function of the sample index: sample 0 is the start of the first sweep
    (phase 0, frequency ``f0``), sweep ``k`` starts at sample ``k * round(T * rate)``
    with the phase the previous sweep ended on, so the signal is continuous across
    restarts, and any block (after a seek, or cut anyhow) is the same samples.

    Parameters
    ----------
    law : SweepLaw
    rate : int
        Sample rate in Hz.
    first_sample : int
        Stream sample index of ``out[0]`` (>= 0).
    out : ndarray of float64, shape (n,)
    scratch : Scratch, optional
        The stream's work arrays (the block's times); without it they are allocated.
    """
    n = out.shape[0]
    period = max(1, round(law.duration * rate))  # frames per sweep
    # Phase at the end of one sweep (= the start of the next), reduced once.
    end = math.fmod(float(law.phase(np.array([period / rate]))[0]), TWO_PI)
    sweep, pos = divmod(first_sample, period)
    offset = math.fmod(sweep * end, TWO_PI)
    if scratch is None:
        scratch = Scratch()
    ramp = scratch.ramp(min(n, period))
    i = 0
    while i < n:  # one pass per sweep restart inside this block, not per sample
        m = min(n - i, period - pos)
        t = np.add(ramp[:m], pos, out=scratch.get("sweep-times", m))
        t /= rate
        seg = law.phase(t, out=out[i : i + m])
        seg += offset
        offset = math.fmod(offset + end, TWO_PI)
        pos = 0
        i += m
    np.fmod(out, TWO_PI, out=out)
