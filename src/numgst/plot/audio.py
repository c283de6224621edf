"""Sample-side helpers for plotting audio: PCM to float, a history window, spectra.

Pure numpy. Nothing here knows about GStreamer; formats are the records of
:data:`numgst.pcm.FORMATS` (one record per format for the whole project).
"""

from __future__ import annotations

import numpy as np

from .. import pcm

# Float input is drawn as it is, except what cannot be drawn: NaN becomes 0 and
# infinities (or values beyond float32) become this, far outside any axis range.
FLOAT_LIMIT = 1e12


def pcm_to_float(
    raw: np.ndarray,
    fmt: pcm.Format,
    channels: int,
    interleaved: bool,
    out: np.ndarray,
    offsets: tuple[int, ...] | None = None,
) -> None:
    """Unpack PCM bytes into float samples in full-scale units (:mod:`numgst.pcm`'s
    conversion, the one every numgst element uses).

    Parameters
    ----------
    raw : ndarray of uint8
        The buffer's bytes: ``n * channels * fmt.width`` of them, or for planar data
        with ``offsets`` at least up to the end of the last plane.
    fmt : numgst.pcm.Format
        Sample storage.
    channels : int
        Number of channels.
    interleaved : bool
        True for frame-interleaved data, False for one plane per channel.
    out : ndarray of float32, shape (channels, n)
        Receives the samples; floats as they are, but what cannot be drawn: NaN as 0,
        infinities as +-:data:`FLOAT_LIMIT`.
    offsets : tuple of int, optional
        Planar data only: byte offset of each channel's plane (a GstAudioMeta's);
        default: planes of ``n`` samples back to back.
    """
    n = out.shape[1]
    if offsets:
        for c, off in enumerate(offsets):  # each plane where it is, evenly spaced or not
            pcm.to_float(pcm.samples(raw[off:], fmt, n, 1), fmt, out[c : c + 1].T)
    else:
        pcm.to_float(pcm.samples(raw, fmt, n, channels, not interleaved), fmt, out.T)
    if fmt.floating:
        np.nan_to_num(out, copy=False, nan=0.0, posinf=FLOAT_LIMIT, neginf=-FLOAT_LIMIT)
        np.clip(out, -FLOAT_LIMIT, FLOAT_LIMIT, out=out)


class History:
    """The last ``size`` samples of each channel, readable as one contiguous view.

    Every sample is written twice, at ``i`` and ``i + size`` of a ``2 * size`` buffer,
    so the newest ``size`` samples are always ``buf[:, w : w + size]``: reading the
    window never copies.
    """

    def __init__(self, channels: int, size: int) -> None:
        self.size = size
        self.buf = np.zeros((channels, 2 * size), np.float32)
        self.w = 0

    @property
    def channels(self) -> int:
        return self.buf.shape[0]

    def window(self) -> np.ndarray:
        """The newest ``size`` samples, oldest first, shape (channels, size). A view."""
        return self.buf[:, self.w : self.w + self.size]

    def push(self, x: np.ndarray | None, n: int | None = None) -> None:
        """Append samples ``x`` (channels, n); ``x=None`` appends ``n`` zeros."""
        size = self.size
        if x is not None:
            n = x.shape[1]
            if n >= size:
                x, n = x[:, n - size :], size
        else:
            n = min(n or 0, size)
        w = self.w
        first = min(n, size - w)
        rest = n - first
        self._put(w, first, None if x is None else x[:, :first])
        if rest:
            self._put(0, rest, None if x is None else x[:, first:])
        self.w = (w + n) % size

    def _put(self, lo: int, n: int, src: np.ndarray | None) -> None:
        for off in (lo, lo + self.size):
            dst = self.buf[:, off : off + n]
            if src is None:
                dst.fill(0.0)
            else:
                dst[...] = src

    def clear(self) -> None:
        self.buf.fill(0.0)
        self.w = 0


def next_pow2(n: int) -> int:
    """Smallest power of two >= n (and >= 1)."""
    return 1 << max(0, int(n - 1).bit_length())


class Spectrum:
    """Magnitude spectrum in dBFS of a fixed-length window, Hann-weighted.

    A full-scale sine whose frequency sits on a bin reads 0 dBFS: the magnitude is
    scaled by ``2 / sum(window)``.

    Parameters
    ----------
    length : int
        Samples per analysed window (the plot's window).
    rate : int
        Sample rate in Hz.
    floor_db : float
        Magnitudes below this are clamped to it (avoids log of zero).
    """

    def __init__(self, length: int, rate: int, floor_db: float = -200.0) -> None:
        self.length = length
        self.nfft = max(16, next_pow2(length))
        # Periodic Hann: the spectral-analysis variant (no repeated end point).
        n = np.arange(length)
        self.window = (0.5 - 0.5 * np.cos(2 * np.pi * n / length)).astype(np.float32)
        self.scale = 2.0 / float(self.window.sum())
        self.freqs = np.arange(self.nfft // 2 + 1) * (rate / self.nfft)
        self.floor = 10.0 ** (floor_db / 20.0)
        self._weighted: np.ndarray | None = None

    def db(self, x: np.ndarray, out: np.ndarray) -> None:
        """dBFS of each rfft bin of ``x`` (channels, length) into ``out`` (channels, bins)."""
        if self._weighted is None or self._weighted.shape != x.shape:
            self._weighted = np.empty(x.shape, np.float32)
        np.multiply(x, self.window, out=self._weighted)
        spec = np.fft.rfft(self._weighted, n=self.nfft, axis=-1)
        np.abs(spec, out=out, casting="unsafe")
        out *= self.scale
        np.maximum(out, self.floor, out=out)
        np.log10(out, out=out)
        out *= 20.0
