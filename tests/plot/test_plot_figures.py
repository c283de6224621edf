"""numgst.plot without GStreamer: PCM unpacking, the history window, the spectrum and
the Agg figures, checked against exact math and the axes' own transforms."""

from __future__ import annotations

import numpy as np
import pytest

from numgst.plot.audio import History, Spectrum, next_pow2, pcm_to_float
from numgst.signal.formats import FORMATS

RED = "#ff0000"


# -- PCM ------------------------------------------------------------------------------


def _pack(values: np.ndarray, fmt) -> np.ndarray:
    """Reference packer: integer sample values (already offset for unsigned) to bytes."""
    if fmt.width == 3:
        v = values.astype(np.int64) & 0xFFFFFF
        b = np.stack([(v >> s) & 0xFF for s in (0, 8, 16)], axis=-1).astype(np.uint8)
        if fmt.big_endian:
            b = b[..., ::-1]
        return b.reshape(-1)
    return values.astype(fmt.dtype).view(np.uint8).reshape(-1)


INT_FORMATS = {
    name: FORMATS[name]
    for name in (
        "S8",
        "U8",
        "S16LE",
        "S16BE",
        "U16LE",
        "S24LE",
        "S24BE",
        "U24LE",
        "S20LE",
        "S18BE",
        "S24_32LE",
        "U24_32BE",
        "S32LE",
        "U32BE",
    )
}


@pytest.mark.parametrize("name", sorted(INT_FORMATS))
@pytest.mark.parametrize("interleaved", [True, False])
def test_pcm_integer_formats_exact(name, interleaved):
    fmt = INT_FORMATS[name]
    rng = np.random.default_rng(1)
    channels, n = 3, 257
    half = 1 << (fmt.depth - 1)
    # Extremes included: -full scale, zero, full scale - 1 lsb.
    signed_vals = rng.integers(-half, half, size=(channels, n))
    signed_vals[:, :3] = [-half, 0, half - 1]
    stored = signed_vals if fmt.signed else signed_vals + half
    layout = stored.T if interleaved else stored
    raw = _pack(np.ascontiguousarray(layout), fmt)
    out = np.empty((channels, n), np.float32)
    pcm_to_float(raw, fmt, channels, interleaved, out)
    np.testing.assert_array_equal(out, (signed_vals / half).astype(np.float32))
    assert out.min() == -1.0


@pytest.mark.parametrize("dtype", ["<f4", ">f4", "<f8", ">f8"])
def test_pcm_float_formats(dtype):
    dt = np.dtype(dtype)
    fmt = FORMATS[f"F{dt.itemsize * 8}{'BE' if dt.byteorder == '>' else 'LE'}"]
    x = np.linspace(-1.5, 1.5, 2 * 100).reshape(100, 2)
    out = np.empty((2, 100), np.float32)
    pcm_to_float(x.astype(dt).view(np.uint8).reshape(-1), fmt, 2, True, out)
    np.testing.assert_array_equal(out, x.T.astype(np.float32))


# -- history --------------------------------------------------------------------------


def test_history_matches_naive_concatenation():
    rng = np.random.default_rng(2)
    h = History(2, 50)
    ref = np.zeros((2, 50), np.float32)
    for n in [1, 7, 49, 50, 51, 3, 120, 0, 13, 25, 25]:
        if rng.random() < 0.3:
            h.push(None, n)
            chunk = np.zeros((2, n), np.float32)
        else:
            chunk = rng.standard_normal((2, n)).astype(np.float32)
            h.push(chunk)
        ref = np.concatenate([ref, chunk], axis=1)[:, -50:]
        np.testing.assert_array_equal(h.window(), ref)
        assert h.window().base is h.buf  # a view, no copy


# -- spectrum -------------------------------------------------------------------------


def test_spectrum_full_scale_bin_centred_sine_reads_0_dbfs():
    rate, length = 48000, 1920
    sp = Spectrum(length, rate)
    assert sp.nfft == 2048 == next_pow2(length)
    k = 40  # bin 40 of the 2048-point FFT
    f = k * rate / sp.nfft
    # A whole number of periods in the window, so Hann's gain is exact at the peak.
    t = np.arange(length) / rate
    x = np.sin(2 * np.pi * f * t)[None, :].astype(np.float32)
    out = np.empty((1, sp.freqs.size), np.float32)
    sp.db(x, out)
    assert int(np.argmax(out[0])) == k
    assert out[0, k] == pytest.approx(0.0, abs=0.35)  # Hann scalloping < 0.35 dB here
    assert out[0, 5 * k] < -60


# -- figures -------------------------------------------------------------------------

figures = pytest.importorskip("numgst.plot.figures")


def _trace_mask(img: np.ndarray) -> np.ndarray:
    r, g, b = (img[..., i].astype(int) for i in range(3))
    return (r > 180) & (g < 110) & (b < 110)


@pytest.mark.parametrize("size", [(640, 480), (641, 479), (1280, 720), (100, 60)])
@pytest.mark.parametrize("mode", ["waveform", "spectrum"])
def test_figure_fills_exact_frame(mode, size):
    w, h = size
    cfg = figures.PlotConfig(width=w, height=h, rate=8000, channels=2, window=320)
    r = figures.make_figure(mode, cfg)
    out = np.zeros((h, w, 4), np.uint8)
    x = np.zeros((2, 320), np.float32)
    r.draw(x, out)
    assert (out[..., 3] == 255).all()  # opaque: the whole frame was written


def test_waveform_extent_follows_amplitude_through_axes_transform():
    cfg = figures.PlotConfig(rate=48000, channels=1, window=1920, colors=(RED,))
    r = figures.make_figure("waveform", cfg)
    t = np.arange(1920) / 48000
    out = np.empty((480, 640, 4), np.uint8)
    for vol in (0.2, 0.5, 0.9):
        r.draw((vol * np.sin(2 * np.pi * 500 * t))[None].astype(np.float32), out)
        rows = np.nonzero(_trace_mask(out).any(axis=1))[0]
        _, top = r.pixel_to_data(0, 300, rows.min())
        _, bottom = r.pixel_to_data(0, 300, rows.max())
        assert top == pytest.approx(vol, abs=0.02)
        assert bottom == pytest.approx(-vol, abs=0.02)


def test_waveform_long_window_envelope_keeps_peaks():
    # 1 s at 48 kHz is far more samples than columns: drawn as a min/max envelope.
    cfg = figures.PlotConfig(rate=48000, channels=1, window=48000, colors=(RED,))
    r = figures.make_figure("waveform", cfg)
    assert r.block > 1
    x = np.zeros((1, 48000), np.float32)
    x[0, 30000] = 0.7  # a single-sample click must still show
    out = np.empty((480, 640, 4), np.uint8)
    r.draw(x, out)
    rows = np.nonzero(_trace_mask(out).any(axis=1))[0]
    assert r.pixel_to_data(0, 0, rows.min())[1] == pytest.approx(0.7, abs=0.02)


def test_bad_colour_is_refused():
    with pytest.raises(ValueError, match="not a colour"):
        figures.parse_colors("red, notacolour")
    assert figures.parse_colors(" red,#00ff00 ,") == ("red", "#00ff00")
