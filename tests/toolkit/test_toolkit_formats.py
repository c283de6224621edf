"""The toolkit right for every format: one PCM conversion (``numgst.pcm``) equal to
``audioconvert``'s, an identity filter bit-exact in all 30 formats and both layouts,
one rule for what ``transform``/``generate`` return, and every byte of a generated
video frame written."""

from __future__ import annotations

import numpy as np
import pytest

from numgst import pcm
from numgst.base.gst import Gst
from numgst.testing import capture
from numgst.toolkit import AudioFilter, AudioSource, VideoSource

RATE = 48000
NAMES = tuple(pcm.FORMATS)
LAYOUTS = ("interleaved", "non-interleaved")


def _pushing(chunks: list[bytes], caps: str):
    """A configure() for capture(): ``chunks`` into the appsrc called src, then EOS."""

    def configure(p: Gst.Pipeline) -> None:
        src = p.get_by_name("src")
        src.set_property("caps", Gst.Caps.from_string(caps))
        src.set_property("format", Gst.Format.TIME)
        t = 0
        for data in chunks:
            buf = Gst.Buffer.new_wrapped(data)
            buf.pts = t
            t += Gst.SECOND // 100
            src.emit("push-buffer", buf)
        src.emit("end-of-stream")

    return configure


def _s32_input(seed: int = 0) -> list[bytes]:
    """Stereo S32 samples: random, then every extreme, in two buffers."""
    rng = np.random.default_rng(seed)
    edge = np.array([-(2**31), 2**31 - 1, 0, 1, -1, 2**15, -(2**15), 2**31 - 2**8], np.int64)
    a = rng.integers(-(2**31), 2**31, 600).astype("<i4")
    b = np.concatenate([edge, -edge[1:-1], rng.integers(-(2**31), 2**31, 200)]).astype("<i4")
    return [a.tobytes(), b[: b.size // 2 * 2].tobytes()]


def _canonical(name: str, layout: str, middle: str = "") -> bytes:
    """The S32 input as GStreamer packs it into ``name``, optionally through ``middle``."""
    r = capture(
        "appsrc name=src ! audioconvert dithering=none ! "
        f"audio/x-raw,format={name},layout={layout} ! {middle} appsink name=sink",
        configure=_pushing(
            _s32_input(), f"audio/x-raw,format=S32LE,rate={RATE},channels=2,layout=interleaved"
        ),
    )
    assert r.error is None, r.error_debug
    return r.data


# -- the conversion, against audioconvert ---------------------------------------------


def _random_bytes(fmt: pcm.Format, frames: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if fmt.floating:
        return rng.uniform(-1.5, 1.5, frames * 2).astype(fmt.dtype).view(np.uint8)
    return rng.integers(0, 256, frames * 2 * fmt.width, dtype=np.uint8)  # padding too


@pytest.mark.parametrize("name", NAMES)
def test_to_float_is_audioconverts_f64_and_f32(name):
    fmt = pcm.FORMATS[name]
    raw = _random_bytes(fmt, 700, seed=len(name))
    ours = pcm.to_float(pcm.samples(raw, fmt, 700, 2), fmt)
    assert ours.dtype == (np.float32 if fmt.depth <= 24 or fmt.name[:3] == "F32" else np.float64)
    for out, dtype in (("F64LE", "<f8"), ("F32LE", "<f4")):
        r = capture(
            f"appsrc name=src ! audioconvert ! audio/x-raw,format={out} ! appsink name=sink",
            configure=_pushing(
                [raw.tobytes()],
                f"audio/x-raw,format={name},rate={RATE},channels=2,layout=interleaved",
            ),
        )
        assert r.error is None, r.error_debug
        theirs = np.frombuffer(r.data, dtype).reshape(-1, 2)
        np.testing.assert_array_equal(ours.astype(dtype), theirs, err_msg=f"{name} -> {out}")


@pytest.mark.parametrize("name", NAMES)
def test_from_float_rounds_clips_and_round_trips(name):
    fmt = pcm.FORMATS[name]
    raw = _random_bytes(fmt, 300, seed=1)
    x = pcm.to_float(pcm.samples(raw, fmt, 300, 2), fmt)
    out = np.zeros_like(raw)
    pcm.from_float(x, fmt, pcm.samples(out, fmt, 300, 2))
    back = pcm.to_float(pcm.samples(out, fmt, 300, 2), fmt)
    np.testing.assert_array_equal(back, x)
    if fmt.floating:
        return
    step = 1.0 / fmt.full_scale
    y = np.array([[2.0, -2.0], [np.nan, np.inf], [-np.inf, 0.5 * step], [1.5 * step, -0.5 * step]])
    out = np.zeros(4 * 2 * fmt.width, np.uint8)
    pcm.from_float(y, fmt, pcm.samples(out, fmt, 4, 2))
    got = pcm.to_float(pcm.samples(out, fmt, 4, 2), fmt).astype(np.float64) * fmt.full_scale
    top = fmt.full_scale - 1
    assert got.tolist() == [[top, -top - 1], [0, top], [-top - 1, 0], [2, 0]]  # ties to even


def test_planar_views_are_the_planes():
    fmt = pcm.FORMATS["S16LE"]
    raw = np.arange(12, dtype="<i2").view(np.uint8)
    x = pcm.samples(raw, fmt, 4, 3, planar=True)
    assert x.shape == (4, 3) and x[:, 1].tolist() == [4, 5, 6, 7]
    x = pcm.samples(raw, fmt, 2, 3, planar=True, offsets=(0, 8, 16))
    assert x[:, 2].tolist() == [8, 9]
    with pytest.raises(ValueError, match="uneven"):
        pcm.samples(raw, fmt, 2, 3, planar=True, offsets=(0, 8, 10))


# -- an identity filter is bit-exact everywhere ---------------------------------------


class _Identity(AudioFilter):
    """Changes nothing, in place"""

    __gtype_name__ = "NumgstTestIdentityIP"
    FORMATS = NAMES

    def transform(self, x):
        return None


class _IdentityCopy(AudioFilter):
    """Changes nothing, into a new buffer"""

    __gtype_name__ = "NumgstTestIdentityCopy"
    FORMATS = NAMES
    IN_PLACE = False

    def transform(self, x):
        return x


class _Negate(AudioFilter):
    """Returns -x while IN_PLACE: the returned array is the output in every format"""

    __gtype_name__ = "NumgstTestNegate"
    FORMATS = NAMES

    def transform(self, x):
        return -x


@pytest.fixture(scope="module", autouse=True)
def _elements():
    for name, cls in (
        ("numgst_test_identity_ip", _Identity),
        ("numgst_test_identity_copy", _IdentityCopy),
        ("numgst_test_negate", _Negate),
        ("numgst_test_source_shape", _BadShapeSource),
        ("numgst_test_column_filter", _ColumnFilter),
        ("numgst_test_solid", _Solid),
    ):
        if Gst.ElementFactory.find(name) is None:
            Gst.Element.register(None, name, Gst.Rank.NONE, cls)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_identity_filter_is_bit_exact(name, layout):
    ref = _canonical(name, layout)
    assert len(ref) == 814 * pcm.FORMATS[name].width  # every sample of the input
    assert _canonical(name, layout, "numgst_test_identity_ip !") == ref
    assert _canonical(name, layout, "numgst_test_identity_copy !") == ref
    if layout == "interleaved" and name in ("S8", "S16LE", "S24LE", "S32LE", "F32LE", "F64LE"):
        assert _canonical(name, layout, "volume volume=1.0 !") == ref


@pytest.mark.parametrize("name", ["F32LE", "F64BE", "S16LE", "U8", "S24_32BE", "U20LE"])
def test_returned_array_is_the_output_in_place_in_every_format(name):
    fmt = pcm.FORMATS[name]
    ref = np.frombuffer(_canonical(name, "interleaved"), np.uint8)
    got = np.frombuffer(_canonical(name, "interleaved", "numgst_test_negate !"), np.uint8)
    n = ref.size // (2 * fmt.width)
    x = pcm.to_float(pcm.samples(ref.copy(), fmt, n, 2), fmt)
    expected = np.zeros_like(ref)
    pcm.from_float(-x, fmt, pcm.samples(expected, fmt, n, 2))
    np.testing.assert_array_equal(got, expected)


# -- what transform and generate may return --------------------------------------------


class _ColumnFilter(AudioFilter):
    """Returns whatever its ``reply`` class attribute makes of x"""

    __gtype_name__ = "NumgstTestColumnFilter"
    FORMATS = ("F32LE", "S16LE")
    reply = staticmethod(lambda x: x[:, :1])

    def transform(self, x):
        return type(self).reply(x)


REPLIES = {
    "a column for stereo": (lambda x: x[:, :1], "shape (1024, 1)"),
    "a string": (lambda x: "loud", "a str"),
    "complex numbers": (lambda x: x * 1j, "complex"),
    "one frame short": (lambda x: x[1:], "shape (1023, 2)"),
}


@pytest.mark.parametrize("fmt", ["F32LE", "S16LE"])
@pytest.mark.parametrize("what", sorted(REPLIES))
def test_a_wrong_return_is_a_bus_error_that_says_what_was_expected(what, fmt):
    reply, said = REPLIES[what]
    _ColumnFilter.reply = staticmethod(reply)
    r = capture(
        f"audiotestsrc num-buffers=3 ! audio/x-raw,format={fmt},channels=2 ! "
        "numgst_test_column_filter ! appsink name=sink"
    )
    assert r.error is not None and not r.buffers
    assert "_ColumnFilter.transform() returned" in r.error, r.error
    assert said in r.error and "(1024, 2) (frames, channels)" in r.error, r.error


def test_not_in_place_none_is_an_error():
    class NoneCopy(AudioFilter):
        """returns None"""

        __gtype_name__ = "NumgstTestNoneCopy"
        IN_PLACE = False

        def transform(self, x):
            x[0, 0]  # noqa: B018 - read only

    Gst.Element.register(None, "numgst_test_none_copy", Gst.Rank.NONE, NoneCopy)
    r = capture("audiotestsrc num-buffers=2 ! numgst_test_none_copy ! appsink name=sink")
    assert r.error is not None and "IN_PLACE = False it must return the output" in r.error


class _BadShapeSource(AudioSource):
    """Returns (frames, 1) for any channel count"""

    __gtype_name__ = "NumgstTestBadShapeSource"

    def generate(self, first_sample, frames):
        return np.zeros((frames, 1))


def test_generate_column_for_stereo_is_an_error_but_one_row_is_every_channel():
    r = capture(
        "numgst_test_source_shape num-buffers=2 ! audio/x-raw,channels=2 ! appsink name=sink"
    )
    assert r.error is not None
    assert "generate() returned a float64 array of shape (1024, 1)" in r.error, r.error
    assert "(frames,) for every channel alike" in r.error
    mono = capture(
        "numgst_test_source_shape num-buffers=2 ! audio/x-raw,channels=1 ! appsink name=sink"
    )
    assert mono.error is None and len(mono.buffers) == 2


# -- video: generate() fills every byte in every format --------------------------------


class _Solid(VideoSource):
    """A solid colour, as an RGB picture"""

    __gtype_name__ = "NumgstTestSolid"
    FORMATS = ("I420", "NV12", "YV12", "Y444", "Y42B", "AYUV", "GRAY8", "RGBA", "P010_10LE")

    def generate(self, frame):
        return np.full((frame.height, frame.width, 3), (200, 40, 90), np.uint8)


@pytest.mark.parametrize("fmt", _Solid.FORMATS)
def test_generate_packs_every_format_like_cs_solid_colour(fmt):
    caps = f"video/x-raw,format={fmt},width=37,height=21"
    ours = capture(f"numgst_test_solid num-buffers=6 ! {caps} ! appsink name=sink")
    c = capture(
        "videotestsrc pattern=solid-color foreground-color=0xffc8285a num-buffers=1 ! "
        f"{caps} ! appsink name=sink"
    )
    assert ours.error is None, ours.error_debug
    assert len(ours.buffers) == 6
    # Every frame equal, padding included: nothing stale from an earlier buffer.
    assert all(b.data == ours.buffers[0].data for b in ours.buffers)
    from numgst.picture.pack import meaningful
    from numgst.toolkit.video import VideoLayout, video_info
    from numgst.toolkit.video_formats import picture_layout, pixel_format

    layout = VideoLayout.from_info(video_info(Gst.Caps.from_string(caps)))
    mask = meaningful(pixel_format(layout.info.finfo.format), picture_layout(layout))
    a = np.frombuffer(ours.buffers[0].data, np.uint8)
    b = np.frombuffer(c.buffers[0].data, np.uint8)
    np.testing.assert_array_equal(a[mask], b[mask])
    assert (a[~mask] == 0).all()


def test_generate_wrong_shape_is_an_error():
    class Wrong(VideoSource):
        """wrong"""

        __gtype_name__ = "NumgstTestWrongPicture"

        def generate(self, frame):
            return np.zeros((frame.height, frame.width, 2))

    Gst.Element.register(None, "numgst_test_wrong_picture", Gst.Rank.NONE, Wrong)
    r = capture("numgst_test_wrong_picture num-buffers=2 ! appsink name=sink")
    assert r.error is not None and "Wrong.generate()" in r.error
    assert "expected (240, 320, 3 or 4)" in r.error, r.error


# -- ArraySink: the same floats, read-only, every format and layout --------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ["S16LE", "U8", "S24_32BE", "U20LE", "S32LE", "F32LE", "F64BE"])
def test_array_sink_hands_read_only_floats_equal_to_audioconvert(name, layout):
    got: list[np.ndarray] = []
    writable: list[bool] = []

    def keep(x, pts):
        writable.append(x.flags.writeable)
        got.append(np.array(x))

    def configure(p):
        p.get_by_name("look").set_property("callback", keep)
        _pushing(
            _s32_input(), f"audio/x-raw,format=S32LE,rate={RATE},channels=2,layout=interleaved"
        )(p)

    r = capture(
        "appsrc name=src ! audioconvert dithering=none ! "
        f"audio/x-raw,format={name},layout={layout} ! tee name=t ! queue ! "
        "numgst_arraysink name=look t. ! queue ! audioconvert ! "
        "audio/x-raw,format=F64LE,layout=interleaved ! appsink name=sink",
        configure=configure,
    )
    assert r.error is None, r.error_debug
    theirs = np.frombuffer(r.data, "<f8").reshape(-1, 2)
    ours = np.concatenate(got)
    assert ours.dtype == pcm.FORMATS[name].float_dtype and not any(writable)
    np.testing.assert_array_equal(ours.astype(np.float64), theirs)
