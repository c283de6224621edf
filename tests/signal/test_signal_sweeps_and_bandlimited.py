"""Signal code beyond the C element, tested alone against exact math: sweeps and
band-limited waves."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numgst.signal import bandlimited as bl
from numgst.signal.scratch import Scratch
from numgst.signal.sweep import SweepLaw, sweep_phase

RATE = 48000


def _sweep_output(law: SweepLaw, seconds: float, block: int) -> np.ndarray:
    scratch = Scratch()
    total = int(seconds * RATE)
    x = np.empty(total)
    for i in range(0, total, block):
        sweep_phase(law, RATE, i, x[i : i + block], scratch)
    return np.sin(x)


def _freq_at_upward_crossings(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Instantaneous frequency measured from the samples at each upward zero crossing.

    Around an upward crossing the phase is within (-pi/2, pi/2) of 0, so asin of two
    neighbouring samples gives their phases exactly, and their difference is the
    phase advance over that sample interval.
    """
    i = np.flatnonzero((x[:-1] < 0) & (x[1:] >= 0))
    dphi = np.arcsin(x[i + 1]) - np.arcsin(x[i])
    return (i + 0.5) / RATE, dphi * RATE / (2 * math.pi)


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("block", [1000, 1, 4096])
def test_sweep_instantaneous_frequency_follows_the_law(log, block):
    law = SweepLaw(f0=50.0, f1=2000.0, duration=1.0, log=log)
    seconds = 0.25 if block == 1 else 2.5  # two and a half sweeps: restarts included
    x = _sweep_output(law, seconds, block)
    t, f = _freq_at_upward_crossings(x)
    expected = law.frequency(np.mod(t, law.duration))
    # Crossings right at a restart straddle two sweeps.
    keep = np.abs(np.mod(t + 1e-3, law.duration) - 1e-3) > 2.0 / RATE
    rel = np.abs(f[keep] / expected[keep] - 1.0)
    assert keep.sum() > 10
    assert rel.max() < 1e-3, rel.max()


def test_sweep_is_phase_continuous_across_restarts_and_blocks():
    law = SweepLaw(f0=100.0, f1=3000.0, duration=0.1, log=True)
    x = _sweep_output(law, 0.5, 333)
    # No sample-to-sample step bigger than the steepest slope allows.
    assert np.abs(np.diff(x)).max() <= 2 * math.pi * 3000.0 / RATE * 1.001


def test_sweep_starts_at_f0_with_phase_zero():
    law = SweepLaw(f0=440.0, f1=880.0, duration=1.0)
    out = np.empty(4)
    sweep_phase(law, RATE, 0, out)
    assert out[0] == 0.0
    assert out[1] == pytest.approx(2 * math.pi * (440.0 / RATE + 220.0 / RATE**2))


def _alias_level_db(x: np.ndarray, f: float) -> float:
    """Strongest partial folded back below Nyquist, dB relative to the fundamental."""
    n = x.size
    w = np.blackman(n)
    spec = np.abs(np.fft.rfft(x * w))
    worst = -400.0
    true_bins = [round(k * f * n / RATE) for k in range(1, int(RATE / 2 / f) + 1)]
    for k in range(1, 400):
        fk = k * f
        if fk < RATE / 2:
            continue
        fa = abs(((fk + RATE / 2) % RATE) - RATE / 2)
        i = int(round(fa * n / RATE))
        if min(abs(i - b) for b in true_bins) <= 4:
            continue  # folds onto a real harmonic: not measurable here
        worst = max(worst, 20 * np.log10(spec[max(i - 2, 0) : i + 3].max() / spec.max()))
    return worst


def _naive(kind: str, u: np.ndarray) -> np.ndarray:
    return {
        "square": np.where(u < 0.5, 1.0, -1.0),
        "saw": 2 * u - 1,
        "triangle": 1 - np.abs(4 * np.mod(u + 0.25, 1.0) - 2),
    }[kind]


ALIAS_LIMIT_DB = -90.0  # stated level for tones above rate / (2 * MAX_ADDITIVE)


@pytest.mark.parametrize("kind", ["square", "saw", "triangle"])
@pytest.mark.parametrize("freq", [5000.0, 3001.0, 997.0])
def test_band_limited_waves_have_no_aliased_partials(kind, freq):
    u = np.mod(np.arange(RATE) * (freq / RATE), 1.0)
    out = np.empty_like(u)
    getattr(bl, kind)(u, freq / RATE, out)
    assert _alias_level_db(out, freq) < ALIAS_LIMIT_DB
    naive = _alias_level_db(_naive(kind, u), freq)
    assert naive > -60.0  # the naive wave does alias, so the test can tell them apart
    # Same fundamental as the naive wave (within the Fourier series' truncation).
    assert np.corrcoef(out, _naive(kind, u))[0, 1] > 0.9


@pytest.mark.parametrize("kind", ["square", "saw", "triangle"])
def test_band_limited_low_tones_use_polyblep_and_stay_in_range(kind):
    freq = 151.3  # below rate / (2 * MAX_ADDITIVE): the PolyBLEP branch
    assert bl.harmonics_below_nyquist(freq / RATE) > bl.MAX_ADDITIVE
    u = np.mod(np.arange(RATE) * (freq / RATE), 1.0)
    out = np.empty_like(u)
    getattr(bl, kind)(u, freq / RATE, out)
    assert np.abs(out).max() <= bl.PEAK
    # PolyBLEP's residual correction: measured ~8 dB below the naive wave here.
    assert _alias_level_db(out, freq) < _alias_level_db(_naive(kind, u), freq) - 5.0


@pytest.mark.parametrize("kind", ["square", "saw", "triangle"])
@pytest.mark.parametrize("freq", [20.0, 150.0, 440.0, 5000.0, 15000.0])
def test_band_limited_peak_is_bounded(kind, freq):
    u = np.mod(np.arange(4800) * (freq / RATE), 1.0)
    out = np.empty_like(u)
    getattr(bl, kind)(u, freq / RATE, out)
    assert np.abs(out).max() <= bl.PEAK
