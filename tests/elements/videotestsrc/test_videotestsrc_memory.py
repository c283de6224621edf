"""videotestsrc_py's memory: frames painted in bands of rows give C's bytes in every
pattern and format (bands made tiny here, so every size is banded), with or without
the caches C does not keep, and a large frame holds about what C holds."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from _isolated import run_python
from test_videotestsrc import ALL_PATTERNS, REQUIRED, _mask, assert_same, caps

from numgst.picture import frames

ANIMATED = [
    "pattern=ball motion=sweep",
    "pattern=ball flip=true",
    "pattern=zone-plate kt=3 kxt=5 kyt=-7 kt2=11 kxy=9 kx2=300 ky2=-200 xoffset=3",
    "pattern=chroma-zone-plate kt=2 kx=3 ky=4 k0=100",
    "pattern=smpte",
    "pattern=snow",
    "pattern=blink",
    "pattern=checkers-2 horizontal-speed=7",
    "pattern=smpte overlay=frame-number",
]


@pytest.fixture(params=["cached", "uncached"])
def tiny_bands(request, monkeypatch):
    """Bands of 8 rows at 97 columns; "uncached": as a frame too large for caches."""
    monkeypatch.setattr(frames, "BAND_BYTES", 4 * 97 * 8)
    if request.param == "uncached":
        monkeypatch.setattr(frames, "CACHE_BYTES", 0)


@pytest.mark.parametrize("fmt", REQUIRED)
def test_every_pattern_in_bands(fmt, tiny_bands):
    for pattern in ALL_PATTERNS:
        assert_same(f"pattern={pattern} kx2=20 ky2=20", caps(fmt, 97, 61), frames=2)


@pytest.mark.parametrize("props", ANIMATED)
@pytest.mark.parametrize("fmt", ["I420", "NV12", "YUY2", "RGBA", "Y444", "v210"[:0] or "P010_10LE"])
def test_animated_patterns_in_bands(props, fmt, tiny_bands):
    if "overlay" in props:
        return  # beyond C: compared with itself unbanded in test_videotestsrc_beyond
    assert_same(props, caps(fmt, 97, 61), frames=6)


# Forked from a small interpreter: Linux keeps ru_maxrss across exec, so a child
# forked from pytest itself would start at pytest's size.
_PEAK = """
import os, sys
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss / 1024, status)
"""


def _peak_mb(args: list[str]) -> float:
    r = subprocess.run(
        ["/usr/bin/python3", "-I", "-S", "-c", _PEAK, *args],
        capture_output=True, text=True, timeout=300, env=os.environ,
    )  # fmt: skip
    peak, status = r.stdout.split()
    assert status == "0", args
    return float(peak)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB")
@pytest.mark.parametrize("pattern", ["smpte", "snow", "ball", "checkers-8", "zone-plate"])
def test_a_4k_frame_holds_at_most_one_and_a_half_times_cs_memory(pattern):
    def above_start(element: str) -> float:
        tiny = _peak_mb(
            [
                "gst-launch-1.0",
                "-q",
                element,
                f"pattern={pattern}",
                "num-buffers=1",
                "!",
                "video/x-raw,format=I420,width=16,height=16",
                "!",
                "fakesink",
            ]
        )
        big = _peak_mb(
            [
                "gst-launch-1.0",
                "-q",
                element,
                f"pattern={pattern}",
                "num-buffers=3",
                "!",
                "video/x-raw,format=I420,width=3840,height=2160",
                "!",
                "fakesink",
            ]
        )
        return big - tiny  # fmt: skip

    c, py = above_start("videotestsrc"), above_start("videotestsrc_py")
    assert py <= 1.5 * c + 4, f"{pattern}: C +{c:.0f} MB, ours +{py:.0f} MB"


def test_memory_stays_flat_over_frames_at_4k():
    r = run_python(
        """
import numgst
from numgst.base.gst import Gst

numgst.register()
p = Gst.parse_launch(
    "videotestsrc_py pattern=snow num-buffers=80 ! "
    "video/x-raw,format=I420,width=3840,height=2160 ! identity name=i signal-handoffs=true ! "
    "fakesink"
)
marks = []
def on(_e, buf):
    if buf.offset % 10 == 9:
        marks.append(int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20)
p.get_by_name("i").connect("handoff", on)
p.set_state(Gst.State.PLAYING)
p.get_bus().timed_pop_filtered(300 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
p.set_state(Gst.State.NULL)
print(marks)
assert max(marks) - marks[0] < 2, marks
""",
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]


@pytest.mark.parametrize("fmt", ["I420", "RGBA", "YUY2"])
@pytest.mark.parametrize("props", ["pattern=ball overlay=timestamp", "pattern=custom"])
def test_beyond_c_patterns_in_bands_are_the_same_frames(props, fmt, monkeypatch):
    from numgst.testing import capture

    def gen(t, n):
        y, x = np.mgrid[0:61, 0:97]
        return np.stack([(x * 3 + n) % 256, (y * 4) % 256, (x ^ y) % 256], axis=-1).astype(np.uint8)

    def frames_of() -> list[bytes]:
        def configure(p):
            src = p.get_by_name("src")
            if "custom" in props:
                src.set_property("generator", gen)

        r = capture(
            f"videotestsrc_py name=src {props} num-buffers=4 ! {caps(fmt, 97, 61)} ! "
            "appsink name=sink",
            configure=configure,
        )
        assert r.error is None, r.error_debug
        return [b.data for b in r.buffers]

    mask = _mask(caps(fmt, 97, 61), 1)  # row padding holds what the buffer held
    whole = frames_of()
    monkeypatch.setattr(frames, "BAND_BYTES", 4 * 97 * 8)
    for a, b in zip(frames_of(), whole, strict=True):
        assert (np.frombuffer(a, np.uint8)[mask] == np.frombuffer(b, np.uint8)[mask]).all()
