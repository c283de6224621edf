"""signal.formats against the C element: the bytes of all 30 formats, from C's own values.

The C element is run once in S32LE and F64LE; its samples, passed through
:func:`numgst.signal.formats.store`, must give the bytes the C element produces in
every other format. That proves the pack step (shifts, sign flips, byte orders, 3-byte
packing) independently of how the samples are computed.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from numgst.base.gst import GstAudio
from numgst.signal import formats
from numgst.testing import capture

CH = 3
SPB = 701


@functools.cache
def _c(fmt: str, wave: str, layout: str = "interleaved") -> bytes:
    r = capture(
        f"audiotestsrc wave={wave} volume=1.0 freq=1234.5 samplesperbuffer={SPB} "
        f"num-buffers=2 ! audio/x-raw,format={fmt},channels={CH},rate=48000,"
        f"layout={layout} ! appsink name=sink"
    )
    assert r.error is None, r.error
    return r.data


def _source_values(fmt: formats.SampleFormat, wave: str, layout: str) -> np.ndarray:
    if fmt.ctype == "int32":
        return np.frombuffer(_c("S32LE", wave, layout), "<i4").astype(np.float64)
    f64 = np.frombuffer(_c("F64LE", wave, layout), "<f8")
    if fmt.ctype == "int16":
        # volume=1: C's sin(acc) * (1.0 * 32767.0) is the F64 value times 32767.0.
        return f64 * formats.INT16_SCALE
    return f64


def test_table_matches_gstaudio_format_info():
    assert sorted(formats.TEMPLATE_ORDER) == sorted(formats.FORMATS)
    assert len(formats.FORMATS) == 30
    for name, f in formats.FORMATS.items():
        info = GstAudio.AudioFormat.get_info(GstAudio.AudioFormat.from_string(name))
        assert (f.width * 8, f.depth) == (info.width, info.depth), name
        assert f.signed == bool(info.flags & GstAudio.AudioFormatFlags.SIGNED), name
        assert f.floating == bool(info.flags & GstAudio.AudioFormatFlags.FLOAT), name
        if info.width > 8:
            assert f.big_endian == (info.endianness == 4321), name
        native = name in ("S16LE", "S32LE", "F32LE", "F64LE")
        assert f.packed == (not native), name
        if f.packed:
            want = "f64le" if f.floating else "s32le"
            assert info.unpack_format.value_nick == want, name
            assert f.ctype == ("double" if f.floating else "int32"), name


@pytest.mark.parametrize("wave", ["sine", "square"])
@pytest.mark.parametrize("name", formats.TEMPLATE_ORDER)
def test_store_gives_c_bytes(name, wave):
    fmt = formats.FORMATS[name]
    want = _c(name, wave)
    values = _source_values(fmt, wave, "interleaved").reshape(-1, CH)
    out = np.zeros(len(want), np.uint8)
    formats.store(values, fmt, out, values.shape, scratch=np.empty(5, np.int32))
    assert out.tobytes() == want


@pytest.mark.parametrize("name", ["S24BE", "U20LE", "S16BE", "F32BE", "U32BE"])
def test_store_planar_and_broadcast_column(name):
    """Planar memory order, and one packed column replicated to every channel."""
    fmt = formats.FORMATS[name]
    want = _c(name, "saw" if fmt.ctype == "int32" else "sine", "non-interleaved")
    values = _source_values(fmt, "saw" if fmt.ctype == "int32" else "sine", "non-interleaved")
    # Every buffer is planar on its own: (channels, frames) per buffer.
    per_buf = values.reshape(2, CH, SPB)
    out = np.zeros(len(want), np.uint8)
    step = len(want) // 2
    for i in range(2):
        col = per_buf[i, 0][None, :]  # channels are identical: pack one row
        assert (per_buf[i] == col).all()
        formats.store(col, fmt, out[i * step : (i + 1) * step], (CH, SPB))
    assert out.tobytes() == want


def test_truncation_toward_zero_and_rounding():
    v = np.array([[-1.9, -0.5, 0.5, 1.9, 32766.99, -32767.0]]).T
    out = np.zeros(v.size * 2, np.uint8)
    formats.store(v, formats.FORMATS["S16LE"], out, v.shape)
    assert out.view("<i2").tolist() == [-1, 0, 0, 1, 32766, -32767]
    x = np.array([[1.0 + 2.0**-30, 0.1]]).T
    out = np.zeros(x.size * 4, np.uint8)
    formats.store(x, formats.FORMATS["F32BE"], out, x.shape)
    assert out.view(">f4").tolist() == [1.0, float(np.float32(0.1))]


@pytest.mark.parametrize("volume", [1e-39, 1e-44, 3e-38])
def test_f32be_flushes_subnormals_like_c(volume):
    """GStreamer's ORC F64->F32 pack runs with flush-to-zero: tiny volumes give 0."""
    caps = "audio/x-raw,format=F32BE,rate=48000,channels=2"
    out = []
    for name in ("audiotestsrc", "audiotestsrc_py"):
        r = capture(
            f"{name} volume={volume!r} freq=1234.5 num-buffers=2 ! {caps} ! appsink name=sink"
        )
        assert r.error is None, r.error
        out.append(r.data)
    assert out[1] == out[0]
