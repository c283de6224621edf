"""What the C ``audiotestsrc`` computes for each wave, block by block, in numpy.

Each function here gives, for a block, exactly the double C computes before its final
cast to the sample type, so the caller's cast (truncation toward zero for integers,
rounding for floats) gives C's bytes. The deterministic waves (sine, square, saw,
triangle, silence, sine-table) are bit-exact with C for every sample type; the noises
share C's algorithms and statistics but draw from numpy's Generator (C seeds GLib's
generator from /dev/urandom). Which function serves which wave is the catalog's
business (:mod:`numgst.signal.catalog`); how the values reach a buffer is
:mod:`numgst.signal.render`'s.

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
from collections.abc import Callable
from typing import Any

import numpy as np

from . import noise
from .formats import CTYPE_SCALE
from .osc import TWO_PI, PhaseMemo, accumulate_phase, phase_step, threshold_runs
from .scratch import Scratch

PI = math.pi
HALF_PI = math.pi / 2  # G_PI_2
THREE_HALF_PI = math.pi * 1.5  # C: G_PI * 1.5
TABLE_SIZE = 1024
TABLE_SCALE = 1024.0 / TWO_PI  # C: scl = 1024.0 / M_PI_M2
INT_MIN = -(2**31)


@dataclasses.dataclass(frozen=True)
class WaveParams:
    """What one block needs, from the properties and the negotiated caps.

    ``ctype`` is the C sample type generated: "int16" (native S16), "int32" (S32 and
    every packed integer format), "float" (native F32) or "double" (F64 and
    non-native F32). The fields after ``apply_tick_ramp`` are the waves beyond C's:
    each at its default leaves the output C's.
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
    end_freq: float = 20000.0  # Hz, wave=sweep
    sweep_duration: int = 1_000_000_000  # ns, wave=sweep
    log_sweep: bool = False  # wave=sweep: exponential instead of linear
    duty_cycle: float = 0.5  # wave=pulse
    generator: Callable[[np.ndarray], Any] | None = None  # wave=custom
    channel_freqs: tuple[float, ...] = ()  # Hz per channel (periodic waves)
    channel_phases: tuple[float, ...] = ()  # degrees per channel
    band_limited: bool = False  # square, saw, triangle without aliasing

    @property
    def scale(self) -> float:
        """Full scale of the C type: volume 1 gives samples of +-scale."""
        return CTYPE_SCALE[self.ctype]

    @property
    def amp(self) -> float:
        """volume * scale, as C folds them."""
        return self.volume * CTYPE_SCALE[self.ctype]

    @property
    def step(self) -> float:
        return phase_step(self.freq, self.rate)


class Voice:
    """What C keeps in its instance struct from buffer to buffer, whatever the wave:
    the phase accumulator (with what it learns, see :class:`~.osc.PhaseMemo`), the
    tick counter, the noise generators' memory, the blue/violet sign flips.

    Unlike C, the blue/violet sign flip is per instance (C shares one static flip per
    sample type across every instance); like C, nothing resets it.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._acc = 0.0
        self._deferred: Callable[[], float] | None = None
        self.scratch = Scratch()
        self.phase_memo = PhaseMemo(self.scratch)
        self.tick_counter = 0
        self.noise = noise.NoiseState(seed, self.scratch)
        self.blue_flip = 1.0
        self.violet_flip = 1.0
        # Beyond C: one accumulator per channel for per-channel tones.
        self.tone_acc = np.zeros(0)
        self.tone_memos: list[PhaseMemo] = []
        self.rendered = 0  # frames rendered so far, by any renderer: where it stands

    @property
    def accumulator(self) -> float:
        """C's phase accumulator (radians)."""
        if self._deferred is not None:
            self._acc, self._deferred = self._deferred(), None
        return self._acc

    @accumulator.setter
    def accumulator(self, value: float) -> None:
        self._acc, self._deferred = value, None

    def defer_accumulator(self, compute: Callable[[], float]) -> None:
        """The accumulator is ``compute()``, worked out only if someone reads it (ticks
        know it exactly but rarely need it)."""
        self._deferred = compute

    def reset(self) -> None:
        """What C's start() resets."""
        self.accumulator = 0.0
        self.tick_counter = 0

    def snapshot(self) -> tuple[Any, ...]:
        """Everything a block of any wave may change, to go back to with :meth:`restore`."""
        # A deferred accumulator stays deferred: snapshots are taken often.
        return (
            self._acc,
            self._deferred,
            self.tick_counter,
            self.blue_flip,
            self.violet_flip,
            self.tone_acc.copy(),
            self.rendered,
            self.noise.snapshot(),
        )

    def restore(self, snap: tuple[Any, ...]) -> None:
        (
            self._acc,
            self._deferred,
            self.tick_counter,
            self.blue_flip,
            self.violet_flip,
            tone_acc,
            self.rendered,
            noise_snap,
        ) = snap
        self.tone_acc = tone_acc.copy()
        self.noise.restore(noise_snap)

    def phases(self, step: float, n: int) -> np.ndarray:
        """The accumulator's next n phases (advancing it), valid until the next call."""
        ph = self.scratch.get("voice-phases", n)
        self.accumulator = accumulate_phase(self.accumulator, step, ph, self.phase_memo)
        return ph

    def skip(self, step: float, n: int) -> None:
        """Advance the accumulator by n frames without keeping the phases."""
        if n:
            self.phases(step, n)


