"""The property surface gst-inspect shows, compared with the C element's, and the
properties whose effect lives in GstBaseSrc (can-activate-push/pull)."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from _gicompat import describe, enum_members, pspec_default, pspecs

from numgst.base.gst import Gst

# The tutorial's mute, and the properties beyond C (each off by default).
OURS_ONLY = {
    "mute",
    "end-freq",
    "sweep-duration",
    "sweep-mode",
    "band-limited",
    "channel-freqs",
    "channel-phases",
    "seed",
    "control-per-sample",
    "generator",
    "duty-cycle",
}
# Flags a Python pspec cannot carry (its strings are not static); meaningless here.


def test_property_surface_equals_c():
    c, py = pspecs("audiotestsrc"), pspecs("audiotestsrc_py")
    assert set(py) - set(c) == OURS_ONLY
    assert set(c) - set(py) == set()
    for name in c:
        ours, theirs = describe(py[name]), describe(c[name])
        if name == "wave":  # C's values first, then sweep and custom (see below)
            ours["values"] = ours["values"][: len(theirs["values"])]
        assert ours == theirs, name


def test_wave_enum_values_equal_c():
    def members(name):
        cls = type(pspec_default(pspecs(name)["wave"]))
        return sorted((int(v), v.value_name, v.value_nick) for v in enum_members(cls))

    py = members("audiotestsrc_py")
    # C's 13 waves with C's numbers, names and nicks, then ours beyond C.
    assert py[:13] == members("audiotestsrc")
    assert len(py) == 16 and py[2] == (2, "Saw", "saw")
    assert [nick for _v, _n, nick in py[13:]] == ["sweep", "custom", "pulse"]


def _launch_dump(element_name: str, wave: str) -> list[str]:
    r = subprocess.run(
        [
            "gst-launch-1.0",
            "-q",
            element_name,
            f"wave={wave}",
            "num-buffers=1",
            "samplesperbuffer=64",
            "!",
            "fakesink",
            "dump=true",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "WARNING" not in r.stderr and "could not" not in r.stderr.lower(), r.stderr
    # Drop the memory addresses fakesink prints; keep offsets and bytes.
    return [re.sub(r"\(0x[0-9a-f]+\)", "", ln) for ln in r.stdout.splitlines()]


@pytest.mark.parametrize("wave", ["saw", "2"])
def test_wave_by_nick_and_number_in_gst_launch(wave):
    py = _launch_dump("audiotestsrc_py", wave)
    assert py == _launch_dump("audiotestsrc", wave)
    assert py != _launch_dump("audiotestsrc_py", "sine")
    assert len(py) >= 8  # 64 S16 frames = 128 bytes = 8 dump lines


def _run_push(name: str, push: bool):
    p = Gst.parse_launch(f"{name} can-activate-push={str(push).lower()} num-buffers=2 ! fakesink")
    try:
        ret = p.set_state(Gst.State.PLAYING)
        if ret == Gst.StateChangeReturn.FAILURE:
            return ret, None, p.children[-1].get_property("can-activate-push")
        msg = p.get_bus().timed_pop_filtered(
            5 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR
        )
        src = p.children[-1]
        return ret, msg.type if msg else None, src.get_property("can-activate-push")
    finally:
        p.set_state(Gst.State.NULL)


@pytest.mark.parametrize("push", [True, False])
def test_can_activate_push_takes_effect_like_c(push):
    c, py = _run_push("audiotestsrc", push), _run_push("audiotestsrc_py", push)
    assert py == c
    if not push:
        assert py[0] == Gst.StateChangeReturn.FAILURE
    else:
        assert py[1] == Gst.MessageType.EOS


def _scheduling_and_pull(name: str, pull: bool):
    e = Gst.ElementFactory.make(name)
    e.set_property("can-activate-pull", pull)
    pad = e.get_static_pad("src")
    q = Gst.Query.new_scheduling()
    assert pad.query(q)
    modes = [q.parse_nth_scheduling_mode(i) for i in range(q.get_n_scheduling_modes())]
    flags, minsize, maxsize, align = q.parse_scheduling()
    try:
        e.set_state(Gst.State.READY)
        activated = pad.activate_mode(Gst.PadMode.PULL, True)
        pad.activate_mode(Gst.PadMode.PULL, False)
    finally:
        e.set_state(Gst.State.NULL)
    return modes, int(flags), minsize, maxsize, align, activated


@pytest.mark.parametrize("pull", [False, True])
def test_can_activate_pull_like_c(pull):
    c = _scheduling_and_pull("audiotestsrc", pull)
    py = _scheduling_and_pull("audiotestsrc_py", pull)
    assert py == c
    assert (Gst.PadMode.PULL in py[0]) == pull
    # GStreamer 1.22: a TIME-format source is not random access, so even C refuses
    # real pull activation; the property only changes the SCHEDULING answer.
    assert py[-1] is False


def test_property_defaults_read_back():
    e = Gst.ElementFactory.make("audiotestsrc_py")
    assert e.get_property("can-activate-push") is True
    e.set_property("can-activate-push", False)
    assert e.get_property("can-activate-push") is False
    assert e.can_activate_push is False  # the GstBaseSrc field itself
