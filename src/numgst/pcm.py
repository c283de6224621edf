"""PCM audio: the 30 raw sample formats, and the one conversion between their samples
and floats.

Every numgst element and toolkit class that hands audio to Python or takes it back
converts with this module, so a sample means the same everywhere. Pure numpy; nothing
here knows about GStreamer.

The conversion (the same for every format and both layouts)
------------------------------------------------------------
To float
    An integer sample is the low ``depth`` bits of its container (the padding of
    S24_32, S20 and S18 is ignored), two's complement for signed formats and offset
    by ``2**(depth-1)`` for unsigned ones, divided by ``2**(depth-1)``: full scale is
    [-1, 1 - 2**(1-depth)]. The values are exactly ``audioconvert``'s F64 output for
    the same input (and its F32 output once rounded to float32). They are exact in
    the float type the format converts to (:attr:`Format.float_dtype`): float32 for
    up to 24 bits, float64 for 32-bit integers. Float samples are their own values,
    in native byte order.
From float
    Integer formats: the value times ``2**(depth-1)``, rounded to nearest (ties to
    even), clipped to the format's range, NaN as 0. Stored as GStreamer's pack
    functions store it: S24_32 sign-extended, U24_32, S20 and S18 with zero bits
    above their depth. Every sample read by :func:`to_float` comes back bit for bit.
    (``audioconvert dithering=none`` may differ by one step on values that fall
    between two steps: it truncates at 32 bits, then rounds half up.)
    Float formats: stored as they are, NaN and values beyond full scale included (a
    float format holds them, as ``volume`` and ``audioconvert`` leave them).

Layouts
-------
The arrays handed to Python are always (frames, channels). For interleaved data
they are plain views of the buffer; for non-interleaved (planar) data they are
strided views of the planes, one column per plane.
"""

from __future__ import annotations

import dataclasses
import functools
import sys

import numpy as np

if sys.byteorder != "little":  # pragma: no cover - every machine we run on is LE
    raise ImportError("numgst.pcm assumes a little-endian host")


@dataclasses.dataclass(frozen=True)
class Format:
    """One GstAudioFormat.

    Attributes
    ----------
    name : str
        GStreamer's name, e.g. ``"S16BE"``.
    width : int
        Bytes one sample occupies in the buffer (1, 2, 3, 4 or 8).
    depth : int
        Significant bits.
    signed, floating, big_endian : bool
        As GstAudioFormatInfo says.
    """

    name: str
    width: int
    depth: int
    signed: bool
    floating: bool
    big_endian: bool

    @functools.cached_property
    def dtype(self) -> np.dtype | None:
        """numpy dtype of one stored sample (None for 3-byte formats)."""
        if self.width == 3:
            return None
        kind = "f" if self.floating else "i" if self.signed else "u"
        return np.dtype(f"{'>' if self.big_endian else '<'}{kind}{self.width}")

    @property
    def word(self) -> np.dtype:
        """:attr:`dtype`, for formats stored in whole numpy words (not 3-byte ones)."""
        if self.dtype is None:
            raise ValueError(f"{self.name} samples are 3 bytes: no numpy dtype")
        return self.dtype

    @functools.cached_property
    def float_dtype(self) -> np.dtype:
        """The float type samples convert to: the smallest that holds each exactly
        (float32 up to 24 bits, float64 for 32-bit integers and F64)."""
        if self.floating:
            return np.dtype(np.float32 if self.width == 4 else np.float64)
        return np.dtype(np.float64 if self.depth > 24 else np.float32)

    @functools.cached_property
    def full_scale(self) -> int:
        """The integer that float 1.0 stands for: ``2**(depth-1)`` (1 for floats)."""
        return 1 if self.floating else 1 << (self.depth - 1)

    @property
    def native_float(self) -> bool:
        """Float samples in the machine's byte order: the buffer is the float array."""
        return self.floating and not self.big_endian


