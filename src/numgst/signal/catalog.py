"""The waves: one row each, and everything else derived from the rows.

A row says what a wave is called (the GEnum value, nick and description gst-inspect
shows), what C computes for it (:mod:`numgst.signal.waves`), what it needs (one value
per frame or per sample, the noise state C's ``change_wave`` resets) and how it
renders (:mod:`numgst.signal.render`). The element's ``wave`` enum, the lists the
tests and the bench iterate over, and the renderer a stream gets all come from here.

Adding a wave is one row and one function (plus the properties it reads, if any): see
``pulse``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from . import render, waves
from .waves import Voice, WaveParams

ValuesFn = Callable[[WaveParams, Voice, int, np.ndarray], None]
ShapeFn = Callable[..., float]


@dataclasses.dataclass(frozen=True)
class Wave:
    """One wave of ``audiotestsrc_py``.

    Attributes
    ----------
    value, nick, name
        The GEnum value, the string gst-launch takes, the description.
    renderer
        The :class:`~numgst.signal.render.Renderer` class that writes it.
    shape
        For a function of the phase: values from phases (see :mod:`.waves`).
    values
        For the others: C's doubles for a block, (n, 1) if ``mono`` else (n, ch).
    threshold
        For two-level waves: the phase (radians) where the level drops, from params.
    pieces
        For piecewise waves: the phases where pieces begin, the constant each piece
        takes off the phase, which pieces are negated (see PiecewiseRenderer).
    mono
        Every channel carries the same value.
    unbounded
        Values may exceed full scale (gaussian noise); integer casts wrap as C's.
    resets
        The noise state C's ``change_wave`` re-initialises ("pink", "red") or None.
    flips
        Every other frame is negated (blue and violet noise).
    tone
        The periodic shape name for per-channel, band-limited and per-sample
        controlled tones (:mod:`.tones`), or None if those do not apply.
    in_c
        The C element has it (the parity tests compare these).
    """

    value: int
    nick: str
    name: str
    renderer: type[render.Renderer]
    shape: ShapeFn | None = None
    values: ValuesFn | None = None
    threshold: Callable[[WaveParams], float] | None = None
    pieces: tuple[tuple[float, ...], tuple[float, ...], tuple[bool, ...]] | None = None
    mono: bool = True
    unbounded: bool = False
    resets: str | None = None
    flips: bool = False
    tone: str | None = None
    in_c: bool = True


def _beyond(value: int, nick: str, name: str, renderer: type[render.Renderer]) -> Wave:
    return Wave(value, nick, name, renderer, in_c=False)


R = render
WAVES: tuple[Wave, ...] = (
    Wave(0, "sine", "Sine", R.PhaseRenderer, shape=waves.sine, tone="sine"),
    Wave(
        1,
        "square",
        "Square",
        R.TwoLevelRenderer,
        shape=waves.square,
        threshold=waves.square_threshold,
        tone="square",
    ),
    Wave(
        2, "saw", "Saw", R.PiecewiseRenderer, shape=waves.saw, pieces=waves.SAW_PIECES, tone="saw"
    ),
    Wave(
        3,
        "triangle",
        "Triangle",
        R.PiecewiseRenderer,
        shape=waves.triangle,
        pieces=waves.TRIANGLE_PIECES,
        tone="triangle",
    ),
    Wave(4, "silence", "Silence", R.SilenceRenderer, values=waves.silence),
    Wave(5, "white-noise", "White uniform noise", R.DrawnRenderer, values=waves.white, mono=False),
    Wave(
        6,
        "pink-noise",
        "Pink noise",
        R.PinkRenderer,
        values=waves.pink,
        mono=False,
        resets="pink",
    ),
    Wave(7, "sine-table", "Sine table", R.PhaseRenderer, shape=waves.sine_table),
    Wave(8, "ticks", "Periodic Ticks", R.TicksRenderer, values=waves.ticks),
    Wave(
        9,
        "gaussian-noise",
        "White Gaussian noise",
        R.DrawnRenderer,
        values=waves.gaussian,
        mono=False,
        unbounded=True,
    ),
    Wave(
        10,
        "red-noise",
        "Red (brownian) noise",
        R.ValuesRenderer,
        values=waves.red,
        mono=False,
        resets="red",
    ),
    Wave(
        11,
        "blue-noise",
        "Blue noise",
        R.PinkRenderer,
        values=waves.blue,
        mono=False,
        flips=True,
        resets="pink",
    ),
    Wave(
        12,
        "violet-noise",
        "Violet noise",
        R.ValuesRenderer,
        values=waves.violet,
        mono=False,
        flips=True,
        resets="red",
    ),
    # Beyond the C element (values after C's, so C's numbers keep their meaning):
    _beyond(13, "sweep", "Sine sweep from freq to end-freq (see sweep-mode)", R.SweepRenderer),
    _beyond(14, "custom", "Python callable set in the generator property", R.CustomRenderer),
    Wave(
        15,
        "pulse",
        "Pulse: square with duty-cycle high (duty-cycle 0.5: the square)",
        R.TwoLevelRenderer,
        shape=waves.pulse,
        threshold=waves.pulse_threshold,
        in_c=False,
    ),
)

BY_VALUE: dict[int, Wave] = {w.value: w for w in WAVES}
BY_NICK: dict[str, Wave] = {w.nick: w for w in WAVES}
#: (value, description, nick) for the GEnum.
ENUM_VALUES: tuple[tuple[int, str, str], ...] = tuple((w.value, w.name, w.nick) for w in WAVES)
#: The C element's waves, by value.
C_WAVES: tuple[Wave, ...] = tuple(w for w in WAVES if w.in_c)
WAVE_NICKS: tuple[str, ...] = tuple(w.nick for w in WAVES)
NOISES: tuple[Wave, ...] = tuple(w for w in C_WAVES if not w.mono)
DETERMINISTIC: tuple[Wave, ...] = tuple(w for w in WAVES if w.renderer.deterministic)

# Wave values by name, for code that means one wave in particular.
(
    SINE,
    SQUARE,
    SAW,
    TRIANGLE,
    SILENCE,
    WHITE_NOISE,
    PINK_NOISE,
    SINE_TABLE,
    TICKS,
    GAUSSIAN_NOISE,
    RED_NOISE,
    BLUE_NOISE,
    VIOLET_NOISE,
    SWEEP,
    CUSTOM,
    PULSE,
) = (w.value for w in WAVES)


def make_renderer(
    wave: int,
    p: WaveParams,
    target: render.Target,
    voice: Voice,
    control: render.Control | None = None,
    mute: bool = False,
) -> render.Renderer:
    """The renderer for ``wave`` with these parameters, into this target.

    Periodic waves with per-channel frequencies or phases, band-limiting, or a
    per-sample ``control`` take the tones renderer; ``mute`` keeps the wave running
    under silence.
    """
    row = BY_VALUE[wave]
    cls: type[render.Renderer] = row.renderer
    tones = p.channel_freqs or p.channel_phases or p.band_limited or control is not None
    if row.tone is not None and tones:
        cls = render.TonesRenderer
    r = cls(row, p, target, voice, control)
    return render.Muted(r) if mute else r


def changed(wave: int, voice: Voice) -> None:
    """What C's change_wave() re-initialises when ``wave`` is set (even to itself)."""
    resets = BY_VALUE[wave].resets
    if resets == "pink":
        voice.noise.reset_pink()
    elif resets == "red":
        voice.noise.reset_red()


def values(wave: int, p: WaveParams, voice: Voice, first_sample: int, out: np.ndarray) -> None:
    """C's doubles for a block of ``wave`` into ``out`` (float64 (n, channels); white
    and gaussian noise also float32): what the renderers write, before the cast.

    For tests and tools; elements use :func:`make_renderer`.
    """
    row = BY_VALUE[wave]
    if row.values is not None:
        row.values(p, voice, first_sample, out)
        return
    if row.shape is None:
        raise ValueError(f"wave {row.nick} has no values of its own")
    n = out.shape[0]
    ph = voice.phases(p.step, n)
    col = voice.scratch.get("catalog-column", n)
    col *= row.shape(p, ph, col, voice.scratch)  # the shape writes col, then the gain
    np.copyto(out, col[:, None])