# -- phase waves: values as a function of the phase -----------------------------------
# Each shape function turns the phases ``ph`` into values in ``out`` (never ``ph``
# itself) that, times the returned gain, are exactly the doubles C computes before its
# cast. ``scratch`` holds their work arrays.


def sine(p: WaveParams, ph: np.ndarray, out: np.ndarray, scratch: Scratch) -> float:
    np.sin(ph, out=out)
    return p.amp


def square(p: WaveParams, ph: np.ndarray, out: np.ndarray, scratch: Scratch) -> float:
    # (0.5 - [acc >= pi]) * 2*amp is exactly C's +amp / -amp, signed zeros included.
    upper = scratch.get("shape-mask", ph.shape[0], bool)
    np.greater_equal(ph, PI, out=upper)
    np.subtract(0.5, upper, out=out)
    return 2.0 * p.amp


def saw(p: WaveParams, ph: np.ndarray, out: np.ndarray, scratch: Scratch) -> float:
    # C: acc * amp below pi, (2pi - acc) * -amp above; (acc - 2pi) * amp is the same
    # double since negation is exact, and so is acc - 2pi (Sterbenz: acc >= pi), and
    # acc - 0.0 is acc: one subtraction of 2pi or 0 per frame gives C's values.
    upper = scratch.get("shape-mask", ph.shape[0], bool)
    np.greater_equal(ph, PI, out=upper)
    np.multiply(upper, TWO_PI, out=out)
    np.subtract(ph, out, out=out)
    return p.amp / PI


# The same values piece by piece (see render.PiecewiseRenderer): the phase, less 2pi
# from pi on, times amp/pi.
SAW_PIECES = ((PI,), (0.0, -TWO_PI), (False, False))


def triangle(p: WaveParams, ph: np.ndarray, out: np.ndarray, scratch: Scratch) -> float:
    # C's three pieces: acc*amp; (acc - pi)*-amp == (pi - acc)*amp; (2pi - acc)*-amp
    # == (acc - 2pi)*amp.
    n = ph.shape[0]
    mid, top = scratch.get("shape-mask", n, bool), scratch.get("shape-mask-2", n, bool)
    np.greater_equal(ph, THREE_HALF_PI, out=top)
    np.greater_equal(ph, HALF_PI, out=mid)
    np.greater(mid, top, out=mid)  # mid and not top
    np.copyto(out, ph)
    np.subtract(PI, out, out=out, where=mid)
    np.subtract(out, TWO_PI, out=out, where=top)
    return p.amp / HALF_PI


# Piece by piece: the phase below pi/2; -(phase - pi) up to 3pi/2; phase - 2pi after;
# times amp/(pi/2).
TRIANGLE_PIECES = ((HALF_PI, THREE_HALF_PI), (0.0, -PI, -TWO_PI), (False, True, False))


def sine_table(p: WaveParams, ph: np.ndarray, out: np.ndarray, scratch: Scratch) -> float:
    # C: (g<type>) scale * table[(gint)(acc * scl)], the table holding sin * volume;
    # the cast binds to scale, which every type holds exactly.
    table = _table(p.volume)
    np.multiply(ph, TABLE_SCALE, out=out)
    idx = scratch.get("shape-index", ph.shape[0], np.intp)
    np.copyto(idx, out, casting="unsafe")
    # acc a hair below 2pi can round to index 1024, past C's table: clamp (mode="clip",
    # which also spares the copy numpy makes of out= under the default mode="raise").
    np.take(table, idx, out=out, mode="clip")
    return cast_scalar(p.scale, p.ctype)


def pulse(p: WaveParams, ph: np.ndarray, out: np.ndarray, scratch: Scratch) -> float:
    """+amp for the first ``duty-cycle`` of each period, -amp after: the square at the
    default 0.5 (2*pi*0.5 is pi exactly)."""
    upper = scratch.get("shape-mask", ph.shape[0], bool)
    np.greater_equal(ph, pulse_threshold(p), out=upper)
    np.subtract(0.5, upper, out=out)
    return 2.0 * p.amp


def pulse_threshold(p: WaveParams) -> float:
    return TWO_PI * p.duty_cycle


def square_threshold(p: WaveParams) -> float:
    return PI


