"""Renderers: one wave, with fixed parameters, written into buffers of one format.

A renderer is chosen once, when the wave, the properties or the caps change (as C's
``change_wave`` chooses its ``process`` function), and then only renders: each buffer
is one :meth:`Renderer.render` call with no decision left to make. What persists from
buffer to buffer whatever the renderer (the accumulator, the noise generators, the
tick counter) is the stream's :class:`~numgst.signal.waves.Voice`, which a new
renderer takes over.

Renderers write raw bytes, exactly C's (see :mod:`numgst.signal.formats`), and take
the cheapest way there that the format allows, chosen at construction: silence is a
memset, two-level waves are runs of two packed frames, drawn noise goes straight into
float buffers, phase waves multiply and cast into the first channel in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

import numpy as np

from . import formats, noise, tones, waves
from .formats import SampleFormat
from .osc import TWO_PI, PhaseMemo, accumulate_phase, block_span, finish, phase_step
from .sweep import SweepLaw, sweep_phase
from .waves import Voice, WaveParams

# Below this volume samples can be subnormal floats (every wave's smallest nonzero
# |value| is at least ~1e-16 * volume), which GStreamer's F32BE pack flushes to zero.
TINY_VOLUME = 1e-20
# Longer buffers are rendered in blocks of this many frames: work memory stays
# proportional to this, not to the buffer.
CHUNK = 1 << 16

#: ``control(name, n, out)``: fill ``out`` (float64, n) with the controlled values of
#: the property ``name`` for the block's samples; False if nothing controls it.
Control = Callable[[str, int, np.ndarray], bool]


class Target(NamedTuple):
    """Where blocks go: the negotiated sample format, channels, layout and rate."""

    fmt: SampleFormat
    channels: int
    planar: bool
    rate: int

    @property
    def bpf(self) -> int:
        return self.fmt.width * self.channels

    def shape(self, n: int) -> tuple[int, int]:
        """Memory order of n frames: (channels, n) planar, (n, channels) interleaved."""
        return (self.channels, n) if self.planar else (n, self.channels)


class Renderer:
    """Writes blocks of one wave into raw buffers of one :class:`Target`.

    ``deterministic`` renderers produce blocks that depend only on where the stream
    stands (and the block's first sample), noise included (its generator is part of
    where the stream stands): they may be rendered ahead (see
    :mod:`numgst.signal.ahead`) and taken back with :meth:`checkpoint` and
    :meth:`rewind`.
    """

    deterministic = True

    def __init__(
        self, wave: Any, p: WaveParams, target: Target, voice: Voice, control: Control | None = None
    ) -> None:
        self.wave, self.p, self.target, self.voice = wave, p, target, voice
        self.control = control
        self.scratch = voice.scratch
        # Subnormal floats only come out of volumes this small (see formats.store).
        self.ftz = p.volume < TINY_VOLUME or p.marker_tick_volume < TINY_VOLUME

    def render(self, first: int, out: np.ndarray, n: int) -> None:
        """Write frames ``first .. first + n`` of the stream into ``out`` (uint8, the
        block's bytes in the target's layout)."""
        self.voice.rendered += n
        self.write(first, out, n)

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        raise NotImplementedError

    def mark(self) -> Hashable:
        """Where the stream stands, cheaply (equal marks: nothing moved it)."""
        return self.voice.rendered

    def checkpoint(self) -> Any:
        """Where the stream stands, to come back to with :meth:`rewind`."""
        return self.voice.snapshot()

    def rewind(self, checkpoint: Any, first: int, frames: int) -> None:
        """Stand at ``checkpoint`` moved on by ``frames`` frames from sample ``first``."""
        self.voice.restore(checkpoint)
        if frames:
            self.render(
                first, self.scratch.get("rewind", frames * self.target.bpf, np.uint8), frames
            )

    def _int32(self, n: int) -> np.ndarray:
        return self.scratch.get("render-int32", n * self.target.channels, np.int32)


class PhaseRenderer(Renderer):
    """A function of the accumulator's phase (sine, saw, triangle, sine-table): the
    phases, the wave's shape, then gain and cast straight into the buffer."""

    deterministic = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shape = self.wave.shape
        self.step = self.p.step

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        ph = self.voice.phases(self.step, n)
        col = self.scratch.get("render-column", n)
        gain = self.shape(self.p, ph, col, self.scratch)
        t = self.target
        formats.store_scaled(
            col, gain, t.fmt, out, t.shape(n), t.planar, self._int32(n), flush_subnormal=self.ftz
        )

    def mark(self) -> Hashable:
        return self.voice.accumulator

    def checkpoint(self) -> Any:
        return self.voice.accumulator

    def rewind(self, checkpoint: Any, first: int, frames: int) -> None:
        self.voice.accumulator = checkpoint
        self.voice.skip(self.step, frames)