def _make_formats() -> dict[str, Format]:
    out: dict[str, Format] = {}
    # (suffix, width, depth) in the order of audiotestsrc's template.
    ints = (
        ("16", 2, 16),
        ("24_32", 4, 24),
        ("32", 4, 32),
        ("24", 3, 24),
        ("20", 3, 20),
        ("18", 3, 18),
    )
    for suffix, width, depth in ints:
        for signed in (True, False):
            for be in (False, True):
                name = f"{'S' if signed else 'U'}{suffix}{'BE' if be else 'LE'}"
                out[name] = Format(name, width, depth, signed, False, be)
    for bits in (32, 64):
        for be in (False, True):
            name = f"F{bits}{'BE' if be else 'LE'}"
            out[name] = Format(name, bits // 8, bits, False, True, be)
    out["S8"] = Format("S8", 1, 8, True, False, False)
    out["U8"] = Format("U8", 1, 8, False, False, False)
    return out


#: The 30 formats GStreamer's raw audio has, by name, in the order of the C
#: ``audiotestsrc``'s template.
FORMATS: dict[str, Format] = _make_formats()


def get(name: str) -> Format:
    """The format called ``name``, or a ValueError naming the ones there are."""
    fmt = FORMATS.get(name)
    if fmt is None:
        raise ValueError(f"unknown audio format {name!r}; known: {', '.join(FORMATS)}")
    return fmt


Layout = tuple[np.dtype, tuple[int, ...], int, tuple[int, ...]]


def sample_layout(
    fmt: Format,
    frames: int,
    channels: int,
    planar: bool = False,
    offsets: tuple[int, ...] | None = None,
    size: int | None = None,
) -> Layout:
    """Where a buffer's samples lie: what :func:`samples` views, as the arguments of
    ``np.ndarray(shape, dtype, buffer=raw, offset=offset, strides=strides)``.

    Parameters
    ----------
    fmt : Format
    frames, channels : int
    planar : bool
        Non-interleaved data: one plane of ``frames`` samples per channel.
    offsets : tuple of int, optional
        Planar data: the byte offset of each plane (a GstAudioMeta's); by default
        the planes lie back to back. They must be evenly spaced.
    size : int, optional
        The buffer's size in bytes, checked to hold the samples.

    Returns
    -------
    (dtype, shape, offset, strides)
        ``fmt.dtype`` and (frames, channels), or uint8 and (frames, channels, 3) for
        the 3-byte formats; the first sample's byte offset; strides in bytes.
    """
    width = fmt.width
    if planar:
        first, step = _plane_spacing(offsets, frames * width)
        frame_step = width
        end = first + (channels - 1) * step + frames * width
    else:
        first, step, frame_step = 0, width, channels * width
        end = frames * channels * width
    if size is not None and (size < end or first < 0):
        layout = "planes" if planar else "interleaved frames"
        raise ValueError(
            f"a buffer of {size} bytes cannot hold {frames} {layout} of {channels} "
            f"{fmt.name} samples at offset {first}, {step} bytes apart"
        )
    if width == 3:
        return np.dtype(np.uint8), (frames, channels, 3), first, (frame_step, step, 1)
    return fmt.word, (frames, channels), first, (frame_step, step)


def samples(
    raw: np.ndarray,
    fmt: Format,
    frames: int,
    channels: int,
    planar: bool = False,
    offsets: tuple[int, ...] | None = None,
) -> np.ndarray:
    """The samples of a buffer as a (frames, channels) view of ``raw``.

    Parameters
    ----------
    raw : ndarray of uint8, 1-D, contiguous
        The buffer's bytes.
    fmt, frames, channels, planar, offsets
        As for :func:`sample_layout`.

    Returns
    -------
    ndarray
        (frames, channels) of ``fmt.dtype``, or (frames, channels, 3) uint8 for the
        3-byte formats; writable if ``raw`` is.
    """
    dtype, shape, offset, strides = sample_layout(
        fmt, frames, channels, planar, offsets, raw.shape[0]
    )
    return np.ndarray(shape, dtype, buffer=raw, offset=offset, strides=strides)


def _plane_spacing(offsets: tuple[int, ...] | None, plane: int) -> tuple[int, int]:
    """(first plane's offset, bytes from one plane to the next) of planes at
    ``offsets`` (None: back to back, ``plane`` bytes each), which must be even."""
    if not offsets:
        return 0, plane
    step = offsets[1] - offsets[0] if len(offsets) > 1 else plane
    if any(b - a != step for a, b in zip(offsets, offsets[1:], strict=False)):
        raise ValueError(f"planes at uneven offsets {offsets}: not supported")
    return offsets[0], step


def to_float(words: np.ndarray, fmt: Format, out: np.ndarray | None = None) -> np.ndarray:
    """Samples as floats (the module docstring says how).

    Parameters
    ----------
    words : ndarray
        Samples as :func:`samples` gives them, any shape (3-byte formats: a trailing
        axis of 3 bytes).
    fmt : Format
    out : ndarray of float, optional
        Receives the values (shape of ``words`` without the byte axis); by default a
        new array of ``fmt.float_dtype``. A narrower float type rounds to nearest.

    Returns
    -------
    ndarray
        ``out``.
    """
    shape = words.shape[:-1] if fmt.width == 3 else words.shape
    if out is None:
        out = np.empty(shape, fmt.float_dtype)
    if fmt.floating:
        if out.dtype.itemsize >= fmt.width:  # nothing to overflow (errstate costs us)
            np.copyto(out, words, casting="unsafe")
            return out
        with np.errstate(over="ignore"):  # F64 beyond float32's range: inf, as a cast
            np.copyto(out, words, casting="unsafe")
        return out
    if fmt.width == 3:
        values = _unpack24(words, fmt.big_endian)
    elif fmt.width * 8 != fmt.depth:
        values = words.astype(np.int32)
    else:
        values = words
    if values is not words:
        # 32-bit bit patterns: keep the low `depth` bits, as GStreamer's unpack reads them.
        shift = 32 - fmt.depth
        np.left_shift(values, shift, out=values)
        if fmt.signed:
            np.right_shift(values, shift, out=values)
        else:
            np.right_shift(values.view(np.uint32), shift, out=values.view(np.uint32))
    scale = out.dtype.type(1.0 / fmt.full_scale)
    if fmt.signed:
        np.multiply(values, scale, out=out, casting="unsafe")
    else:
        np.subtract(values, out.dtype.type(fmt.full_scale), out=out, casting="unsafe")
        out *= scale
    return out


def from_float(y: np.ndarray, fmt: Format, words: np.ndarray) -> None:
    """Store float samples (the module docstring says how).

    Parameters
    ----------
    y : ndarray of real numbers
        Values, broadcastable to the samples of ``words``. Not changed.
    fmt : Format
    words : ndarray
        Where they go, as :func:`samples` gives it (writable).
    """
    if fmt.floating:
        np.copyto(words, y, casting="unsafe")
        return
    shape = words.shape[:-1] if fmt.width == 3 else words.shape
    y = np.asarray(y)
    # Scaling by a power of two is exact: a float64 y keeps its precision to the rint.
    work = np.promote_types(y.dtype, fmt.float_dtype) if y.dtype.kind == "f" else fmt.float_dtype
    z = np.empty(shape, work)
    np.multiply(y, z.dtype.type(fmt.full_scale), out=z, casting="unsafe")
    np.nan_to_num(z, copy=False, nan=0.0)
    np.rint(z, out=z)
    np.clip(z, -fmt.full_scale, fmt.full_scale - 1, out=z)
    if not fmt.signed:
        z += fmt.full_scale
    if fmt.width == 3:
        v = z.astype(np.int32)
        if fmt.depth < 24:  # zero bits above the depth, as GStreamer's pack writes
            v &= (1 << fmt.depth) - 1
        b = v.view(np.uint8).reshape(shape + (4,))
        words[...] = b[..., 2::-1] if fmt.big_endian else b[..., :3]
        return
    np.copyto(words, z, casting="unsafe")


def _unpack24(words: np.ndarray, big_endian: bool) -> np.ndarray:
    """Three-byte samples (trailing axis of 3) as int32 bit patterns (not extended)."""
    b = words.astype(np.int32)
    lo, hi = (2, 0) if big_endian else (0, 2)
    return b[..., lo] | (b[..., 1] << 8) | (b[..., hi] << 16)
