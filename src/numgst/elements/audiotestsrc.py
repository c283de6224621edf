"""``audiotestsrc_py``: the C ``audiotestsrc`` as a Python element.

The element does GStreamer's part only: caps, time, buffers and properties. Samples
come from :mod:`numgst.signal` (waves render the double C computes, formats cast and
pack it into the negotiated format exactly as C does). Time and offset arithmetic
follows the C element line for line, so timestamps, durations and offsets are
identical.

Known differences from GStreamer 1.22's element (see the tests):

* noise waves draw from numpy, not GLib's generator (same algorithms, not the same
  numbers; Gaussian noise by numpy's ziggurat instead of Box-Muller, the same
  distribution);
* ticks: 1.22 leaves the first sample of each tick unwritten (stale memory); here it
  is 0, as upstream later fixed;
* native F32 with volume below ~1e-38: C's output depends on whether an earlier ORC
  call left flush-to-zero set in the (pooled) streaming thread; we keep subnormals
  (F32BE, always packed by ORC, is flushed here as in C);
* the blue/violet sign flip is per instance (C: one static shared by all instances).
"""

from __future__ import annotations

import ctypes
import dataclasses

import numpy as np

from ..base import (
    CONTROLLABLE,
    DOUBLE_ARRAY,
    INT64,
    UINT,
    UINT64,
    ElementMixin,
    Prop,
    PropertyRefusedError,
    install_array_properties,
    mapped_array,
    post_error,
    register_enum,
    set_times,
)
from ..base._gobject_c import field_offset, gobject_pointer
from ..base.control import sync_values, value_array
from ..base.cvfuncs import borrow_vfunc
from ..base.gst import GLib, Gst, GstAudio, GstBase
from ..signal import formats, tones, waves
from ..signal import osc as oscillators
from ..signal.ahead import AHEAD_FRAMES, BlocksAhead
from ..signal.scratch import Scratch
from ..signal.sweep import SweepLaw, sweep_phase

WAVES = (
    (0, "Sine", "sine"),
    (1, "Square", "square"),
    (2, "Saw", "saw"),
    (3, "Triangle", "triangle"),
    (4, "Silence", "silence"),
    (5, "White uniform noise", "white-noise"),
    (6, "Pink noise", "pink-noise"),
    (7, "Sine table", "sine-table"),
    (8, "Periodic Ticks", "ticks"),
    (9, "White Gaussian noise", "gaussian-noise"),
    (10, "Red (brownian) noise", "red-noise"),
    (11, "Blue noise", "blue-noise"),
    (12, "Violet noise", "violet-noise"),
    # Beyond the C element (values after C's, so C's numbers keep their meaning):
    (13, "Sine sweep from freq to end-freq (see sweep-mode)", "sweep"),
    (14, "Python callable set in the generator property", "custom"),
)
SWEEP, CUSTOM = 13, 14
# A name of our own: the C element may be loaded in the same process and owns
# "GstAudioTestSrcWave".
Wave = register_enum("NumgstAudioTestSrcWave", WAVES)
SweepMode = register_enum("NumgstAudioTestSrcSweepMode", (
    (0, "Linear: frequency rises by the same Hz per second", "linear"),
    (1, "Logarithmic: exponential sine sweep, the same octaves per second", "logarithmic"),
))
PERIODIC = {waves.SINE: "sine", waves.SQUARE: "square", waves.SAW: "saw",
            waves.TRIANGLE: "triangle"}

