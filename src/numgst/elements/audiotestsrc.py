"""``audiotestsrc_py``: the C ``audiotestsrc`` as a Python element.

An :class:`~numgst.toolkit.AudioSource` (caps, time, seeking, live mode, as C does
them) whose samples come from :mod:`numgst.signal`: the wave catalog chooses a
renderer when the wave, the properties or the caps change, and each buffer is one
render (blocks of a steady stream rendered several at once, see
:mod:`numgst.signal.ahead`).

Known differences from GStreamer 1.22's element (see the tests and the README):

* noise waves draw from numpy, not GLib's generator (same algorithms, not the same
  numbers; Gaussian noise by numpy's ziggurat instead of Box-Muller, the same
  distribution);
* ticks: 1.22 leaves the first sample of each tick unwritten (stale memory); here it
  is 0, as upstream later fixed; they are placed from the stream start;
* native F32 with volume below ~1e-38: C's output depends on whether an earlier ORC
  call left flush-to-zero set in the (pooled) streaming thread; we keep subnormals
  (F32BE, always packed by ORC, is flushed here as in C);
* the blue/violet sign flip is per instance (C: one static shared by all instances).
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from ..base import CONTROLLABLE, DOUBLE_ARRAY, UINT, UINT64, Prop, register_enum
from ..base._native.gobject import field_offset, gobject_pointer
from ..base.gst import GLib, Gst, GstAudio
from ..signal import catalog, formats
from ..signal.ahead import Ahead
from ..signal.render import Renderer, Target, render_block
from ..signal.waves import Voice, WaveParams
from ..toolkit.audiosrc import AudioSource

# A name of our own: the C element may be loaded in the same process and owns
# "GstAudioTestSrcWave".
Wave = register_enum("NumgstAudioTestSrcWave", catalog.ENUM_VALUES)
SweepMode = register_enum(
    "NumgstAudioTestSrcSweepMode",
    (
        (0, "Linear: frequency rises by the same Hz per second", "linear"),
        (1, "Logarithmic: exponential sine sweep, the same octaves per second", "logarithmic"),
    ),
)

PROPS = AudioSource.PROPS + (
    Prop(
        "wave",
        Wave,
        nick="Waveform",
        blurb="Oscillator waveform",
        default=Wave(0),
        flags=CONTROLLABLE,
        apply="_apply_wave",
    ),
    Prop(
        "freq",
        float,
        nick="Frequency",
        blurb="Frequency of test signal. The sample rate needs to be at least 2 times higher.",
        default=440.0,
        minimum=0.0,
        maximum=GLib.MAXINT / 2,
        flags=CONTROLLABLE,
    ),
    Prop(
        "volume",
        float,
        nick="Volume",
        blurb="Volume of test signal",
        default=0.8,
        minimum=0.0,
        maximum=1.0,
        flags=CONTROLLABLE,
    ),
    Prop(
        "mute",
        bool,
        nick="Mute",
        blurb="Mute the test signal (silence, GAP buffers)",
        default=False,
    ),
    Prop(
        "sine-periods-per-tick",
        UINT,
        nick="Sine periods per tick",
        blurb="Number of sine wave periods in one tick. Only used if wave = ticks.",
        default=10,
        minimum=1,
        maximum=GLib.MAXUINT,
    ),
    Prop(
        "tick-interval",
        UINT64,
        nick="Time between ticks",
        blurb="Distance between start of current and start of next tick, in nanoseconds.",
        default=Gst.SECOND,
        minimum=1,
        maximum=GLib.MAXUINT64,
    ),
    Prop(
        "marker-tick-period",
        UINT,
        nick="Marker tick period",
        blurb="Make every Nth tick a marker tick (= a tick with different volume). "
        "Only used if wave = ticks. 0 = no marker ticks.",
        default=0,
        minimum=0,
        maximum=GLib.MAXUINT,
    ),
    Prop(
        "marker-tick-volume",
        float,
        nick="Marker tick volume",
        blurb="Volume of marker ticks. Only used if wave = ticks and"
        "marker-tick-period is set to a nonzero value.",
        default=1.0,
        minimum=0.0,
        maximum=1.0,
    ),
    Prop(
        "apply-tick-ramp",
        bool,
        nick="Apply tick ramp",
        blurb="Apply ramp to tick samples",
        default=False,
    ),
    Prop(
        "can-activate-push",
        bool,
        nick="Can activate push",
        blurb="Can activate in push mode",
        default=True,
        apply="_apply_can_activate_push",
    ),
    Prop(
        "can-activate-pull",
        bool,
        nick="Can activate pull",
        blurb="Can activate in pull mode",
        default=False,
    ),
    # Beyond the C element: each leaves the output identical to C's at its default.
    Prop(
        "end-freq",
        float,
        nick="End frequency",
        blurb="Frequency at the end of each sweep, in Hz (wave=sweep)",
        default=20000.0,
        minimum=0.0,
        maximum=GLib.MAXINT / 2,
    ),
    Prop(
        "sweep-duration",
        UINT64,
        nick="Sweep duration",
        blurb="Length of one sweep from freq to end-freq, in nanoseconds; the sweep then "
        "restarts at freq, phase-continuous (wave=sweep)",
        default=Gst.SECOND,
        minimum=Gst.MSECOND,
        maximum=GLib.MAXUINT64,
    ),
    Prop(
        "sweep-mode",
        SweepMode,
        nick="Sweep mode",
        blurb="Sweep law (wave=sweep)",
        default=SweepMode(0),
    ),
    Prop(
        "band-limited",
        bool,
        nick="Band-limited",
        blurb="Square, saw and triangle without aliasing: additive synthesis of the "
        "harmonics below Nyquist (PolyBLEP for very low tones). Their peaks exceed "
        "the naive waves' by up to 27 % (Gibbs); samples are clipped at full scale",
        default=False,
    ),
    Prop(
        "channel-freqs",
        DOUBLE_ARRAY,
        nick="Channel frequencies",
        blurb="Per-channel frequencies in Hz for sine, square, saw and triangle, e.g. "
        '"<440.0, 880.0>" (left 440 Hz, right 880 Hz); channels beyond the list '
        "use freq. Empty (default): every channel uses freq",
        default=(),
        minimum=0.0,
        maximum=GLib.MAXINT / 2,
    ),
    Prop(
        "channel-phases",
        DOUBLE_ARRAY,
        nick="Channel phases",
        blurb="Per-channel phase offsets in degrees for sine, square, saw and triangle, "
        'e.g. "<0.0, 90.0>"; channels beyond the list get 0',
        default=(),
        minimum=-360.0,
        maximum=360.0,
    ),
    Prop(
        "seed",
        UINT64,
        nick="Seed",
        blurb="Seed of the noise waves: with a non-zero seed every run produces the same "
        "samples; 0 (default) seeds from the OS on every start, as C does",
        default=0,
        minimum=0,
        maximum=GLib.MAXUINT64,
    ),
    Prop(
        "control-per-sample",
        bool,
        nick="Control per sample",
        blurb="Follow a GstController on freq and volume at every sample (smooth volume "
        "ramps, true chirps) instead of once per buffer as C does",
        default=False,
    ),
    Prop(
        "generator",
        object,
        nick="Generator",
        blurb="Python callable for wave=custom: called with the times of a buffer's "
        "samples in seconds (float64 array of n, at most 65536 at a time), returns "
        "samples in [-1, 1] of shape (n,) or (n, channels); NaN is silence; an "
        "exception becomes an element error",
    ),
    Prop(
        "duty-cycle",
        float,
        nick="Duty cycle",
        blurb="Fraction of each period the pulse is high (wave=pulse)",
        default=0.5,
        minimum=0.0,
        maximum=1.0,
    ),
)

NATIVE_S16 = "S16LE"  # GST_AUDIO_NE(S16); numgst.signal.formats refuses BE hosts
GAP = Gst.BufferFlags.GAP  # a module constant: GI looks enum members up on every use
_CAN_ACTIVATE_PUSH_OFFSET = field_offset("GstBase", "BaseSrc", "can_activate_push")


class AudioTestSrc(AudioSource):
    __gtype_name__ = "NumgstAudioTestSrc"
    __gstmetadata__ = (
        "Audio test source (Python)",
        "Source/Audio",
        "Creates audio test signals of given frequency and volume",
        "numgst developers",
    )
    FORMATS = formats.TEMPLATE_ORDER
    CHANNELS = (1, 2147483647)
    DEFAULT_RATE = GstAudio.AUDIO_DEF_RATE
    PROPS = PROPS

    def __init__(self) -> None:
        super().__init__()
        self._new_voice()

    def _new_voice(self) -> None:
        self.voice = Voice(self.settings.seed or None)
        self.ahead = Ahead()
        self.renderer: Renderer | None = None
        self._chosen_for: tuple[Any, Any] = (None, None)  # (settings, caps info): identities
        self._wave_set = True  # C's change_wave runs at start

    # -- property side effects ------------------------------------------------------

    def _apply_wave(self, _wave: int) -> None:
        # C's change_wave runs on every set, even to the same wave (it re-seeds the
        # pink/red noise state); the streaming thread picks this up before its next
        # buffer.
        self._wave_set = True

    def _apply_can_activate_push(self, value: bool) -> None:
        # GstBaseSrc checks its own struct field when activating in push mode; PyGObject
        # can read that field but not write it.
        ctypes.c_int.from_address(gobject_pointer(self) + _CAN_ACTIVATE_PUSH_OFFSET).value = int(
            bool(value)
        )

    # -- AudioSource hooks ------------------------------------------------------------

    def fixate(self, s: Gst.Structure) -> None:
        # C: rate nearest max(44100, 2*freq), native S16, interleaved, mono.
        s.fixate_field_nearest_int(
            "rate", max(GstAudio.AUDIO_DEF_RATE, int(self.settings.freq * 2))
        )
        s.fixate_field_string("format", NATIVE_S16)
        s.fixate_field_string("layout", "interleaved")
        s.fixate_field_nearest_int("channels", 1)

    def caps_changed(self) -> None:
        self._wave_set = True  # C calls change_wave on new caps

    def stream_tags(self) -> Gst.TagList:
        tags = Gst.TagList.new_empty()
        tags.add_value(Gst.TagMergeMode.APPEND, Gst.TAG_DESCRIPTION, "audiotest wave")
        return tags

    def do_start(self) -> bool:
        super().do_start()
        self._new_voice()
        return True

    def do_stop(self) -> bool:
        # Work arrays grow to the largest buffer seen: give that memory back.
        self._new_voice()
        return True

    def write(self, first_sample: int, frames: int, raw: np.ndarray) -> None:
        s = self.settings  # after the controllers' sync: current values
        # Settings records are replaced, never changed: the same record and caps mean
        # the same renderer.
        chosen = self._chosen_for
        if chosen[0] is not s or chosen[1] is not self.info:
            self._choose(s)
        assert self.renderer is not None
        render_block(self.renderer, self.ahead.render, first_sample, raw, frames)

    def buffer_flags(self) -> int:
        s = self.settings
        return GAP if s.mute or s.wave == catalog.SILENCE or s.volume == 0.0 else 0

    # -- the renderer, chosen once ----------------------------------------------------

    def _choose(self, s: Any) -> None:
        """A renderer for these settings and caps (C's change_wave)."""
        assert self.format is not None
        fmt = formats.FORMATS[self.format.name]  # what C generates it in
        wave = int(s.wave)
        if self._wave_set:
            self._wave_set = False
            catalog.changed(wave, self.voice)
        p = WaveParams(
            freq=s.freq,
            volume=s.volume,
            rate=self.rate,
            ctype=fmt.ctype,
            sine_periods_per_tick=s.sine_periods_per_tick,
            tick_interval=s.tick_interval,
            marker_tick_period=s.marker_tick_period,
            marker_tick_volume=s.marker_tick_volume,
            apply_tick_ramp=s.apply_tick_ramp,
            end_freq=s.end_freq,
            sweep_duration=s.sweep_duration,
            log_sweep=int(s.sweep_mode) == 1,
            duty_cycle=s.duty_cycle,
            generator=s.generator,
            channel_freqs=s.channel_freqs,
            channel_phases=s.channel_phases,
            band_limited=s.band_limited,
        )
        target = Target(fmt, self.channels, self.planar, self.rate)
        control = self.control_values if s.control_per_sample else None
        self.ahead.settle()
        self.renderer = catalog.make_renderer(wave, p, target, self.voice, control, mute=s.mute)
        self._chosen_for = (s, self.info)


FACTORY = ("audiotestsrc_py", Gst.Rank.NONE, AudioTestSrc)
