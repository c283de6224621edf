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


@dataclasses.dataclass
class SweepState:
    """Where the stream is: frames since the current sweep began, and its phase offset."""

    frame_in_sweep: int = 0
    phase_offset: float = 0.0
    # 0, 1, 2, ... reused between calls so a block costs no allocation.
    ramp: np.ndarray = dataclasses.field(default_factory=lambda: np.arange(0.0))
    times: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))

    def ramp_of(self, n: int) -> np.ndarray:
        if self.ramp.shape[0] < n:
            self.ramp = np.arange(float(max(n, 2 * self.ramp.shape[0])))
            self.times = np.empty_like(self.ramp)
        return self.ramp[:n]


def sweep_phase(law: SweepLaw, rate: int, state: SweepState, out: np.ndarray) -> None:
    """Fill ``out`` with the sweep's phase (radians, wrapped to [0, 2*pi)) for the next
    ``len(out)`` frames and advance ``state``.

    The first frame of a stream is at t = 0 (phase 0): a sweep starts exactly at ``f0``.

    Parameters
    ----------
    law : SweepLaw
    rate : int
        Sample rate in Hz.
    state : SweepState
        Advanced in place.
    out : ndarray of float64, shape (n,)
    """
    n = out.shape[0]
    period = max(1, round(law.duration * rate))  # frames per sweep
    i = 0
    while i < n:  # one pass per sweep restart inside this block, not per sample
        m = min(n - i, period - state.frame_in_sweep)
        ramp = state.ramp_of(m)
        t = state.times[:m]
        np.add(ramp, state.frame_in_sweep, out=t)
        t /= rate
        seg = law.phase(t, out=out[i:i + m])
        seg += state.phase_offset
        state.frame_in_sweep += m
        if state.frame_in_sweep >= period:
            # Carry the phase the next frame would have had into the restarted sweep.
            end = law.phase(np.array([period / rate]))[0]
            state.phase_offset = math.fmod(state.phase_offset + end, TWO_PI)
            state.frame_in_sweep = 0
        i += m
    np.fmod(out, TWO_PI, out=out)