PROPS = (
    Prop("samplesperbuffer", int, "Samples per buffer",
         "Number of samples in each outgoing buffer", 1024, 1, GLib.MAXINT,
         apply="_apply_samplesperbuffer"),
    Prop("wave", Wave, "Waveform", "Oscillator waveform", Wave(0), flags=CONTROLLABLE,
         apply="_apply_wave"),
    Prop("freq", float, "Frequency",
         "Frequency of test signal. The sample rate needs to be at least 2 times higher.",
         440.0, 0.0, GLib.MAXINT / 2, flags=CONTROLLABLE),
    Prop("volume", float, "Volume", "Volume of test signal", 0.8, 0.0, 1.0,
         flags=CONTROLLABLE),
    Prop("mute", bool, "Mute", "Mute the test signal (silence, GAP buffers)", False),
    Prop("is-live", bool, "Is Live", "Whether to act as a live source", False,
         apply="set_live"),
    Prop("timestamp-offset", INT64, "Timestamp offset",
         "An offset added to timestamps set on buffers (in ns)", 0,
         GLib.MININT64, GLib.MAXINT64),
    Prop("sine-periods-per-tick", UINT, "Sine periods per tick",
         "Number of sine wave periods in one tick. Only used if wave = ticks.",
         10, 1, GLib.MAXUINT),
    Prop("tick-interval", UINT64, "Time between ticks",
         "Distance between start of current and start of next tick, in nanoseconds.",
         Gst.SECOND, 1, GLib.MAXUINT64),
    Prop("marker-tick-period", UINT, "Marker tick period",
         "Make every Nth tick a marker tick (= a tick with different volume). "
         "Only used if wave = ticks. 0 = no marker ticks.", 0, 0, GLib.MAXUINT),
    Prop("marker-tick-volume", float, "Marker tick volume",
         "Volume of marker ticks. Only used if wave = ticks and"
         "marker-tick-period is set to a nonzero value.", 1.0, 0.0, 1.0),
    Prop("apply-tick-ramp", bool, "Apply tick ramp", "Apply ramp to tick samples", False),
    Prop("can-activate-push", bool, "Can activate push", "Can activate in push mode",
         True, apply="_apply_can_activate_push"),
    Prop("can-activate-pull", bool, "Can activate pull", "Can activate in pull mode",
         False),
    # Beyond the C element: each leaves the output identical to C's at its default.
    Prop("end-freq", float, "End frequency",
         "Frequency at the end of each sweep, in Hz (wave=sweep)", 20000.0, 0.0,
         GLib.MAXINT / 2),
    Prop("sweep-duration", UINT64, "Sweep duration",
         "Length of one sweep from freq to end-freq, in nanoseconds; the sweep then "
         "restarts at freq, phase-continuous (wave=sweep)", Gst.SECOND, Gst.MSECOND,
         GLib.MAXUINT64),
    Prop("sweep-mode", SweepMode, "Sweep mode", "Sweep law (wave=sweep)", SweepMode(0)),
    Prop("band-limited", bool, "Band-limited",
         "Square, saw and triangle without aliasing: additive synthesis of the "
         "harmonics below Nyquist (PolyBLEP for very low tones). Their peaks exceed "
         "the naive waves' by up to 27 % (Gibbs); samples are clipped at full scale",
         False),
    Prop("channel-freqs", DOUBLE_ARRAY, "Channel frequencies",
         "Per-channel frequencies in Hz for sine, square, saw and triangle, e.g. "
         "\"<440.0, 880.0>\" (left 440 Hz, right 880 Hz); channels beyond the list "
         "use freq. Empty (default): every channel uses freq", (), 0.0, GLib.MAXINT / 2),
    Prop("channel-phases", DOUBLE_ARRAY, "Channel phases",
         "Per-channel phase offsets in degrees for sine, square, saw and triangle, "
         "e.g. \"<0.0, 90.0>\"; channels beyond the list get 0", (), -360.0, 360.0),
    Prop("seed", UINT64, "Seed",
         "Seed of the noise waves: with a non-zero seed every run produces the same "
         "samples; 0 (default) seeds from the OS on every start, as C does",
         0, 0, GLib.MAXUINT64),
    Prop("control-per-sample", bool, "Control per sample",
         "Follow a GstController on freq and volume at every sample (smooth volume "
         "ramps, true chirps) instead of once per buffer as C does", False),
    Prop("generator", object, "Generator",
         "Python callable for wave=custom: called with the times of a buffer's "
         "samples in seconds (float64 array of n), returns samples in [-1, 1] of "
         "shape (n,) or (n, channels); an exception becomes an element error"),
)

# Waves whose every channel carries the same value: generated once per frame.
MONO_WAVES = frozenset({waves.SINE, waves.SQUARE, waves.SAW, waves.TRIANGLE, waves.SILENCE,
                        waves.SINE_TABLE, waves.TICKS})

# Waves whose next block depends only on the accumulator and the properties: small
# blocks of them are rendered several at once (numgst.signal.ahead).
AHEAD_WAVES = frozenset({waves.SINE, waves.SQUARE, waves.SAW, waves.TRIANGLE,
                         waves.SINE_TABLE})

