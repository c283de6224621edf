"""Every waveform of the C ``audiotestsrc``, buffer by buffer, in numpy.

:func:`render` fills a float64 ``(frames, channels)`` block with exactly the double
value C computes before its final cast to the sample type, so the caller's cast
(truncation toward zero for integers, rounding for floats) gives C's bytes. The
deterministic waves (sine, square, saw, triangle, silence, sine-table) are bit-exact
with C for every sample type; the noises share C's algorithms and statistics but draw
from numpy's Generator (C seeds GLib's generator from /dev/urandom).

Ticks differ from GStreamer 1.22 on purpose, in two ways, and nowhere else:

* Placement. Here a tick starts at every stream sample index that is a multiple of
  ``samples_between_ticks = tick_interval * rate // 1e9``, counted from the stream
  start (sample 0 is a tick). C 1.22 computes a sample's position in the tick period
  from the sample index just *after* its buffer (it updates ``next_sample`` before
  generating), so its ticks sit at stream samples ``a`` with
  ``(a + samplesperbuffer) % samples_between_ticks == 0``: relative to the end of the
  first buffer, and shifted when samplesperbuffer changes. Passing C's ``next_sample``
  (the buffer's end) as ``first_sample`` reproduces 1.22's placement exactly.
* First sample of a tick. Here it is 0. C 1.22 resets its accumulator and tick counter
  there but writes nothing, so the sample keeps whatever the buffer memory held (a
  recycled buffer's old sample, often 0).

Everything else about ticks (burst of ``sine_periods_per_tick`` periods read from the
1024-entry table, marker ticks, the cubic ramp, the accumulator reset to 0 at a tick
and read before it is advanced, C's integer and cast arithmetic) matches 1.22.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import noise
from .osc import TWO_PI, PhaseMemo, accumulate_phase, phase_step, threshold_runs
from .scratch import Scratch

WAVE_NICKS: tuple[str, ...] = (
    "sine", "square", "saw", "triangle", "silence", "white-noise", "pink-noise",
    "sine-table", "ticks", "gaussian-noise", "red-noise", "blue-noise", "violet-noise",
)
(SINE, SQUARE, SAW, TRIANGLE, SILENCE, WHITE_NOISE, PINK_NOISE, SINE_TABLE, TICKS,
 GAUSSIAN_NOISE, RED_NOISE, BLUE_NOISE, VIOLET_NOISE) = range(13)

# Full-scale value per generated C type.
SCALES = {"int16": 32767.0, "int32": 2147483647.0, "float": 1.0, "double": 1.0}

# Noises whose samples are independent draws, one per sample and channel: any layout
# and any float type can receive them directly.
DRAWN_NOISES = frozenset((WHITE_NOISE, GAUSSIAN_NOISE))

PI = math.pi
HALF_PI = math.pi / 2  # G_PI_2
THREE_HALF_PI = math.pi * 1.5  # C: G_PI * 1.5
TABLE_SIZE = 1024
TABLE_SCALE = 1024.0 / TWO_PI  # C: scl = 1024.0 / M_PI_M2
INT_MIN = -(2**31)


@dataclasses.dataclass(frozen=True)
class WaveParams:
    """What one buffer needs, from the properties and the negotiated caps.

    ``ctype`` is the C sample type generated: "int16" (native S16), "int32" (S32 and
    every packed integer format), "float" (native F32) or "double" (F64 and
    non-native F32).
    """

    freq: float  # Hz
    volume: float  # 0..1
    rate: int  # Hz
    ctype: str
    sine_periods_per_tick: int = 10
    tick_interval: int = 1_000_000_000  # ns
    marker_tick_period: int = 0
    marker_tick_volume: float = 1.0
    apply_tick_ramp: bool = False

    @property
    def scale(self) -> float:
        return SCALES[self.ctype]


class WaveState:
    """Per-element-instance state, what C keeps in its instance struct.

    Unlike C, the blue/violet sign flip is per instance (C shares one static flip per
    sample type across every instance); like C, nothing resets it.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.accumulator = 0.0
        self.scratch = Scratch()
        self.phase_memo = PhaseMemo(self.scratch)
        self.tick_counter = 0
        self.noise = noise.NoiseState(seed)
        self.blue_flip = 1.0
        self.violet_flip = 1.0
        self._tables: dict[float, np.ndarray] = {}
        self._phase = np.empty(0)
        self._masks = np.empty((2, 0), dtype=bool)
        self._tick_seq = np.empty(0)
        self._tick_key: tuple | None = None

    @property
    def rng(self) -> np.random.Generator:
        return self.noise.rng

    def reset(self) -> None:
        """What C's start() resets."""
        self.accumulator = 0.0
        self.tick_counter = 0

    def wave_changed(self, wave: int) -> None:
        """What C's change_wave() re-initialises for ``wave``."""
        if wave in (PINK_NOISE, BLUE_NOISE):
            self.noise.reset_pink()
        elif wave in (RED_NOISE, VIOLET_NOISE):
            self.noise.reset_red()

    def phase_work(self, n: int) -> np.ndarray:
        if self._phase.shape[0] < n:
            self._phase = np.empty(max(n, 2 * self._phase.shape[0]))
        return self._phase[:n]

    def tick_phases(self, step: float, length: int) -> np.ndarray:
        """Phases read within a tick period: 0 at the tick, then C's sums from 0.

        The same for every tick of a stream, so computed once per (step, length).
        """
        key = (step, length)
        if self._tick_key != key:
            seq = np.empty(length)
            seq[0] = 0.0
            accumulate_phase(0.0, step, seq[1:])
            self._tick_seq, self._tick_key = seq, key
        return self._tick_seq

    def mask_work(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if self._masks.shape[1] < n:
            self._masks = np.empty((2, max(n, 2 * self._masks.shape[1])), dtype=bool)
        return self._masks[0, :n], self._masks[1, :n]

    def table(self, amp: float) -> np.ndarray:
        """C's 1024-entry table ``sin(ang) * amp``, ``ang`` summed step by step."""
        t = self._tables.get(amp)
        if t is None:
            ang = np.full(TABLE_SIZE, TWO_PI / 1024.0)
            ang[0] = 0.0
            np.cumsum(ang, out=ang)
            t = np.sin(ang)
            t *= amp
            if len(self._tables) > 8:  # volume under a controller: keep a few
                self._tables.clear()
            self._tables[amp] = t
        return t


def _c_int(x: float) -> int:
    """A double cast to gint as x86-64 does it (out of range or NaN -> INT_MIN)."""
    if not math.isfinite(x) or not (-(2**31) <= x < 2**31):
        return INT_MIN
    return int(x)


def _cast_scalar(x: float, ctype: str) -> float:
    """``(g<ctype>) x`` for one double, back as a double."""
    if ctype in ("int16", "int32"):
        return float(_c_int(x))
    if ctype == "float":
        return float(np.float32(x))
    return x


def _phases(p: WaveParams, state: WaveState, n: int) -> np.ndarray:
    """The next n phases, valid until the state's next use of its phase scratch."""
    ph = state.scratch.get("wave-phases", n)
    state.accumulator = accumulate_phase(state.accumulator, phase_step(p.freq, p.rate), ph,
                                         state.phase_memo)
    return ph


# Each shape function turns the phases ``ph`` into values in ``out`` that, times the
# returned gain, are exactly the doubles C computes before its cast.


def _sine(p: WaveParams, state: WaveState, ph: np.ndarray, out: np.ndarray) -> float:
    np.sin(ph, out=out)
    return p.volume * p.scale


def _square(p: WaveParams, state: WaveState, ph: np.ndarray, out: np.ndarray) -> float:
    # (0.5 - [acc >= pi]) * 2*amp is exactly C's +amp / -amp, signed zeros included.
    upper, _ = state.mask_work(ph.shape[0])
    np.greater_equal(ph, PI, out=upper)
    np.subtract(0.5, upper, out=out)
    return 2.0 * (p.volume * p.scale)


def square_runs(p: WaveParams, state: WaveState, n: int
                ) -> tuple[np.ndarray, tuple[float, float]]:
    """The next ``n`` frames of the square wave as runs of its two levels.

    Same samples as :func:`render` with SQUARE, described instead of computed: the
    frames are ``runs[0]`` at the first level, ``runs[1]`` at the second, ``runs[2]``
    at the first, ... The phases need not be computed for that (see
    :func:`~numgst.signal.osc.threshold_runs`).

    Returns
    -------
    runs : ndarray of intp
        Alternating run lengths summing to ``n``.
    levels : (float, float)
        +amp and -amp in output units (before C's cast).
    """
    runs, state.accumulator = threshold_runs(state.accumulator, phase_step(p.freq, p.rate),
                                             PI, n, state.phase_memo)
    amp = p.volume * p.scale
    return runs, (amp, -amp)


def _saw(p: WaveParams, state: WaveState, ph: np.ndarray, out: np.ndarray) -> float:
    # C: acc * amp below pi, (2pi - acc) * -amp above; (acc - 2pi) * amp is the same
    # double since negation is exact, and so is acc - 2pi (Sterbenz: acc >= pi), and
    # acc - 0.0 is acc: one subtraction of 2pi or 0 per frame gives C's values.
    upper, _ = state.mask_work(ph.shape[0])
    np.greater_equal(ph, PI, out=upper)
    np.multiply(upper, TWO_PI, out=out)
    np.subtract(ph, out, out=out)
    return (p.volume * p.scale) / PI


def _triangle(p: WaveParams, state: WaveState, ph: np.ndarray, out: np.ndarray) -> float:
    # C's three pieces: acc*amp; (acc - pi)*-amp == (pi - acc)*amp; (2pi - acc)*-amp
    # == (acc - 2pi)*amp.
    mid, top = state.mask_work(ph.shape[0])
    np.greater_equal(ph, THREE_HALF_PI, out=top)
    np.greater_equal(ph, HALF_PI, out=mid)
    np.greater(mid, top, out=mid)  # mid and not top
    np.copyto(out, ph)
    np.subtract(PI, out, out=out, where=mid)
    np.subtract(out, TWO_PI, out=out, where=top)
    return (p.volume * p.scale) / HALF_PI


def _sine_table(p: WaveParams, state: WaveState, ph: np.ndarray, out: np.ndarray) -> float:
    # C: (g<type>) scale * table[(gint)(acc * scl)], the table holding sin * volume;
    # the cast binds to scale, which every type holds exactly.
    table = state.table(p.volume)
    np.multiply(ph, TABLE_SCALE, out=out)
    idx = out.astype(np.intp)
    # acc a hair below 2pi can round to index 1024, past C's table: clamp (mode="clip",
    # which also spares the copy numpy makes of out= under the default mode="raise").
    np.take(table, idx, out=out, mode="clip")
    return _cast_scalar(p.scale, p.ctype)


_PHASE_WAVES = {
    SINE: _sine, SQUARE: _square, SAW: _saw, TRIANGLE: _triangle, SINE_TABLE: _sine_table,
}
#: Waves that are a function of the phase alone (see :func:`periodic`).
PHASE_WAVES = frozenset(_PHASE_WAVES)


def periodic(wave: int, p: WaveParams, state: WaveState, col: np.ndarray) -> float:
    """One channel of a phase wave, unscaled: ``col * gain`` is what C computes.

    Parameters
    ----------
    wave : int
        One of :data:`PHASE_WAVES`.
    p, state
        As for :func:`render`.
    col : ndarray of float64, shape (frames,), contiguous
        Receives the wave's shape for the next frames.

    Returns
    -------
    float
        The gain (volume and the type's scale folded in as C folds them): multiply
        in double, then cast, to get C's samples. Leaving the product to the caller
        lets it happen in the cast into the output buffer.
    """
    return _PHASE_WAVES[wave](p, state, _phases(p, state, col.shape[0]), col)


def samples_between_ticks(p: WaveParams) -> int:
    """C: gst_util_uint64_scale_int(tick_interval, rate, GST_SECOND), floored."""
    return p.tick_interval * p.rate // 1_000_000_000


def _ticks(p: WaveParams, state: WaveState, first_sample: int, col: np.ndarray) -> None:
    n = col.shape[0]
    sbt = samples_between_ticks(p)
    if sbt <= 0:
        # C divides by zero here (tick-interval below one sample period); we give
        # silence and let the accumulator run.
        col.fill(0.0)
        _phases(p, state, n)
        return
    rate, freq = p.rate, p.freq
    step = phase_step(freq, rate)
    # C: samplerate * sine_periods_per_tick is a guint product (wraps), / freq in
    # double, truncated to gint.
    with np.errstate(divide="ignore", invalid="ignore"):
        nonzero = _c_int(np.float64((rate * p.sine_periods_per_tick) & 0xFFFFFFFF) / freq)
        ramp_len = _c_int(np.float64(rate) / freq) if p.apply_tick_ramp else 0
    end_ramp = nonzero - ramp_len

    mod = np.arange(first_sample, first_sample + n, dtype=np.int64)
    mod %= sbt
    ticks = np.flatnonzero(mod == 0)

    # Phase read at each sample (C reads acc, then advances it). Before the first tick
    # of the block it continues the stored accumulator; after a tick it restarts from
    # exactly 0, so every tick period reads the same sequence, indexed by ``mod``.
    used = state.phase_work(n)
    head = int(ticks[0]) if ticks.size else n
    if head > 0:
        acc = state.accumulator
        state.accumulator = accumulate_phase(acc, step, used[:head], state.phase_memo)
        used[1:head] = used[: head - 1].copy()
        used[0] = acc
    if ticks.size:
        seq = state.tick_phases(step, min(sbt, n) + 1)
        np.take(seq, mod[head:], out=used[head:], mode="clip")
        state.accumulator = float(seq[n - int(ticks[-1])])

    # Volume: the tick counter as of each sample decides marker or normal volume.
    counter = np.zeros(n, dtype=np.int64)
    counter[ticks] = 1
    np.cumsum(counter, out=counter)
    counter += state.tick_counter
    state.tick_counter += int(ticks.size)
    normal = _cast_scalar(p.volume * p.scale, p.ctype)
    if p.marker_tick_period > 0:
        marker = _cast_scalar(p.marker_tick_volume * p.scale, p.ctype)
        volscale = np.where(counter % p.marker_tick_period == 0, marker, normal)
    else:
        volscale = np.full(n, normal)

    if ramp_len > 0:
        m = mod.astype(np.float64)
        ramp = np.where(mod < ramp_len, m / ramp_len,
                        np.where(mod >= end_ramp, (nonzero - mod) / ramp_len, 1.0))
        np.minimum(ramp, 1.0, out=ramp)
        ramp *= ramp * ramp
        volscale *= ramp

    table = state.table(1.0)
    used *= TABLE_SCALE
    idx = used.astype(np.intp)
    np.take(table, idx, out=col, mode="clip")  # clamped as in _sine_table
    col *= volscale  # C: ((g<type>) volscale * ramp) * table[...]
    col[(mod == 0) | (mod >= nonzero)] = 0.0


def render(wave: int, p: WaveParams, state: WaveState, first_sample: int,
           out: np.ndarray) -> None:
    """Fill ``out`` with one buffer of ``wave``.

    Parameters
    ----------
    wave : int
        C enum value, index into :data:`WAVE_NICKS`.
    p : WaveParams
        Properties and caps for this buffer.
    state : WaveState
        The instance's state; advanced by this call.
    first_sample : int
        Stream sample index of ``out[0]`` (C's ``next_sample``); only ticks use it.
    out : ndarray of float64, shape (frames, channels), C-contiguous
        Receives, per frame and channel, the double C computes before its final cast
        to the sample type (already times volume and the type's scale). For the
        noises in :data:`DRAWN_NOISES` it may also be float32: the samples are then
        drawn and scaled in float32 (see :func:`noise.white`).
    """
    n = out.shape[0]
    if wave in _PHASE_WAVES:
        # One channel (the element's case for these waves): shaped straight into out.
        ph = out[:, 0] if out.shape[1] == 1 else state.phase_work(n)
        ph *= periodic(wave, p, state, ph)
        if out.shape[1] != 1:
            np.copyto(out, ph[:, None])
    elif wave == SILENCE:
        out.fill(0.0)
    elif wave == TICKS:
        col = out[:, 0] if out.shape[1] == 1 else np.empty(n)
        _ticks(p, state, first_sample, col)
        if out.shape[1] != 1:
            np.copyto(out, col[:, None])
    else:
        amp = p.volume * p.scale
        if wave == WHITE_NOISE:
            noise.white(state.noise, amp, out)
        elif wave == GAUSSIAN_NOISE:
            noise.gaussian(state.noise, amp, out)
        elif wave in (PINK_NOISE, BLUE_NOISE):
            noise.pink(state.noise, amp, out)
            if wave == BLUE_NOISE:
                state.blue_flip = _alternate(out, state.blue_flip)
        elif wave in (RED_NOISE, VIOLET_NOISE):
            noise.red(state.noise, amp, out)
            if wave == VIOLET_NOISE:
                state.violet_flip = _alternate(out, state.violet_flip)
        else:
            raise ValueError(f"unknown wave {wave}")


def _alternate(out: np.ndarray, flip: float) -> float:
    """Negate every other frame starting with sign ``flip``; return the next flip.

    C flips the already-cast sample; truncation and rounding are symmetric, so
    negating before the cast gives the same value.
    """
    start = 0 if flip < 0 else 1
    out[start::2] *= -1.0
    return flip if out.shape[0] % 2 == 0 else -flip


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
