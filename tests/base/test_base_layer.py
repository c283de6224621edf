"""The base layer on its own: a tiny element built from it, faults injected."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from _gicompat import pspec_default

from numgst.base import (
    CONTROLLABLE,
    DOUBLE_ARRAY,
    UINT64,
    EscapedViewError,
    Prop,
    PropertiesMixin,
    gproperties,
    install_array_properties,
    mapped_array,
    register_enum,
    settings_record,
    vfunc,
)
from numgst.base.gst import GObject, Gst, GstBase
from numgst.testing import capture

Colour = register_enum("NumgstTestColour", [(0, "Red", "red"), (1, "Green", "green")])

PROPS = (
    Prop(
        "level",
        float,
        nick="Level",
        blurb="Output level",
        default=0.5,
        minimum=0.0,
        maximum=1.0,
        flags=CONTROLLABLE,
    ),
    Prop(
        "count", UINT64, nick="Count", blurb="A big counter", default=7, minimum=0, maximum=1 << 40
    ),
    Prop("colour", Colour, nick="Colour", blurb="A colour", default=Colour(1)),
    Prop("fail-in", str, nick="Fail in", blurb="vfunc that raises (test only)", default=""),
    Prop(
        "gains",
        DOUBLE_ARRAY,
        nick="Gains",
        blurb="Per-channel gains",
        default=(),
        minimum=0.0,
        maximum=4.0,
    ),
)


class ProbeSrc(PropertiesMixin, GstBase.BaseSrc):
    """Fills constant F32 frames at `level`; raises in the vfunc named by fail-in."""

    __gtype_name__ = "NumgstTestProbeSrc"
    __gstmetadata__ = ("Probe source", "Source/Audio", "Base layer test element", "numgst")
    __gsttemplates__ = (
        Gst.PadTemplate.new(
            "src",
            Gst.PadDirection.SRC,
            Gst.PadPresence.ALWAYS,
            Gst.Caps.from_string(
                "audio/x-raw,format=F32LE,layout=interleaved,rate=8000,channels=1"
            ),
        ),
    )
    PROPS = PROPS
    Settings = settings_record("ProbeSettings", PROPS)
    __gproperties__ = gproperties(PROPS)

    def __init__(self):
        super().__init__()
        self.init_properties()
        self.set_format(Gst.Format.TIME)
        self.set_blocksize(4 * 16)
        self.kept = None

    def _maybe_fail(self, name):
        if self.settings.fail_in == name:
            raise ZeroDivisionError(f"injected fault in {name}")

    @vfunc(False)
    def do_start(self):
        self._maybe_fail("start")
        return True

    @vfunc(Gst.FlowReturn.ERROR)
    def do_fill(self, offset, length, buf):
        self._maybe_fail("fill")
        with mapped_array(buf, np.float32, (length // 4,)) as out:
            out.fill(self.settings.level)
            if self.settings.fail_in == "escape":
                self.kept = out
        return Gst.FlowReturn.OK


install_array_properties(ProbeSrc)


@pytest.fixture(scope="module", autouse=True)
def _probe_registered():
    Gst.Element.register(None, "numgst_probesrc", Gst.Rank.NONE, ProbeSrc)


def test_property_table_gives_gobject_properties():
    e = Gst.ElementFactory.make("numgst_probesrc")
    spec = {p.name: p for p in e.list_properties()}
    assert spec["level"].flags & Gst.PARAM_CONTROLLABLE
    assert spec["count"].value_type == GObject.TYPE_UINT64
    assert spec["count"].maximum == 1 << 40
    default = pspec_default(spec["colour"])
    assert isinstance(default, Colour) and default == Colour(1)
    assert e.get_property("level") == 0.5
    e.set_property("count", 1 << 39)
    assert e.get_property("count") == 1 << 39
    Gst.util_set_object_arg(e, "colour", "red")
    assert e.get_property("colour") == Colour(0)


def test_settings_are_replaced_not_mutated():
    e = Gst.ElementFactory.make("numgst_probesrc")
    before = e.settings
    e.set_property("level", 0.25)
    assert before.level == 0.5 and e.settings.level == 0.25
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.settings.level = 1.0


def test_register_enum_is_idempotent():
    again = register_enum("NumgstTestColour", [(0, "Red", "red"), (1, "Green", "green")])
    assert again.__gtype__ == Colour.__gtype__


@pytest.mark.parametrize("where", ["fill", "start"])
def test_exception_in_vfunc_reaches_bus_with_traceback(where):
    r = capture(f"numgst_probesrc fail-in={where} num-buffers=3 ! appsink name=sink", timeout=5)
    assert r.error is not None and "ZeroDivisionError" in r.error
    assert "Traceback (most recent call last)" in r.error_debug
    assert f"injected fault in {where}" in r.error_debug
    assert r.buffers == []


def test_normal_run_has_no_error():
    r = capture("numgst_probesrc level=0.75 num-buffers=3 ! appsink name=sink", timeout=5)
    assert r.error is None
    assert len(r.buffers) == 3
    assert set(np.frombuffer(r.data, np.float32)) == {0.75}


def test_view_escaping_the_map_is_an_error():
    r = capture("numgst_probesrc fail-in=escape num-buffers=3 ! appsink name=sink", timeout=5)
    assert r.error is not None and "EscapedViewError" in r.error


def test_mapped_array_is_read_only_after_the_block():
    buf = Gst.Buffer.new_allocate(None, 16, None)
    with mapped_array(buf, np.float32, (4,)) as a:
        a[:] = 1.0
    with pytest.raises(ValueError):
        a[0] = 2.0
    ok, info = buf.map(Gst.MapFlags.READ)
    assert bytes(info.data) == np.ones(4, np.float32).tobytes()
    buf.unmap(info)
    assert EscapedViewError.__mro__[1] is RuntimeError


def test_a_kept_view_stays_read_only_when_its_memory_is_mapped_again():
    # Arrays over a buffer's memory are reused from map to map, but never one that
    # something still holds: that stale view must stay read-only.
    buf = Gst.Buffer.new_allocate(None, 16, None)
    with mapped_array(buf, np.float32, (4,)) as kept:
        kept[:] = 1.0
    with mapped_array(buf, np.float32, (4,)) as again:
        assert again is not kept
        again[:] = 2.0
    assert not kept.flags.writeable
    del kept, again
    with mapped_array(buf, np.float32, (4,)) as a:
        first = id(a)
    del a
    with mapped_array(buf, np.float32, (4,)) as b:
        assert id(b) == first and b.flags.writeable  # reused once nothing held it
        assert (b == 2.0).all()


def test_value_array_gives_controlled_values_per_sample():
    from numgst.base.control import value_array
    from numgst.base.gst import GstController

    e = Gst.ElementFactory.make("numgst_probesrc")
    out = np.full(11, -1.0)
    assert value_array(e, b"level", 0, Gst.SECOND // 10, out) is False
    assert (out == -1.0).all()  # untouched without a binding
    cs = GstController.InterpolationControlSource()
    cs.set_property("mode", GstController.InterpolationMode.LINEAR)
    e.add_control_binding(GstController.DirectControlBinding.new(e, "level", cs))
    cs.set(0, 0.0)
    cs.set(Gst.SECOND, 1.0)
    assert value_array(e, b"level", 0, Gst.SECOND // 10, out) is True
    np.testing.assert_allclose(out, np.linspace(0.0, 1.0, 11), atol=1e-12)
    with pytest.raises(ValueError):
        value_array(e, b"level", 0, 1, np.zeros(4, np.float32))


def test_value_array_property_from_python_and_launch_syntax():
    e = Gst.ElementFactory.make("numgst_probesrc")
    spec = e.find_property("gains")
    assert spec.value_type.name == "GstValueArray"
    assert tuple(e.get_property("gains")) == ()
    e.set_property("gains", Gst.ValueArray([0.5, 2.0]))
    assert e.settings.gains == (0.5, 2.0)
    assert list(e.get_property("gains")) == [0.5, 2.0]
    assert Gst.util_set_object_arg(e, "gains", "<0.25, 1.0, 3.5>") is None
    assert e.settings.gains == (0.25, 1.0, 3.5)
    p = Gst.parse_launch('numgst_probesrc name=s gains="<1.5, 2.5>" ! fakesink')
    assert p.get_by_name("s").settings.gains == (1.5, 2.5)


def test_borrowed_get_times_keeps_live_sources_on_the_clock():
    import ctypes
    import time

    from numgst.base._native.gobject import class_ref, field_offset
    from numgst.elements.audiotestsrc import AudioTestSrc

    # Creating an element borrows C audiotestsrc's get_times for the class.
    el = Gst.ElementFactory.make("audiotestsrc_py", None)
    assert el is not None
    offset = field_offset("GstBase", "BaseSrcClass", "get_times")
    donor = Gst.ElementFactory.find("audiotestsrc").load().get_element_type()
    ptr = [
        ctypes.c_void_p.from_address(class_ref(hash(t)) + offset).value
        for t in (AudioTestSrc.__gtype__, donor)
    ]
    assert ptr[0] == ptr[1] and ptr[0]
    # Live: 10 buffers of 4410 frames at 44.1 kHz are 1.0 s of clock time; not live,
    # they go as fast as they can.
    for live, at_least, at_most in ((True, 0.85, 5.0), (False, 0.0, 0.7)):
        p = Gst.parse_launch(
            f"audiotestsrc_py is-live={str(live).lower()} "
            "samplesperbuffer=4410 num-buffers=11 ! "
            "audio/x-raw,rate=44100 ! fakesink sync=false"
        )
        t0 = time.monotonic()
        p.set_state(Gst.State.PLAYING)
        msg = p.get_bus().timed_pop_filtered(
            10 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR
        )
        took = time.monotonic() - t0
        p.set_state(Gst.State.NULL)
        assert msg is not None and msg.type == Gst.MessageType.EOS
        assert at_least <= took <= at_most, (live, took)