SRC_CAPS = Gst.Caps.from_string(
    "audio/x-raw, format=(string){ " + ", ".join(formats.TEMPLATE_ORDER) + " }, "
    "layout=(string){ interleaved, non-interleaved }, "
    "rate=(int)[1, 2147483647], channels=(int)[1, 2147483647]"
)
# Below this volume samples can be subnormal floats (every wave's smallest nonzero
# |value| is at least ~1e-16 * volume), which GStreamer's F32BE pack flushes to zero.
TINY_VOLUME = 1e-20
NATIVE_S16 = "S16LE"  # GST_AUDIO_NE(S16); numgst.signal.formats refuses BE hosts

SECOND = Gst.SECOND  # a module constant: Gst.* lookups go through GI's proxy each time
NONE64 = (1 << 64) - 1  # guint64 -1 as the vfuncs see it
NONE32 = (1 << 32) - 1  # guint -1
MAX_BLOCKSIZE = NONE32 - 1  # GstBaseSrc's blocksize is a guint; -1 means "unset"
FLOW_OK = Gst.FlowReturn.OK
GAP = Gst.BufferFlags.GAP


@dataclasses.dataclass
class State:
    """Everything reset when streaming starts (do_start), as the C element does."""

    info: GstAudio.AudioInfo | None = None
    fmt: formats.SampleFormat | None = None
    planar: bool = False
    rate: int = 0
    bpf: int = 0
    channels: int = 0
    next_sample: int = 0
    next_byte: int = 0
    next_time: int = 0
    generate_samples_per_buffer: int = 1024
    check_seek_stop: bool = False
    sample_stop: int = 0
    eos_reached: bool = False
    reverse: bool = False
    tags_pushed: bool = False
    waves: waves.WaveState = dataclasses.field(default_factory=waves.WaveState)
    ahead: BlocksAhead = dataclasses.field(default_factory=BlocksAhead)
    # Beyond C: per-channel accumulators (tones), and work arrays of the paths beyond C.
    arrays: Scratch = dataclasses.field(default_factory=Scratch)
    channel_acc: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    channel_memos: list = dataclasses.field(default_factory=list)
    # Work arrays grown on demand and reused: no allocation per buffer.
    work: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    scratch: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0, np.int32))
    extra: np.ndarray = dataclasses.field(default_factory=lambda: np.empty((3, 0)))
    params: waves.WaveParams | None = None
    two_levels: formats.TwoLevels | None = None
    params_key: tuple | None = None

    def extra_arrays(self, n: int) -> np.ndarray:
        """Three float64 rows of n for the paths beyond C (phases, control values)."""
        if self.extra.shape[1] < n:
            self.extra = np.empty((3, n))
        return self.extra[:, :n]

    def work_array(self, n: int, channels: int) -> np.ndarray:
        """A C-contiguous float64 (n, channels) view of the reused work array."""
        size = n * channels
        if self.work.size < size:
            self.work = np.empty(max(size, 2 * self.work.size))
            self.scratch = np.empty(self.work.size, np.int32)
        return self.work[:size].reshape(n, channels)


