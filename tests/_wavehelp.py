"""Shared by the signal tests: run the C element, run render() the same way."""

from __future__ import annotations

import numpy as np

from numgst.signal.catalog import WAVE_NICKS, changed, values
from numgst.signal.waves import Voice, WaveParams
from numgst.testing import capture

# ctype -> (caps format, numpy dtype of the bytes)
FORMATS = {
    "int16": ("S16LE", "<i2"),
    "int32": ("S32LE", "<i4"),
    "float": ("F32LE", "<f4"),
    "double": ("F64LE", "<f8"),
}

_PROP_NAMES = {
    "sine_periods_per_tick": "sine-periods-per-tick",
    "tick_interval": "tick-interval",
    "marker_tick_period": "marker-tick-period",
    "marker_tick_volume": "marker-tick-volume",
    "apply_tick_ramp": "apply-tick-ramp",
}


def c_buffers(
    wave: int, p: WaveParams, channels: int, spb: int, nbuf: int, extra: dict | None = None
) -> list[np.ndarray]:
    """Buffers of the C audiotestsrc as (frames, channels) arrays of the ctype."""
    fmt, dt = FORMATS[p.ctype]
    props = " ".join(f"{_PROP_NAMES[k]}={str(v).lower()}" for k, v in (extra or {}).items())
    desc = (
        f"audiotestsrc wave={WAVE_NICKS[wave]} freq={p.freq!r} volume={p.volume!r} "
        f"samplesperbuffer={spb} num-buffers={nbuf} {props} ! "
        f"audio/x-raw,format={fmt},rate={p.rate},channels={channels} ! appsink name=sink"
    )
    c = capture(desc)
    assert c.error is None, c.error
    assert len(c.buffers) == nbuf
    return [np.frombuffer(b.data, dt).reshape(-1, channels) for b in c.buffers]


def py_buffers(
    wave: int,
    p: WaveParams,
    channels: int,
    sizes: list[int],
    seed: int | None = 1,
    tick_at_end: bool = False,
) -> list[np.ndarray]:
    """render() buffer by buffer, cast as the element casts.

    ``tick_at_end`` passes each buffer's end as first_sample: GStreamer 1.22's tick
    placement.
    """
    state = Voice(seed)
    state.reset()
    changed(wave, state)
    pos = 0
    res = []
    for n in sizes:
        out = np.empty((n, channels))
        values(wave, p, state, pos + n if tick_at_end else pos, out)
        pos += n
        res.append(out.astype(FORMATS[p.ctype][1]))
    return res
