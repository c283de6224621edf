"""Sample formats: which C type ``audiotestsrc`` generates, and how it reaches memory.

The C element computes samples in one of four C types (``gint16``, ``gint32``,
``gfloat``, ``gdouble``), picked from the negotiated format:

* native S16, S32, F32, F64 are written straight into the buffer;
* every other integer format is generated as ``gint32`` (scale 2147483647.0) and then
  converted by the format's GstAudioFormatInfo pack function (unpack format S32);
* non-native F32 and F64 are generated as ``gdouble`` and packed from F64.

:func:`store` takes the float64 values the C element holds just before its final cast
and writes the exact bytes C writes: the cast (integers truncate toward zero, floats
round to nearest), then the pack step. Pack steps as GStreamer 1.22 does them:

* 8 and 16 bit, S24_32/U24_32: the top ``depth`` bits of the S32 value (unsigned: sign
  bit flipped first). S24_32 keeps its sign in the padding byte (arithmetic shift),
  U24_32 has a zero padding byte (logical shift).
* packed 24-bit (S24/U24, S20/U20, S18/U18): ``(u32 ^ sign) >> (32 - depth)``, a logical
  shift, low 3 bytes stored: S20/S18 have zero (not sign) bits above their depth.
* F32 from F64: round to nearest (flushing subnormal results to zero: ORC runs with
  FTZ, see ``flush_subnormal``), then swap; F64BE: swap.

Everything here is pure numpy; the hot path writes into the caller's buffer view and a
caller-owned int32 scratch array, allocating nothing else.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from typing import Any

import numpy as np

from .. import pcm

if sys.byteorder != "little":  # pragma: no cover - every machine we run on is LE
    raise ImportError("numgst.signal.formats assumes a little-endian host")

INT16_SCALE = 32767.0
INT32_SCALE = 2147483647.0
_SIGN = np.uint32(0x80000000)

#: C sample types the element generates, in C's own index order (int16, int32, float,
#: double), with the amplitude scale of each.
CTYPE_SCALE = {"int16": INT16_SCALE, "int32": INT32_SCALE, "float": 1.0, "double": 1.0}


@dataclasses.dataclass(frozen=True)
class SampleFormat(pcm.Format):
    """One GstAudioFormat (:class:`numgst.pcm.Format`) as the C ``audiotestsrc``
    produces it.

    Attributes
    ----------
    ctype : str
        C type the samples are generated in: ``"int16"``, ``"int32"``, ``"float"``
        or ``"double"``.
    packed : bool
        True when the C element generates into a scratch array and calls the format's
        pack function; False when it writes the C type straight into the buffer.
    """

    ctype: str = "int32"
    packed: bool = True

    @functools.cached_property
    def ctype_scale(self) -> float:
        """Full-scale amplitude of the generated C type (32767.0, 2147483647.0, 1.0):
        the C element's, not the format's (that is :attr:`numgst.pcm.Format.full_scale`)."""
        return CTYPE_SCALE[self.ctype]


def _c_side(f: pcm.Format) -> SampleFormat:
    """What C generates ``f`` in (see the module docstring)."""
    if f.floating:
        ctype = "double" if f.big_endian else "float" if f.width == 4 else "double"
        packed = f.big_endian
    else:
        native = f.name in ("S16LE", "S32LE")
        ctype = "int16" if f.name == "S16LE" else "int32"
        packed = not native
    return SampleFormat(**dataclasses.asdict(f), ctype=ctype, packed=packed)


#: The 30 formats of the C element's template, by GStreamer name.
FORMATS: dict[str, SampleFormat] = {name: _c_side(f) for name, f in pcm.FORMATS.items()}

#: Format list in the C template's order (the order fixation falls back on).
TEMPLATE_ORDER = tuple(FORMATS)


def buffer_view(fmt: SampleFormat, out: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A view of raw bytes ``out`` as samples of ``fmt``, in memory order ``shape``.

    Returns an array of ``fmt.dtype`` with shape ``shape``, or for 3-byte formats a
    uint8 array of shape ``shape + (3,)``.
    """
    if fmt.width == 3:
        return out.reshape(shape + (3,))
    return out.view(fmt.word).reshape(shape)