class PiecewiseRenderer(PhaseRenderer):
    """Saw and triangle: in the steady state, the phase with a constant taken off in
    each piece of the period is C's value before its gain, written from the kept
    walk (see :meth:`numgst.signal.osc.walk.Span.pieces`): no phases, no masks.
    Pieces C multiplies by -amp get -gain (so C's signed zeros come out too).
    Otherwise, the phases and the wave's shape."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.thresholds, offsets, negated = self.wave.pieces
        self.offsets = np.array(offsets)
        gain = self.wave.shape(self.p, np.zeros(1), np.zeros(1), self.scratch)
        self.gains = np.array([-gain if neg else gain for neg in negated])
        self.uniform = not any(negated)
        self.gain = gain

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        voice = self.voice
        memo = voice.phase_memo
        span = block_span(voice.accumulator, self.step, n, memo)
        cuts = span.walk.tpl.cut_set(self.thresholds) if span is not None else None
        if span is None or cuts is None:
            super().write(first, out, n)
            return
        col = self.scratch.get("render-column", n)
        runs = span.pieces(col, self.scratch, cuts, self.offsets)  # type: ignore[arg-type]
        voice.accumulator = finish(span, self.step, memo)
        t = self.target
        if self.uniform:
            gain: np.ndarray | float = self.gain
        else:
            per = self.gains.shape[0]
            gains = self.scratch.get("render-gains", runs.shape[0]).reshape(-1, per)
            gains[:] = self.gains
            gain = gains.reshape(-1).repeat(runs)
        formats.store_scaled(
            col, gain, t.fmt, out, t.shape(n), t.planar, self._int32(n), flush_subnormal=self.ftz
        )


class TwoLevelRenderer(PhaseRenderer):
    """+amp below a threshold phase, -amp above (square, pulse): no phases at all,
    runs of two frames packed once (see :class:`formats.TwoLevels`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.threshold = self.wave.threshold(self.p)
        t, amp = self.target, self.p.amp
        self.levels = formats.TwoLevels((amp, -amp), t.fmt, t.channels, t.planar, self.ftz)

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        runs, _ = waves.two_level_runs(self.p, self.voice, self.threshold, n)
        self.levels.write(runs, out)


class ValuesRenderer(Renderer):
    """The general way: the wave's values (C's doubles) for the block, then stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = 1 if self.wave.mono else self.target.channels
        # Only gaussian noise leaves the integer range; numpy then casts like x86 C
        # (int32: INT_MIN, int16: low 16 bits) but warns unless told not to.
        self.quiet = self.wave.unbounded and self.target.fmt.ctype in ("int16", "int32")

    def values(self, first: int, n: int) -> np.ndarray:
        """The block's values, (n, 1) or (n, channels), float64, in output units."""
        out = self.scratch.get("render-values", n * self.columns).reshape(n, self.columns)
        self.wave.values(self.p, self.voice, first, out)
        return out

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        values = self.values(first, n)
        t = self.target
        if t.planar:
            values = values.T
        if self.quiet:
            with np.errstate(invalid="ignore"):
                formats.store(values, t.fmt, out, t.shape(n), self._int32(n))
        else:
            formats.store(values, t.fmt, out, t.shape(n), self._int32(n), flush_subnormal=self.ftz)


class SilenceRenderer(ValuesRenderer):
    """Silence: all zero bytes in native formats, as C's memset."""

    deterministic = False  # nothing to gain from rendering it ahead

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        if self.target.fmt.packed:
            super().write(first, out, n)
        else:
            out.fill(0)


class DrawnRenderer(ValuesRenderer):
    """Independent draws per sample (white, gaussian): in float buffers, drawn in the
    buffer's own type straight into it, whatever the layout (no work array, no cast,
    no copy per channel)."""

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        t = self.target
        if t.fmt.floating and not t.fmt.packed:
            self.wave.values(self.p, self.voice, first, out.view(t.fmt.word).reshape(t.shape(n)))
        else:
            super().write(first, out, n)


class PinkRenderer(ValuesRenderer):
    """Pink and blue noise: C's integer sums times the gain, cast straight into native
    interleaved buffers (one pass, no float64 values)."""

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        t = self.target
        if t.fmt.packed or t.planar:
            super().write(first, out, n)
            return
        sums = noise.pink_sums(self.voice.noise, n * t.channels).reshape(n, t.channels)
        dst = out.view(t.fmt.word).reshape(n, t.channels)
        np.multiply(sums, noise.PINK_SCALAR * self.p.amp, out=dst, casting="unsafe")
        if self.wave.flips:  # blue: C flips every other sample after its cast
            self.voice.blue_flip = waves.alternate(dst, self.voice.blue_flip)


class TicksRenderer(ValuesRenderer):
    """Ticks: a steady stream of ticks is silence with the same tick copied in (normal
    or marker), packed once per renderer; other blocks (a seek into a tick, more than
    a few ticks per block) take the general way."""

    MAX_TICK = 1 << 16  # frames of a tick's sounding part kept packed
    MAX_PER_BLOCK = 8

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        p, t = self.p, self.target
        self.sbt = waves.samples_between_ticks(p)
        nonzero, _ = waves.tick_lengths(p)
        self.length = min(nonzero, self.sbt)  # frames of a period that may sound
        self.fast = not t.planar and self.sbt > 0 and 0 < self.length <= self.MAX_TICK
        if not self.fast:
            return
        bpf, length = t.bpf, self.length
        packed = np.empty((2, length * bpf), dtype=np.uint8)
        for k, marker in enumerate((False, True)):
            col = waves.tick_shape(p, length, marker)
            formats.store(
                col[:, None], t.fmt, packed[k], (length, t.channels), flush_subnormal=self.ftz
            )
        self.packed = packed
        silent = np.empty(bpf, dtype=np.uint8)
        formats.store(np.zeros((1, 1)), t.fmt, silent, (1, t.channels))
        self.silent = silent if silent.any() else None
        self.seq = waves.tick_sequence(p.step, length + 1)
        self.follows = (-1, -1)  # (next first sample, voice.rendered) after a fast block

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        if not (self.fast and self._steady(first, n)):
            super().write(first, out, n)
            return
        bpf, length, sbt = self.target.bpf, self.length, self.sbt
        if self.silent is None:
            out.fill(0)
        else:
            out.view(np.dtype((np.void, bpf)))[:] = self.silent.view(np.dtype((np.void, bpf)))
        voice = self.voice
        mod0 = first % sbt
        period = self.p.marker_tick_period
        if 0 < mod0 < length:  # the rest of the tick the block starts in
            m = min(length - mod0, n)
            tick = self.packed[int(period > 0 and voice.tick_counter % period == 0)]
            out[: m * bpf] = tick[mod0 * bpf : (mod0 + m) * bpf]
        at = (-mod0) % sbt
        last = -1
        while at < n:
            voice.tick_counter += 1
            m = min(length, n - at)
            tick = self.packed[int(period > 0 and voice.tick_counter % period == 0)]
            out[at * bpf : (at + m) * bpf] = tick[: m * bpf]
            last, at = at, at + sbt
        since = n - last if last >= 0 else mod0 + n  # frames since the last tick
        step = self.p.step
        voice.defer_accumulator(lambda: waves.phase_after(step, since))
        self.follows = (first + n, voice.rendered)

    def _steady(self, first: int, n: int) -> bool:
        """The accumulator follows the ticks here, and the block has few ticks."""
        if (n + self.sbt - 1) // self.sbt > self.MAX_PER_BLOCK:
            return False
        if self.follows == (first, self.voice.rendered - n):
            return True
        mod0 = first % self.sbt
        return mod0 == 0 or mod0 >= self.length or self.voice.accumulator == self.seq[mod0]


class Muted(Renderer):
    """Another renderer's wave keeps running (its phase stays continuous across mute),
    its output is replaced by silence."""

    deterministic = False

    def __init__(self, inner: Renderer) -> None:
        super().__init__(inner.wave, inner.p, inner.target, inner.voice, inner.control)
        self.inner = inner
        self.zero = np.zeros((1, 1))

    def write(self, first: int, out: np.ndarray, n: int) -> None:
        self.inner.render(first, self.scratch.get("muted", out.shape[0], np.uint8), n)
        t = self.target
        formats.store(self.zero, t.fmt, out, t.shape(n), self._int32(n))


# -- beyond the C element --------------------------------------------------------------
# Each returns float64 values (n, 1) or (n, channels) in output units, as the
# C-equivalent paths above; a Control, if any, gives per-sample property values.


class _Beyond(ValuesRenderer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.control is not None:
            self.deterministic = False  # the controller's values are not the stream's

    def gain(self, n: int) -> np.ndarray | float:
        """Volume times full scale: per sample when a controller drives it (and
        control-per-sample is on), else the block's value."""
        if self.control is not None:
            vol = self.scratch.get("beyond-volume", n)
            if self.control("volume", n, vol):
                vol *= self.p.scale
                return vol[:, None]
        return self.p.amp


class SweepRenderer(_Beyond):
    """A sine sweeping from freq to end-freq (see :mod:`numgst.signal.sweep`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        p = self.p
        self.law = SweepLaw(p.freq, p.end_freq, p.sweep_duration / 1e9, log=p.log_sweep)

    def values(self, first: int, n: int) -> np.ndarray:
        values = self.scratch.get("render-values", n).reshape(n, 1)
        phase = self.scratch.get("beyond-phase", n)
        sweep_phase(self.law, self.target.rate, first, phase, self.scratch)
        np.sin(phase, out=values[:, 0])
        values *= self.gain(n)
        return values


class CustomRenderer(_Beyond):
    """A Python callable of the samples' times (the ``generator`` property)."""

    deterministic = False  # the callable may do anything, so call it as blocks come

    def values(self, first: int, n: int) -> np.ndarray:
        gen = self.p.generator
        if not callable(gen):
            raise TypeError(
                f"wave=custom needs a Python callable in the generator property, not {gen!r}"
            )
        t = self.scratch.get("beyond-times", n)
        np.add(self.scratch.ramp(n), first, out=t)
        t /= self.target.rate
        y = np.asarray(gen(t.copy()))
        if y.dtype.kind not in "biuf":
            raise TypeError(
                f"generator returned {y.dtype} samples; it must return real "
                "numbers (for complex values, say which part: np.real(z))"
            )
        channels = self.target.channels
        if y.shape not in ((n,), (n, channels)):
            raise ValueError(
                f"generator returned shape {y.shape}; expected ({n},) or ({n}, {channels})"
            )
        cols = 1 if y.ndim == 1 else channels
        values = self.scratch.get("render-values", n * cols).reshape(n, cols)
        values[...] = y.reshape(n, cols)
        values *= self.gain(n)
        # NaN is silence; infinities and everything beyond full scale are clipped.
        np.nan_to_num(values, copy=False, nan=0.0)
        scale = self.p.scale
        return np.clip(values, -scale, scale, out=values)


class TonesRenderer(_Beyond):
    """Sine/square/saw/triangle with per-channel frequency and phase, per-sample
    frequency control, band-limiting: whichever of these is switched on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        p, t = self.p, self.target
        self.per_channel = bool(p.channel_freqs or p.channel_phases)
        self.columns = t.channels if self.per_channel else 1
        self.freqs = tones.channel_frequencies(p.channel_freqs, p.freq, self.columns)
        self.offsets = tones.channel_phase_offsets(p.channel_phases, self.columns)
        self.band_limited = p.band_limited
        # Per-sample control values are the controller's, not the stream's: not ahead.
        self.deterministic = self.control is None
        voice = self.voice
        if voice.tone_acc.shape[0] != self.columns:
            # One accumulator per channel, all starting where C's single one is.
            voice.tone_acc = np.full(self.columns, voice.accumulator)
            voice.tone_memos = [PhaseMemo() for _ in range(self.columns)]

    def values(self, first: int, n: int) -> np.ndarray:
        voice, rate = self.voice, self.target.rate
        phase = self.scratch.get("beyond-phase", n)
        steps = self.scratch.get("beyond-steps", n)
        controlled = (
            not self.per_channel and self.control is not None and self.control("freq", n, steps)
        )
        values = self.scratch.get("render-values", n * self.columns).reshape(n, self.columns)
        for c in range(self.columns):
            if controlled:  # a true chirp: the step changes every sample
                steps *= TWO_PI / rate
                voice.tone_acc[c] = tones.variable_step_phase(voice.tone_acc[c], steps, phase)
                dt = float(steps.max()) / TWO_PI
            else:
                step = phase_step(float(self.freqs[c]), rate)
                voice.tone_acc[c] = accumulate_phase(
                    float(voice.tone_acc[c]), step, phase, voice.tone_memos[c]
                )
                dt = float(self.freqs[c]) / rate
            if self.offsets[c]:
                phase += self.offsets[c]
                np.mod(phase, TWO_PI, out=phase)
            col = self.scratch.get("beyond-column", n)
            tones.shape(
                self.wave.tone, phase, col, dt if self.band_limited and 0 < dt < 0.5 else None
            )
            values[:, c] = col
        voice.accumulator = float(voice.tone_acc[0])
        values *= self.gain(n)
        if self.band_limited:
            np.clip(values, -self.p.scale, self.p.scale, out=values)
        return values


def render_block(
    renderer: Renderer,
    render: Callable[[Renderer, int, np.ndarray, int], None],
    first: int,
    out: np.ndarray,
    n: int,
) -> None:
    """``render(renderer, first, out, n)``, in blocks of at most :data:`CHUNK` frames
    when the buffer is longer, so that work memory does not grow with it."""
    if n <= CHUNK:
        render(renderer, first, out, n)
        return
    t = renderer.target
    width = t.fmt.width
    planes = out.reshape(t.channels, n * width) if t.planar else None
    for a in range(0, n, CHUNK):
        m = min(CHUNK, n - a)
        if planes is None:
            renderer.render(first + a, out[a * t.bpf : (a + m) * t.bpf], m)
        else:  # a block of planar data is no slice: render it apart, copy its planes
            tmp = renderer.scratch.get("render-chunk", m * t.bpf, np.uint8)
            renderer.render(first + a, tmp, m)
            planes[:, a * width : (a + m) * width] = tmp.reshape(t.channels, m * width)