def two_level_runs(
    p: WaveParams, voice: Voice, threshold: float, n: int
) -> tuple[np.ndarray, tuple[float, float]]:
    """The next ``n`` frames of a two-level wave (+amp below ``threshold``, -amp at or
    above) as runs of its levels, without computing phases (see
    :func:`~numgst.signal.osc.threshold_runs`).

    Returns
    -------
    runs : ndarray of intp
        Alternating run lengths summing to ``n``: the first level, then the second...
    levels : (float, float)
        +amp and -amp in output units (before C's cast).
    """
    runs, voice.accumulator = threshold_runs(
        voice.accumulator, p.step, threshold, n, voice.phase_memo
    )
    return runs, (p.amp, -p.amp)


def square_runs(p: WaveParams, voice: Voice, n: int) -> tuple[np.ndarray, tuple[float, float]]:
    """The square wave's next ``n`` frames as runs (see :func:`two_level_runs`)."""
    return two_level_runs(p, voice, PI, n)


# -- ticks ----------------------------------------------------------------------------


def samples_between_ticks(p: WaveParams) -> int:
    """C: gst_util_uint64_scale_int(tick_interval, rate, GST_SECOND), floored."""
    return p.tick_interval * p.rate // 1_000_000_000


def ticks(p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    """Ticks into ``out`` (float64, (n, channels); every channel the same)."""
    col = out[:, 0]
    _ticks(p, voice, first_sample, col)
    if out.shape[1] != 1:
        np.copyto(out, col[:, None])


def tick_shape(p: WaveParams, length: int, marker: bool) -> np.ndarray:
    """The first ``length`` samples of a tick period (from the tick, for the normal or
    the marker volume): exactly what :func:`ticks` writes there when the accumulator
    follows the ticks (it restarts at 0 at every tick), so a steady stream of ticks is
    these samples copied."""
    step = p.step
    nonzero, ramp_len = tick_lengths(p)
    mod = np.arange(length, dtype=np.int64)
    used = tick_sequence(step, length).copy()
    vol = cast_scalar((p.marker_tick_volume if marker else p.volume) * p.scale, p.ctype)
    volscale = np.full(length, vol)
    if ramp_len > 0:
        volscale *= _tick_ramp(mod, nonzero, ramp_len)
    used *= TABLE_SCALE
    col = np.take(_table(1.0), used.astype(np.intp), mode="clip")
    col *= volscale
    col[(mod == 0) | (mod >= nonzero)] = 0.0
    return col


def phase_after(step: float, frames: int) -> float:
    """C's accumulator ``frames`` steps after 0."""
    if frames == 0:
        return 0.0
    return accumulate_phase(0.0, step, np.empty(frames))


def _ticks(p: WaveParams, voice: Voice, first_sample: int, col: np.ndarray) -> None:
    n = col.shape[0]
    sbt = samples_between_ticks(p)
    step = p.step
    if sbt <= 0:
        # C divides by zero here (tick-interval below one sample period); we give
        # silence and let the accumulator run.
        col.fill(0.0)
        voice.skip(step, n)
        return
    nonzero, ramp_len = tick_lengths(p)
    mod = np.arange(first_sample, first_sample + n, dtype=np.int64)
    mod %= sbt
    marks = np.flatnonzero(mod == 0)
    used = _tick_phases_read(voice, step, sbt, mod, marks)
    volscale = _tick_volumes(p, voice, marks, n)
    if ramp_len > 0:
        volscale *= _tick_ramp(mod, nonzero, ramp_len)
    used *= TABLE_SCALE
    idx = used.astype(np.intp)
    np.take(_table(1.0), idx, out=col, mode="clip")  # clamped as in sine_table
    col *= volscale  # C: ((g<type>) volscale * ramp) * table[...]
    col[(mod == 0) | (mod >= nonzero)] = 0.0


def tick_lengths(p: WaveParams) -> tuple[int, int]:
    """Samples of a tick that sound, and of its ramp (C's integer arithmetic)."""
    # C: samplerate * sine_periods_per_tick is a guint product (wraps), / freq in
    # double, truncated to gint.
    with np.errstate(divide="ignore", invalid="ignore"):
        nonzero = _c_int(np.float64((p.rate * p.sine_periods_per_tick) & 0xFFFFFFFF) / p.freq)
        ramp_len = _c_int(np.float64(p.rate) / p.freq) if p.apply_tick_ramp else 0
    return nonzero, ramp_len


def _tick_phases_read(
    voice: Voice, step: float, sbt: int, mod: np.ndarray, marks: np.ndarray
) -> np.ndarray:
    """The phase C reads at each sample (it reads acc, then advances it). Before the
    block's first tick it continues the stored accumulator; after a tick it restarts
    from exactly 0, so every tick period reads the same sequence, indexed by ``mod``."""
    n = mod.shape[0]
    used = voice.scratch.get("tick-phases", n)
    head = int(marks[0]) if marks.size else n
    if head > 0:
        acc = voice.accumulator
        voice.accumulator = accumulate_phase(acc, step, used[:head], voice.phase_memo)
        used[1:head] = used[: head - 1].copy()
        used[0] = acc
    if marks.size:
        seq = tick_sequence(step, min(sbt, n) + 1)
        np.take(seq, mod[head:], out=used[head:], mode="clip")
        voice.accumulator = float(seq[n - int(marks[-1])])
    return used


_TICK_SEQUENCES: dict[tuple[float, int], np.ndarray] = {}


def tick_sequence(step: float, length: int) -> np.ndarray:
    """Phases read within a tick period: 0 at the tick, then C's sums from 0. The same
    for every tick of every stream with this step, so computed once (read-only)."""
    key = (step, length)
    seq = _TICK_SEQUENCES.get(key)
    if seq is None:
        seq = np.empty(length)
        seq[0] = 0.0
        accumulate_phase(0.0, step, seq[1:])
        seq.flags.writeable = False
        if len(_TICK_SEQUENCES) > 16:
            _TICK_SEQUENCES.clear()
        _TICK_SEQUENCES[key] = seq
    return seq


def _tick_volumes(p: WaveParams, voice: Voice, marks: np.ndarray, n: int) -> np.ndarray:
    """Per sample: the tick counter as of each sample decides marker or normal volume."""
    counter = np.zeros(n, dtype=np.int64)
    counter[marks] = 1
    np.cumsum(counter, out=counter)
    counter += voice.tick_counter
    voice.tick_counter += int(marks.size)
    normal = cast_scalar(p.amp, p.ctype)
    if p.marker_tick_period > 0:
        marker = cast_scalar(p.marker_tick_volume * p.scale, p.ctype)
        return np.where(counter % p.marker_tick_period == 0, marker, normal)
    return np.full(n, normal)


def _tick_ramp(mod: np.ndarray, nonzero: int, ramp_len: int) -> np.ndarray:
    end_ramp = nonzero - ramp_len
    m = mod.astype(np.float64)
    ramp = np.where(
        mod < ramp_len, m / ramp_len, np.where(mod >= end_ramp, (nonzero - mod) / ramp_len, 1.0)
    )
    np.minimum(ramp, 1.0, out=ramp)
    ramp *= ramp * ramp
    return ramp


# -- noises ---------------------------------------------------------------------------
# Every noise fills ``out`` (n, channels), float64 (white and gaussian also float32),
# times volume and scale, drawing in C's order: frame by frame, channel by channel.


def white(p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    noise.white(voice.noise, p.amp, out)


def gaussian(p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    noise.gaussian(voice.noise, p.amp, out)


def pink(p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    noise.pink(voice.noise, p.amp, out)


def blue(p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    noise.pink(voice.noise, p.amp, out)
    voice.blue_flip = alternate(out, voice.blue_flip)


def red(p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    noise.red(voice.noise, p.amp, out)


def violet(p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    noise.red(voice.noise, p.amp, out)
    voice.violet_flip = alternate(out, voice.violet_flip)


def silence(p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    out.fill(0.0)


def alternate(out: np.ndarray, flip: float) -> float:
    """Negate every other frame (row) starting with sign ``flip``; return the next flip.

    C flips the already-cast sample; truncation and rounding are symmetric, so
    negating before the cast gives the same value.
    """
    start = 0 if flip < 0 else 1
    rows = out[start::2]
    np.negative(rows, out=rows)
    return flip if out.shape[0] % 2 == 0 else -flip


# -- C's arithmetic -------------------------------------------------------------------

_TABLES: dict[float, np.ndarray] = {}


def _table(amp: float) -> np.ndarray:
    """C's 1024-entry table ``sin(ang) * amp``, ``ang`` summed step by step (shared,
    read-only)."""
    t = _TABLES.get(amp)
    if t is None:
        ang = np.full(TABLE_SIZE, TWO_PI / 1024.0)
        ang[0] = 0.0
        np.cumsum(ang, out=ang)
        t = np.sin(ang)
        t *= amp
        t.flags.writeable = False
        if len(_TABLES) > 64:  # volume under a controller: keep a few
            _TABLES.clear()
        _TABLES[amp] = t
    return t


def _c_int(x: float) -> int:
    """A double cast to gint as x86-64 does it (out of range or NaN -> INT_MIN)."""
    if not math.isfinite(x) or not (-(2**31) <= x < 2**31):
        return INT_MIN
    return int(x)


def cast_scalar(x: float, ctype: str) -> float:
    """``(g<ctype>) x`` for one double, back as a double."""
    if ctype in ("int16", "int32"):
        return float(_c_int(x))
    if ctype == "float":
        return float(np.float32(x))
    return x