def store(
    values: np.ndarray,
    fmt: SampleFormat,
    out: np.ndarray,
    shape: tuple[int, int],
    scratch: np.ndarray | None = None,
    flush_subnormal: bool = False,
) -> None:
    """Write ``values`` into the raw buffer ``out`` exactly as the C element does.

    Parameters
    ----------
    values : ndarray of float64
        Samples in units of ``fmt.ctype_scale`` (before C's cast), broadcastable to
        ``shape``; a column ``(n, 1)`` or row ``(1, n)`` is packed once and then
        replicated, which is how identical channels stay cheap.
    fmt : SampleFormat
        Target format.
    out : ndarray of uint8, 1-D, C-contiguous
        The mapped buffer, ``prod(shape) * fmt.width`` bytes.
    shape : (int, int)
        Memory order of the samples: ``(frames, channels)`` for interleaved,
        ``(channels, frames)`` for planar data.
    scratch : ndarray of int32, optional
        At least ``values.size`` elements, reused between calls for integer formats
        that are packed; allocated when missing.
    flush_subnormal : bool
        For packed F32 (F32BE): GStreamer's ORC pack runs with flush-to-zero, so
        results below the smallest normal float become (signed) zero. That takes an
        extra pass, only worth it when samples can be that small (volume < ~1e-20);
        ignored for other formats.

    Notes
    -----
    Values beyond the C type's range cast as x86-64 C casts them (int32: INT_MIN;
    int16: the low 16 bits of the int32 conversion); numpy warns about them unless
    called under ``np.errstate(invalid="ignore")``.
    """
    dst = buffer_view(fmt, out, shape)
    if fmt.floating:
        _store_float(values, fmt, dst, flush_subnormal)
    elif not fmt.packed:
        # Native S16/S32: C's cast truncates toward zero, as numpy's unsafe cast does.
        _put(dst, values)
    elif fmt.depth == 32:
        # S32BE / U32*: the pack is at most a sign flip; no narrowing, no scratch. Cast
        # through int32 (C's cast), then flip the sign bit in place.
        _put(dst.view(dst.dtype.str[0] + "i4"), values)
        if not fmt.signed:
            dst ^= _SIGN
    else:
        _store_packed(values, fmt, dst, scratch)


def _store_float(values: np.ndarray, fmt: SampleFormat, dst: np.ndarray, ftz: bool) -> None:
    # float64 -> float32 rounds to nearest (C's cast and ORC's convdf alike); the byte
    # order of dst's dtype does any swapping.
    _put(dst, values)
    if ftz and fmt.packed and fmt.width == 4:
        tiny = np.abs(dst) < np.finfo(np.float32).tiny
        dst[tiny] = np.copysign(0.0, dst[tiny])


def _store_packed(
    values: np.ndarray, fmt: SampleFormat, dst: np.ndarray, scratch: np.ndarray | None
) -> None:
    """C's cast to int32, then the format's pack function (the module docstring)."""
    n = values.size
    if scratch is None or scratch.size < n:
        scratch = np.empty(n, np.int32)
    s32 = scratch[:n].reshape(values.shape)
    np.copyto(s32, values, casting="unsafe")
    u32 = s32.view(np.uint32)
    if not fmt.signed:
        u32 ^= _SIGN
    shift = 32 - fmt.depth
    if fmt.width == 4 and fmt.signed:
        np.right_shift(s32, shift, out=s32)  # S24_32: ORC shrsl keeps the sign
    else:
        np.right_shift(u32, shift, out=u32)
    if fmt.width == 3:
        b = u32.view(np.uint8).reshape(values.shape + (4,))
        _put(dst, b[..., 2::-1] if fmt.big_endian else b[..., :3])
    else:
        # Narrowing keeps the low bits, as the pack functions' stores do.
        _put(dst, s32)


# Sample bytes -> (the sample as an unsigned word, a frame of two, the factor that
# copies the one into both halves of the other).
_PAIRS: dict[int, tuple[type, type, np.unsignedinteger[Any]]] = {
    2: (np.uint16, np.uint32, np.uint32(0x10001)),
    4: (np.uint32, np.uint64, np.uint64(0x100000001)),
}