class AudioTestSrc(ElementMixin, GstBase.BaseSrc):
    __gtype_name__ = "NumgstAudioTestSrc"
    __gstmetadata__ = (
        "Audio test source (Python)",
        "Source/Audio",
        "Creates audio test signals of given frequency and volume",
        "numgst developers",
    )
    __gsttemplates__ = (
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, SRC_CAPS),
    )
    PROPS = PROPS

    _get_times_borrowed = False

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        if not cls._get_times_borrowed:
            # Same code as do_get_times, in C: saves a Python call per buffer (~5 us).
            # Not at import: the plugin loader imports this module while it holds the
            # lock that loading the donor plugin takes (gst-inspect hung on it).
            cls._get_times_borrowed = True
            borrow_vfunc(AudioTestSrc, ("GstBase", "BaseSrcClass"), "get_times",
                         "audiotestsrc")
        self.state = State()
        self._wave_dirty = True
        self._route: tuple = (None, None)  # (settings, path beyond C or None)
        self.set_format(Gst.Format.TIME)
        self.set_live(self.settings.is_live)
        self.set_blocksize(NONE32)

    # -- property side effects ------------------------------------------------------

    def _apply_samplesperbuffer(self, spb: int) -> None:
        size = self.state.bpf * spb
        if size > MAX_BLOCKSIZE:
            raise PropertyRefusedError(_too_big(spb, self.state.bpf))
        self.set_blocksize(size)

    def _apply_wave(self, _wave: int) -> None:
        # C's change_wave runs on every set, even to the same wave (it re-seeds the
        # pink/red noise state); the streaming thread picks this up before its next
        # buffer.
        self._wave_dirty = True

    def _apply_can_activate_push(self, value: bool) -> None:
        # GstBaseSrc checks its own struct field when activating in push mode; PyGObject
        # can read that field but not write it.
        _set_struct_bool(self, _CAN_ACTIVATE_PUSH_OFFSET, value)

    # -- negotiation ------------------------------------------------------------------

    def do_negotiate(self) -> bool:
        # GstBaseSrc's default negotiation, with our fixation. We do not override the
        # fixate vfunc: PyGObject before 3.50 never releases the caps it hands a
        # Python fixate (transfer full), one leaked GstCaps per negotiation (seen
        # with the leaks tracer); negotiate has no such argument.
        pad = self.get_static_pad("src")
        thiscaps = pad.query_caps(None)
        if thiscaps is None or thiscaps.is_any():
            return True
        if thiscaps.is_empty():
            return False
        caps = pad.peer_query_caps(thiscaps) or thiscaps
        if caps.is_empty():
            return False
        if caps.is_any():
            return True
        caps = self._fixate(caps)
        return caps.is_fixed() and self.set_caps(caps)

    def _fixate(self, caps: Gst.Caps) -> Gst.Caps:
        """C's fixation: rate nearest max(44100, 2*freq), native S16, interleaved,
        channels nearest 1, a fallback channel-mask above 2 channels."""
        # Work on a structure of our own, then let gst_caps_fixate settle whatever
        # fields remain, as the parent class does. caps[0] is a plain Gst.Structure
        # on every gst-python (1.26's get_structure() returns a context manager).
        s = caps[0].copy()
        s.fixate_field_nearest_int("rate", max(GstAudio.AUDIO_DEF_RATE,
                                               int(self.settings.freq * 2)))
        s.fixate_field_string("format", NATIVE_S16)
        s.fixate_field_string("layout", "interleaved")
        s.fixate_field_nearest_int("channels", 1)
        ok, channels = s.get_int("channels")
        if ok and channels > 2 and not s.has_field_typed("channel-mask", Gst.Bitmask.__gtype__):
            mask = GstAudio.audio_channel_get_fallback_mask(channels)
            s.set_value("channel-mask", Gst.Bitmask(mask))
        fixed = Gst.Caps.new_empty()
        fixed.append_structure(s)
        return fixed.fixate()

    def do_set_caps(self, caps: Gst.Caps) -> bool:
        info = GstAudio.AudioInfo.new_from_caps(caps)
        if info is None:
            return False
        spb = self.settings.samplesperbuffer
        if info.bpf * spb > MAX_BLOCKSIZE:
            post_error(self, "Cannot negotiate: " + _too_big(spb, info.bpf), None,
                       Gst.CoreError.quark(), Gst.CoreError.NEGOTIATION)
            return False
        st = self.state
        st.info, st.rate, st.bpf, st.channels = info, info.rate, info.bpf, info.channels
        st.fmt = formats.FORMATS[info.finfo.name]
        st.planar = info.layout == GstAudio.AudioLayout.NON_INTERLEAVED
        self.set_blocksize(info.bpf * self.settings.samplesperbuffer)
        self._wave_dirty = True  # C calls change_wave on new caps
        return True

    # -- streaming --------------------------------------------------------------------

    def do_start(self) -> bool:
        old = self.state
        seed = self.settings.seed
        self.state = State(info=old.info, fmt=old.fmt, planar=old.planar, rate=old.rate,
                           bpf=old.bpf, channels=old.channels, work=old.work,
                           scratch=old.scratch, waves=waves.WaveState(seed or None))
        self._wave_dirty = True
        return True

    def do_stop(self) -> bool:
        # Work arrays grow to the largest buffer seen: give that memory back.
        old = self.state
        self.state = State(info=old.info, fmt=old.fmt, planar=old.planar, rate=old.rate,
                           bpf=old.bpf, channels=old.channels)
        return True

    def do_is_seekable(self) -> bool:
        return True

    def do_do_seek(self, segment: Gst.Segment) -> bool:
        st = self.state
        rate = st.rate
        st.reverse = segment.rate < 0.0
        # Don't seek to the sample *after* the time.
        next_sample = segment.position * rate // Gst.SECOND
        st.next_byte = next_sample * st.bpf
        st.next_time = _scale_round(next_sample, Gst.SECOND, rate) if rate else 0
        st.next_sample = next_sample
        if segment.rate > 0 and segment.stop != NONE64:
            st.sample_stop = _scale_round(segment.stop, rate, Gst.SECOND)
            st.check_seek_stop = True
        elif segment.rate < 0:
            st.sample_stop = _scale_round(segment.start, rate, Gst.SECOND)
            st.check_seek_stop = True
        else:
            st.check_seek_stop = False
        st.eos_reached = False
        return True

    def do_gst_base_src_query(self, query: Gst.Query) -> bool:
        st = self.state
        if query.type == Gst.QueryType.LATENCY:
            if st.rate <= 0:
                return False
            latency = st.generate_samples_per_buffer * Gst.SECOND // st.rate
            query.set_latency(self.settings.is_live, latency, Gst.CLOCK_TIME_NONE)
            return True
        if query.type == Gst.QueryType.CONVERT:
            if st.info is None:
                return False
            src_fmt, src_val, dest_fmt, _ = query.parse_convert()
            ok, dest_val = st.info.convert(src_fmt, src_val, dest_fmt)
            if not ok:
                return False
            query.set_convert(src_fmt, src_val, dest_fmt, dest_val)
            return True
        if query.type == Gst.QueryType.SCHEDULING:
            query.set_scheduling(Gst.SchedulingFlags.SEEKABLE, 1, -1, 0)
            query.add_scheduling_mode(Gst.PadMode.PUSH)
            if self.settings.can_activate_pull:
                query.add_scheduling_mode(Gst.PadMode.PULL)
            return True
        return GstBase.BaseSrc.do_query(self, query)

    def do_get_times(self, buf: Gst.Buffer) -> tuple[int, int]:
        # Live sources sync on the buffer's timestamp; others run free. This is the C
        # element's get_times, which replaces this method when it is installed (see
        # the borrow_vfunc call in __init__): it runs for every buffer.
        if self.settings.is_live:
            pts, duration = buf.pts, buf.duration
            if pts != Gst.CLOCK_TIME_NONE:
                end = pts + duration if duration != Gst.CLOCK_TIME_NONE else Gst.CLOCK_TIME_NONE
                return pts, end
        return Gst.CLOCK_TIME_NONE, Gst.CLOCK_TIME_NONE

    def do_fill(self, offset: int, length: int, buf: Gst.Buffer) -> Gst.FlowReturn:
        st = self.state
        if not st.tags_pushed:
            tags = Gst.TagList.new_empty()
            tags.add_value(Gst.TagMergeMode.APPEND, Gst.TAG_DESCRIPTION, "audiotest wave")
            # The class vfunc, as C calls it: gst_element_send_event would take the
            # state lock, which a concurrent state change holds while it waits for
            # this streaming thread (a deadlock seen in the tests).
            GstBase.BaseSrc.do_send_event(self, Gst.Event.new_tag(tags))
            st.tags_pushed = True
        if st.eos_reached:
            return Gst.FlowReturn.EOS
        rate, bpf = st.rate, st.bpf
        samples = self.settings.samplesperbuffer if length == NONE32 else length // bpf
        if offset == NONE64:
            offset = st.next_byte
        if offset != st.next_byte:
            # A byte offset we did not expect (pull mode): jump there.
            st.next_sample = offset // bpf
            st.next_time = st.next_sample * SECOND // rate
            st.next_byte = offset

        # The segment stop cuts the last buffer short; EOS comes with the next call.
        if (st.check_seek_stop and not st.reverse
                and st.next_sample < st.sample_stop < st.next_sample + samples):
            n = st.sample_stop - st.next_sample
            next_sample = st.sample_stop
            st.eos_reached = True
        elif st.check_seek_stop and st.reverse and st.sample_stop >= st.next_sample - samples:
            n = st.next_sample - st.sample_stop
            next_sample = st.sample_stop
            st.eos_reached = True
        else:
            n = samples
            next_sample = st.next_sample + (-samples if st.reverse else samples)
        st.generate_samples_per_buffer = n
        nbytes = n * bpf
        next_time = next_sample * SECOND // rate

        if nbytes != length:
            buf.set_size(nbytes)
        ts_offset = self.settings.timestamp_offset
        if not st.reverse:
            pts, duration = ts_offset + st.next_time, next_time - st.next_time
        else:
            pts, duration = ts_offset + next_time, st.next_time - next_time
        set_times(buf, pts, duration, st.next_sample, next_sample)
        self._pts = pts & 0xFFFFFFFFFFFFFFFF
        sync_values(self, self._pts)

        first_sample = st.next_sample
        st.next_time = next_time
        st.next_sample = next_sample
        st.next_byte += -nbytes if st.reverse else nbytes

        s = self.settings  # after sync_values: controlled values are current
        if self._wave_dirty:
            self._wave_dirty = False
            st.waves.wave_changed(int(s.wave))
        shape = (st.channels, n) if st.planar else (n, st.channels)
        with mapped_array(buf, np.uint8, (nbytes,)) as out:
            # Ticks fall at multiples of tick-interval from the stream start. C
            # generates after advancing next_sample, so its ticks are placed from the
            # end of the first buffer and move when samplesperbuffer changes.
            self._render(s, first_sample, n, out, shape)
        if s.mute or s.wave == waves.SILENCE or s.volume == 0.0:
            buf.set_flags(GAP)
        if st.planar:
            GstAudio.buffer_add_audio_meta(buf, st.info, n)  # offsets: planar default
        return FLOW_OK

    def _render(self, s, first_sample: int, n: int, out: np.ndarray,
                shape: tuple[int, int]) -> None:
        """Generate ``n`` frames of ``s.wave`` into the mapped bytes ``out``."""
        st = self.state
        wave = int(s.wave)
        # Settings records are replaced, never changed: the route holds while s does.
        route = self._route
        if route[0] is not s:
            route = self._route = (s, self._beyond_c(s, wave))
        beyond = route[1]
        ahead = st.ahead
        if (wave in AHEAD_WAVES and beyond is None and not s.mute and not st.planar
                and 2 * n <= AHEAD_FRAMES):
            # Small blocks of a steady deterministic wave: a block depends only on the
            # accumulator and this key, so several are rendered at once (see ahead).
            key = (s, st.fmt, st.channels, st.rate, n)
            if ahead.take(key, st.waves, out):
                return
            count = ahead.plan(key, st.waves, n, out.shape[0])
            if count > 1:
                p = self._wave_params(s)
                big = ahead.begin(st.waves, count, n, out.shape[0],
                                  oscillators.phase_step(p.freq, p.rate))
                self._render_now(s, wave, None, first_sample, n * count, big,
                                 (n * count, st.channels))
                ahead.ready(st.waves, count)
                ahead.take(key, st.waves, out)
                return
            self._render_now(s, wave, None, first_sample, n, out, shape)
            ahead.rendered(st.waves)
            return
        ahead.settle(st.waves)
        self._render_now(s, wave, beyond, first_sample, n, out, shape)

    def _render_now(self, s, wave: int, beyond, first_sample: int, n: int, out: np.ndarray,
                    shape: tuple[int, int]) -> None:
        st = self.state
        fmt = st.fmt
        if beyond is not None:
            values = beyond(s, wave, first_sample, n)
        elif wave == waves.SILENCE and not fmt.packed:
            out.fill(0)  # native formats: silence is all zero bytes, as C's memset
            return
        elif wave == waves.SQUARE and not s.mute:
            # Runs of two levels: no phases needed (see square_runs).
            runs, levels = waves.square_runs(self._wave_params(s), st.waves, n)
            ftz = s.volume < TINY_VOLUME
            two = st.two_levels
            if two is None or two.key != (levels, fmt.name, st.channels, st.planar, ftz):
                two = st.two_levels = formats.TwoLevels(levels, fmt, st.channels, st.planar,
                                                        ftz)
            two.write(runs, out)
            return
        elif wave in waves.DRAWN_NOISES and fmt.floating and not fmt.packed and not s.mute:
            # Independent draws: made in the buffer's own float type, straight into
            # it, whatever the layout (no work array, no cast, no copy per channel).
            waves.render(wave, self._wave_params(s), st.waves, first_sample,
                         out.view(fmt.dtype).reshape(shape))
            return
        elif wave in waves.PHASE_WAVES and not s.mute:
            # One channel of phases, shaped in place, then times the gain straight
            # into the buffer (one pass for volume and cast).
            col = st.work_array(n, 1)[:, 0]
            gain = waves.periodic(wave, self._wave_params(s), st.waves, col)
            formats.store_scaled(col, gain, fmt, out, shape, st.planar, st.scratch,
                                 flush_subnormal=s.volume < TINY_VOLUME)
            return
        else:
            values = st.work_array(n, 1 if wave in MONO_WAVES else st.channels)
            waves.render(wave, self._wave_params(s), st.waves, first_sample, values)
        if s.mute:
            # The oscillator ran (phase stays continuous across mute); output silence.
            values = values[:, :1]
            values.fill(0.0)
        values = values.T if st.planar else values
        # Subnormal floats only come out of volumes this small (see formats.store).
        ftz = s.volume < TINY_VOLUME or s.marker_tick_volume < TINY_VOLUME
        if wave == waves.GAUSSIAN_NOISE and fmt.ctype in ("int16", "int32"):
            # Only gaussian noise leaves the integer range; numpy then casts like x86 C
            # (int32: INT_MIN, int16: low 16 bits) but warns unless told not to.
            with np.errstate(invalid="ignore"):
                formats.store(values, fmt, out, shape, st.scratch)
        else:
            formats.store(values, fmt, out, shape, st.scratch, flush_subnormal=ftz)


    def _wave_params(self, s) -> waves.WaveParams:
        # Settings are replaced, never changed in place: the same record and caps
        # mean the same parameters, so most buffers reuse the last ones.
        st = self.state
        key = st.params_key
        if key is None or key[0] is not s or key[1] != st.rate or key[2] is not st.fmt:
            st.params = waves.WaveParams(
                freq=s.freq, volume=s.volume, rate=st.rate, ctype=st.fmt.ctype,
                sine_periods_per_tick=s.sine_periods_per_tick,
                tick_interval=s.tick_interval, marker_tick_period=s.marker_tick_period,
                marker_tick_volume=s.marker_tick_volume, apply_tick_ramp=s.apply_tick_ramp)
            st.params_key = (s, st.rate, st.fmt)
        return st.params

    # -- beyond the C element ------------------------------------------------------------
    # Each path returns float64 values (n, 1) or (n, channels) in output units, like the
    # C-equivalent path above; all are off (None) at the properties' defaults.

    def _beyond_c(self, s, wave: int):
        if wave == CUSTOM:
            return self._custom
        if wave == SWEEP:
            return self._sweep
        if wave in PERIODIC and (s.channel_freqs or s.channel_phases or s.band_limited
                                 or s.control_per_sample):
            return self._tones
        return None

    def _gain(self, s, n: int) -> np.ndarray | float:
        """Volume times full scale: per sample when a controller drives it and
        control-per-sample is on, else the buffer's value."""
        st = self.state
        if s.control_per_sample:
            vol = st.extra_arrays(n)[2]
            if value_array(self, b"volume", self._pts, SECOND // st.rate, vol):
                vol *= st.fmt.scale
                return vol[:, None]
        return s.volume * st.fmt.scale

    def _custom(self, s, wave: int, first_sample: int, n: int) -> np.ndarray:
        st = self.state
        gen = s.generator
        if not callable(gen):
            raise TypeError("wave=custom needs a Python callable in the generator "
                            f"property, not {gen!r}")
        t = st.extra_arrays(n)[0]
        np.add(st.arrays.ramp(n), first_sample, out=t)
        t /= st.rate
        y = np.asarray(gen(t.copy()))
        if y.dtype.kind not in "biuf":
            raise TypeError(f"generator returned {y.dtype} samples; it must return real "
                            "numbers (for complex values, say which part: np.real(z))")
        if y.shape == (n,):
            values = st.work_array(n, 1)
            values[:, 0] = y
        elif y.shape == (n, st.channels):
            values = st.work_array(n, st.channels)
            values[...] = y
        else:
            raise ValueError(f"generator returned shape {y.shape}; expected ({n},) or "
                             f"({n}, {st.channels})")
        values *= self._gain(s, n)
        # NaN is silence; infinities and everything beyond full scale are clipped.
        np.nan_to_num(values, copy=False, nan=0.0)
        return np.clip(values, -st.fmt.scale, st.fmt.scale, out=values)

    def _sweep(self, s, wave: int, first_sample: int, n: int) -> np.ndarray:
        st = self.state
        law = SweepLaw(s.freq, s.end_freq, s.sweep_duration / SECOND,
                       log=int(s.sweep_mode) == 1)
        values = st.work_array(n, 1)
        phase = st.extra_arrays(n)[0]
        sweep_phase(law, st.rate, first_sample, phase, st.arrays)
        np.sin(phase, out=values[:, 0])
        values *= self._gain(s, n)
        return values

    def _tones(self, s, wave: int, first_sample: int, n: int) -> np.ndarray:
        """Sine/square/saw/triangle with per-channel frequency and phase, per-sample
        frequency control, band-limiting: whichever of these is switched on."""
        st = self.state
        kind = PERIODIC[wave]
        per_channel = bool(s.channel_freqs or s.channel_phases)
        channels = st.channels if per_channel else 1
        freqs = tones.channel_frequencies(s.channel_freqs, s.freq, channels)
        offsets = tones.channel_phase_offsets(s.channel_phases, channels)
        if st.channel_acc.shape[0] != channels:
            # One accumulator per channel, all starting where C's single one is.
            st.channel_acc = np.full(channels, st.waves.accumulator)
            st.channel_memos = [oscillators.PhaseMemo() for _ in range(channels)]
        rows = st.extra_arrays(n)
        phase, scratch = rows[0], rows[1]
        controlled = (s.control_per_sample and not per_channel and
                      value_array(self, b"freq", self._pts, SECOND // st.rate, scratch))
        values = st.work_array(n, channels)
        for c in range(channels):
            if controlled:  # a true chirp: the step changes every sample
                scratch *= oscillators.TWO_PI / st.rate
                st.channel_acc[c] = tones.variable_step_phase(st.channel_acc[c], scratch,
                                                              phase)
                dt = float(scratch.max()) / oscillators.TWO_PI
            else:
                step = oscillators.phase_step(float(freqs[c]), st.rate)
                st.channel_acc[c] = oscillators.accumulate_phase(
                    float(st.channel_acc[c]), step, phase, st.channel_memos[c])
                dt = float(freqs[c]) / st.rate
            if offsets[c]:
                phase += offsets[c]
                np.mod(phase, oscillators.TWO_PI, out=phase)
            # Per-channel tones never take the controlled path, so scratch is free to
            # hold a channel's column contiguously.
            col = scratch if channels > 1 else values[:, 0]
            tones.shape(kind, phase, col, dt if s.band_limited and 0 < dt < 0.5 else None)
            if channels > 1:
                values[:, c] = col
        st.waves.accumulator = float(st.channel_acc[0])
        values *= self._gain(s, n)
        if s.band_limited:
            np.clip(values, -st.fmt.scale, st.fmt.scale, out=values)
        return values


def _too_big(spb: int, bpf: int) -> str:
    return (f"samplesperbuffer={spb} at {bpf} bytes per frame makes buffers of "
            f"{spb * bpf} bytes; GstBaseSrc's blocksize holds at most {MAX_BLOCKSIZE}")


def _scale_round(val: int, num: int, denom: int) -> int:
    """gst_util_uint64_scale_round: val * num / denom rounded to nearest."""
    return (val * num + denom // 2) // denom


_CAN_ACTIVATE_PUSH_OFFSET = field_offset("GstBase", "BaseSrc", "can_activate_push")


def _set_struct_bool(obj: GstBase.BaseSrc, offset: int, value: bool) -> None:
    """Write a gboolean field of ``obj``'s C instance struct (offset from GI)."""
    ctypes.c_int.from_address(gobject_pointer(obj) + offset).value = int(bool(value))


install_array_properties(AudioTestSrc)

FACTORY = ("audiotestsrc_py", Gst.Rank.NONE, AudioTestSrc)
