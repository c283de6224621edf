"""Small blocks rendered ahead (numgst.signal.ahead): the same bytes as C, whatever
changes in the middle of a stream."""

from __future__ import annotations

import pytest
from _streams import assert_same_stream
from _streams import run as _run

from numgst.base.gst import Gst
from numgst.signal import ahead
from numgst.testing import capture
from numgst.toolkit import AudioSource

WAVES = ["sine", "square", "saw", "triangle", "sine-table"]


@pytest.mark.parametrize(
    "fmt,spb", [("F32LE", 1024), ("S16LE", 999), ("S24BE", 64), ("F64LE", 4096), ("U8", 1)]
)
@pytest.mark.parametrize("wave", WAVES)
def test_long_stream_equals_c(wave, fmt, spb):
    props = f"wave={wave} freq=441 samplesperbuffer={spb}"
    caps = f"audio/x-raw,format={fmt},rate=44100,channels=2"
    nbuf = 40
    assert_same_stream(
        _run("audiotestsrc", props, caps, nbuf), _run("audiotestsrc_py", props, caps, nbuf)
    )


# Property changes made in the streaming thread right after buffer k is pushed: the
# next fill sees them, in C and here alike. Each lands while blocks are pending.
CHANGES = {
    5: ("freq", 1000.0),
    9: ("volume", 0.3),
    14: ("wave", 2),
    20: ("wave", 0),
    33: ("freq", 997.0),
    34: ("samplesperbuffer", 512),
    45: ("wave", 7),
    52: ("wave", 3),
    60: ("wave", 4),
    63: ("wave", 1),
}
# C 1.22 has no mute: that one is checked against this element without blocks ahead.
MUTE = {**CHANGES, 23: ("mute", True), 25: ("mute", False), 27: ("mute", True), 29: ("mute", False)}


def _changed(src: str, fmt: str, changes: dict):
    def configure(pipeline):
        el = pipeline.get_by_name("src")
        count = [0]

        def probe(_pad, _info):
            change = changes.get(count[0])
            if change is not None:
                el.set_property(*change)
            count[0] += 1
            return Gst.PadProbeReturn.OK

        el.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, probe)

    return capture(
        f"{src} name=src samplesperbuffer=1024 num-buffers=70 ! "
        f"audio/x-raw,format={fmt},rate=48000,channels=2 ! appsink name=sink",
        configure=configure,
    )


@pytest.mark.parametrize("fmt", ["F32LE", "S16LE"])
def test_changes_mid_stream_equal_c(fmt):
    c = _changed("audiotestsrc", fmt, CHANGES)
    py = _changed("audiotestsrc_py", fmt, CHANGES)
    assert c.error is None and py.error is None
    assert_same_stream(c, py)


@pytest.mark.parametrize("fmt", ["F32LE", "S24LE"])
def test_changes_with_mute_equal_rendering_as_blocks_come(fmt, monkeypatch):
    got = _changed("audiotestsrc_py", fmt, MUTE)

    def as_they_come(self, r, first, out, n):
        self.settle()
        r.render(first, out, n)

    monkeypatch.setattr(ahead.Ahead, "render", as_they_come)
    want = _changed("audiotestsrc_py", fmt, MUTE)
    assert got.error is None and want.error is None
    assert_same_stream(want, got)


def test_blocks_are_rendered_ahead(monkeypatch):
    # The steady stream goes through the blocks ahead (a test that cannot pass
    # by rendering every block as it comes) when buffers go one at a time (not
    # lists: as when live, or synced to a clock).
    monkeypatch.setattr(AudioSource, "LIST_LENGTH", 1)
    served = []
    take = ahead.Ahead.take

    def spy(self, *args):
        got = take(self, *args)
        served.append(got)
        return got

    monkeypatch.setattr(ahead.Ahead, "take", spy)
    _run("audiotestsrc_py", "samplesperbuffer=1024", "audio/x-raw,format=F32LE", 40)
    assert sum(served) > 30


# Noise waves, ticks, sweep and per-channel tones are rendered ahead too (their
# generators and counters are where the stream stands). Seeded, they must give the
# same samples through a stream of changes as rendered as the blocks come.
STATEFUL = {
    3: ("volume", 0.3),
    7: ("samplesperbuffer", 512),
    11: ("volume", 0.9),
    15: ("samplesperbuffer", 300),
    19: ("mute", True),
    21: ("mute", False),
}


@pytest.mark.parametrize(
    "wave,extra",
    [
        ("white-noise", ""),
        ("gaussian-noise", ""),
        ("pink-noise", ""),
        ("red-noise", ""),
        ("blue-noise", ""),
        ("violet-noise", ""),
        ("ticks", "tick-interval=20000000 marker-tick-period=3"),
        ("sweep", "sweep-duration=50000000"),
        ("sine", 'channel-freqs="<440.0, 660.0>"'),
    ],
)
@pytest.mark.parametrize("fmt", ["F32LE", "S16LE"])
def test_stateful_waves_ahead_equal_rendering_as_blocks_come(wave, extra, fmt, monkeypatch):
    def run():
        desc = (
            f"audiotestsrc_py name=src wave={wave} seed=11 {extra} samplesperbuffer=256 "
            f"num-buffers=30 ! audio/x-raw,format={fmt},channels=2,rate=48000 ! "
            "appsink name=sink"
        )

        def configure(pipeline):
            el = pipeline.get_by_name("src")
            count = [0]

            def probe(_pad, _info):
                change = STATEFUL.get(count[0])
                if change is not None:
                    el.set_property(*change)
                count[0] += 1
                return Gst.PadProbeReturn.OK

            el.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, probe)

        r = capture(desc, configure=configure)
        assert r.error is None, r.error_debug
        return r

    got = run()

    def as_they_come(self, r, first, out, n):
        self.settle()
        r.render(first, out, n)

    monkeypatch.setattr(ahead.Ahead, "render", as_they_come)
    assert_same_stream(run(), got)