def store_scaled(
    column: np.ndarray,
    gain: float | np.ndarray,
    fmt: SampleFormat,
    out: np.ndarray,
    shape: tuple[int, int],
    planar: bool,
    scratch: np.ndarray | None = None,
    flush_subnormal: bool = False,
) -> None:
    """``store(column * gain)`` for one channel's values, repeated in every channel.

    Parameters
    ----------
    column : ndarray of float64, shape (frames,)
        Samples before the gain; overwritten for formats that need a repack.
    gain : float or ndarray of float64, shape (frames,)
        Factor applied in double before the cast, as C's ``value * amp`` (per frame
        if an array).
    fmt, out, shape, scratch, flush_subnormal
        As for :func:`store`.
    planar : bool
        True if ``shape`` is (channels, frames).

    For the native formats (S16, S32, F32, F64) the product is cast straight into
    the buffer's first channel, one pass instead of two.
    """
    if fmt.packed or planar:  # the general way
        column *= gain
        store(
            column[None, :] if planar else column[:, None],
            fmt,
            out,
            shape,
            scratch,
            flush_subnormal,
        )
        return
    n, channels = shape
    size = fmt.word.itemsize
    if channels == 2 and size in _PAIRS and scratch is not None and scratch.nbytes >= n * size:
        # Stereo: the samples cast into a contiguous scratch, then each one's bits
        # times 2**(8*size) + 1 is the frame of two equal samples: two contiguous
        # passes instead of a strided cast and a strided copy (about 1.7x faster).
        one = scratch.view(fmt.word)[:n]
        np.multiply(column, gain, out=one, casting="unsafe")
        word, pair, both = _PAIRS[size]
        np.multiply(one.view(word), both, out=out.view(pair)[:n], casting="unsafe")
        return
    dst = out.view(fmt.word).reshape(shape)
    np.multiply(column, gain, out=dst[:, 0], casting="unsafe")
    _spread(dst, planar=False)


class TwoLevels:
    """Two sample values packed once, written as runs into buffers of one layout.

    For waves that take only two values (the square): every frame is one of two
    byte patterns, so a buffer is those patterns repeated run by run, whatever the
    format. Build one per (levels, format, channels, layout); reuse it per buffer.

    Parameters
    ----------
    levels : (float, float)
        Sample values in output units (before C's cast).
    fmt : SampleFormat
    channels : int
    planar : bool
        Non-interleaved buffers: (channels, frames).
    flush_subnormal : bool
        As for :func:`store`.
    """

    def __init__(
        self,
        levels: tuple[float, float],
        fmt: SampleFormat,
        channels: int,
        planar: bool,
        flush_subnormal: bool = False,
    ) -> None:
        self.key = (levels, fmt.name, channels, planar, flush_subnormal)
        width = fmt.width
        sample = np.empty(2 * width, dtype=np.uint8)
        store(np.array(levels)[:, None], fmt, sample, (2, 1), flush_subnormal=flush_subnormal)
        # One numpy item per frame (planar: per sample): repeat then copies whole items.
        size = width if planar else width * channels
        self.item = np.dtype((np.void, size))
        frame = (
            sample.reshape(2, width)
            if planar
            else np.tile(sample.reshape(2, 1, width), (1, channels, 1))
        )
        self.pair = frame.reshape(-1).view(self.item)
        self.alternating = np.resize(self.pair, 64)
        self.channels, self.planar = channels, planar

    def write(self, runs: np.ndarray, out: np.ndarray) -> None:
        """Fill the raw buffer ``out`` (uint8) with ``runs`` of the two levels.

        ``runs``: even length, ``runs[2k]`` frames of the first level then
        ``runs[2k+1]`` of the second, summing to the buffer's frames.
        """
        if self.alternating.shape[0] < runs.shape[0]:
            self.alternating = np.resize(self.pair, 2 * runs.shape[0])
        frames = np.repeat(self.alternating[: runs.shape[0]], runs)
        if self.planar:
            out.view(self.item).reshape(self.channels, -1)[...] = frames  # every row
        else:
            out.view(self.item)[:] = frames


def _put(dst: np.ndarray, src: np.ndarray) -> None:
    """``np.copyto(dst, src, casting="unsafe")`` for a ``src`` of one channel.

    numpy's casting copy from a broadcast (stride 0) source runs element by element,
    several times slower than a plain strided cast; so one channel is cast and the
    others are copies of it, same type to same type.
    """
    if src.ndim >= 2 and src.shape[1] == 1 < dst.shape[1]:  # interleaved, one column
        np.copyto(dst[:, 0], src[:, 0], casting="unsafe")
        _spread(dst, planar=False)
    elif src.ndim >= 2 and src.shape[0] == 1 < dst.shape[0]:  # planar, one row
        np.copyto(dst[0], src[0], casting="unsafe")
        _spread(dst, planar=True)
    else:
        np.copyto(dst, src, casting="unsafe")


def _spread(dst: np.ndarray, planar: bool) -> None:
    """Copy the first channel of ``dst`` into the others (same type: a plain copy).

    ``dst`` is (frames, channels, ...) interleaved or (channels, frames, ...) planar.
    """
    channels = dst if planar else dst.swapaxes(0, 1)
    for c in range(1, channels.shape[0]):
        channels[c] = channels[0]
