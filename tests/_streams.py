"""Comparing audio streams buffer for buffer (audiotestsrc_py against C)."""

from __future__ import annotations

from numgst.testing import Capture, capture


def run(src: str, props: str, caps: str, nbuf: int) -> Capture:
    r = capture(f"{src} {props} num-buffers={nbuf} ! {caps} ! appsink name=sink")
    assert r.error is None, (src, r.error, r.error_debug)
    return r


def assert_same_stream(c: Capture, py: Capture, compare_bytes: bool = True) -> None:
    assert py.caps.is_equal(c.caps), (py.caps.to_string(), c.caps.to_string())
    assert len(py.buffers) == len(c.buffers)
    for i, (a, b) in enumerate(zip(c.buffers, py.buffers, strict=True)):
        assert (b.pts, b.duration, b.offset, b.offset_end, b.flags, len(b.data)) == (
            a.pts,
            a.duration,
            a.offset,
            a.offset_end,
            a.flags,
            len(a.data),
        ), i
        if compare_bytes:
            assert b.data == a.data, f"buffer {i} differs"
