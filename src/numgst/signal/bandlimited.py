"""Band-limited square, saw and triangle: no partials folded back below Nyquist.

Two established methods, chosen per tone by how many harmonics fit below Nyquist:

* Additive synthesis (the Fourier series truncated at Nyquist) when at most
  ``MAX_ADDITIVE`` harmonics fit: band-limited by construction, alias-free to
  rounding error. This covers every tone above ``rate / (2 * MAX_ADDITIVE)``, where
  aliasing of the naive waves is worst.
* PolyBLEP (polynomial band-limited step; Valimaki & Huovilainen 2007) for lower
  tones, where the naive waves' folded partials are already weak (harmonic order
  > MAX_ADDITIVE, amplitude < 1/MAX_ADDITIVE) and the residual correction by a
  two-sample polynomial around each discontinuity suffices. Triangle uses the
  integrated form, PolyBLAMP, on its slope changes.

All functions take the *normalised* phase ``u`` in [0, 1) (cycles), the per-sample
increment ``dt = freq / rate`` (cycles per sample) and write into ``out``. Output
peak is 1 for the naive shapes; the additive forms have Gibbs overshoot (~9 %) on
square and saw, which is inherent to a band-limited step: callers that need a hard
full-scale bound scale by :data:`PEAK`.
"""

from __future__ import annotations

import math

import numpy as np

MAX_ADDITIVE = 128
# Peak of the band-limited waves relative to the naive ones: a square of one harmonic
# (4/pi); with more, the Gibbs overshoot stays below it.

PEAK = 4.0 / math.pi


def harmonics_below_nyquist(dt: float) -> int:
    """How many harmonics k*f of a tone with ``dt = f/rate`` lie strictly below Nyquist."""
    if dt <= 0.0:
        return 0
    return max(0, math.ceil(0.5 / dt) - 1)


def _additive(
    u: np.ndarray, ks: np.ndarray, amps: np.ndarray, out: np.ndarray, cos: bool = False
) -> np.ndarray:
    # One (n, K) pass: K is at most MAX_ADDITIVE, so this is a bounded cost per sample.
    arg = np.multiply.outer(u, ks * (2.0 * math.pi))
    (np.cos if cos else np.sin)(arg, out=arg)
    np.dot(arg, amps, out=out)
    return out


def _polyblep(u: np.ndarray, dt: float, out: np.ndarray) -> np.ndarray:
    """The PolyBLEP residual for a unit downward step at u = 0 (sampled at ``u``)."""
    out.fill(0.0)
    lo = u < dt
    x = u[lo] / dt
    out[lo] = x + x - x * x - 1.0
    hi = u > 1.0 - dt
    x = (u[hi] - 1.0) / dt
    out[hi] = x * x + x + x + 1.0
    return out


def _polyblamp(u: np.ndarray, dt: float, out: np.ndarray) -> np.ndarray:
    """The PolyBLAMP residual for a unit slope change at u = 0, in units of dt."""
    out.fill(0.0)
    lo = u < dt
    x = u[lo] / dt - 1.0
    out[lo] = -(x**3) / 3.0
    hi = u > 1.0 - dt
    x = (u[hi] - 1.0) / dt + 1.0
    out[hi] = (x**3) / 3.0
    return out


def saw(u: np.ndarray, dt: float, out: np.ndarray) -> np.ndarray:
    """Band-limited rising saw, -1 at u=0+ to +1 at u=1-, zero crossing at u = 0.5.

    Parameters
    ----------
    u : ndarray of float64
        Normalised phase in cycles, [0, 1).
    dt : float
        Frequency / sample rate (cycles per sample), in (0, 0.5).
    out : ndarray of float64, same shape as ``u``
    """
    k = harmonics_below_nyquist(dt)
    if 0 < k <= MAX_ADDITIVE:
        ks = np.arange(1, k + 1, dtype=np.float64)
        amps = -2.0 / (math.pi * ks)  # Fourier series of 2u - 1 on [0, 1)
        return _additive(u, ks, amps, out)
    np.multiply(u, 2.0, out=out)
    out -= 1.0
    blep = _polyblep(u, dt, np.empty_like(u))
    out -= blep
    return out


def square(u: np.ndarray, dt: float, out: np.ndarray) -> np.ndarray:
    """Band-limited square, +1 for u in [0, 0.5), -1 for u in [0.5, 1).

    Parameters as :func:`saw`.
    """
    k = harmonics_below_nyquist(dt)
    if 0 < k <= MAX_ADDITIVE:
        ks = np.arange(1, k + 1, 2, dtype=np.float64)
        amps = 4.0 / (math.pi * ks)
        return _additive(u, ks, amps, out)
    np.less(u, 0.5, out=out)  # 1.0 / 0.0
    out *= 2.0
    out -= 1.0
    tmp = np.empty_like(u)
    out += _polyblep(u, dt, tmp)
    shifted = np.mod(u + 0.5, 1.0)
    out -= _polyblep(shifted, dt, tmp)
    return out


def triangle(u: np.ndarray, dt: float, out: np.ndarray) -> np.ndarray:
    """Band-limited triangle: 0 at u=0, +1 at u=0.25, -1 at u=0.75 (a sine's shape).

    Parameters as :func:`saw`.
    """
    k = harmonics_below_nyquist(dt)
    if 0 < k <= MAX_ADDITIVE:
        ks = np.arange(1, k + 1, 2, dtype=np.float64)
        signs = np.where(((ks - 1) / 2) % 2 == 0, 1.0, -1.0)
        amps = signs * 8.0 / (math.pi**2 * ks**2)
        return _additive(u, ks, amps, out)
    # Naive triangle from the phase, then PolyBLAMP at its two corners (u = 0.25
    # slope +4 -> -4, u = 0.75 slope -4 -> +4; slope change 8 per cycle = 8*dt/sample).
    v = np.mod(u + 0.25, 1.0)
    np.subtract(2.0, np.abs(4.0 * v - 2.0), out=out)
    out -= 1.0
    tmp = np.empty_like(u)
    out -= 8.0 * dt * _polyblamp(np.mod(u - 0.25, 1.0), dt, tmp)
    out += 8.0 * dt * _polyblamp(np.mod(u - 0.75, 1.0), dt, tmp)
    return out
