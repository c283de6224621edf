"""Every property at its limits, beyond them and at odd values, set while PLAYING.

``python _probe_props.py ELEMENT WAVE`` (audiotestsrc_py with a wave, or audioplot):
after each set, a few buffers must still come, valid (sizes agree with the offsets,
floats finite) and no ERROR may be posted. Prints "ok". (Samples beyond full scale
are C's too at some settings: gaussian noise, or saw after a frequency above the
rate has left C's accumulator far above 2*pi.)
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

import numgst
from numgst.base.gst import GLib, GObject, Gst

# Values GLib refuses never reach the element; they must change nothing.
SKIP = {
    "name",
    "parent",
    "generator",
    "samplesperbuffer",
    "num-buffers",
    "blocksize",
    "typefind",
    "do-timestamp",
    "is-live",
    "can-activate-push",
    "can-activate-pull",
    "timestamp-offset",
    "wave",
}


def candidates(spec: GObject.ParamSpec) -> list:
    t = spec.value_type
    if t == GObject.TYPE_BOOLEAN:
        return [True, False]
    if t.is_a(GObject.TYPE_ENUM):
        return (
            [int(v) for v in range(len(type(spec.get_default_value()).__enum_values__))]
            if hasattr(spec, "get_default_value")
            else []
        )
    if t in (GObject.TYPE_DOUBLE, GObject.TYPE_FLOAT):
        lo, hi = spec.minimum, spec.maximum
        return [
            lo,
            hi,
            (lo + hi) / 2,
            lo - 1,
            hi * 2 + 1,
            math.nan,
            math.inf,
            -math.inf,
            spec.default_value if hasattr(spec, "default_value") else lo,
        ]
    if t in (GObject.TYPE_INT, GObject.TYPE_UINT, GObject.TYPE_INT64, GObject.TYPE_UINT64):
        lo, hi = spec.minimum, spec.maximum
        return [lo, hi, lo + 1, (lo + hi) // 2]
    if t == GObject.TYPE_STRING:
        return ["", "red", "nonsense,#zz", "x" * 10000]
    if t.name == "GstValueArray":
        return [
            Gst.ValueArray([]),
            Gst.ValueArray([1.0, 2.0, 3.0] * 30),
            Gst.ValueArray([-1e9, 1e9]),
        ]
    return []


def pull(sink, count: int = 3) -> str | None:
    for _ in range(count):
        s = sink.emit("try-pull-sample", 5 * Gst.SECOND)
        if s is None:
            return "no buffer within 5 s"
        buf = s.get_buffer()
        ok, info = buf.map(Gst.MapFlags.READ)
        data = bytes(info.data)
        buf.unmap(info)
        st = s.get_caps()[0]
        if st.get_name() == "audio/x-raw":
            x = np.frombuffer(data, np.float32)
            if not np.isfinite(x).all():
                return "samples not finite"
            frames = buf.offset_end - buf.offset
            if frames * 4 * st.get_int("channels")[1] != len(data):
                return "size and offsets disagree"
    return None


def main() -> None:
    element, wave = sys.argv[1], sys.argv[2]
    numgst.register()
    if element == "audioplot":
        desc = (
            "audiotestsrc_py wave=sine ! audio/x-raw,channels=2 ! audioplot name=e ! "
            "video/x-raw,width=64,height=48 ! appsink name=sink sync=false max-buffers=2 "
            "drop=true"
        )
    else:
        desc = (
            f"audiotestsrc_py name=e wave={wave} samplesperbuffer=256 ! "
            "audio/x-raw,format=F32LE,channels=2,rate=48000 ! appsink name=sink "
            "sync=false max-buffers=2 drop=true"
        )
    p = Gst.parse_launch(desc)
    e, sink, bus = p.get_by_name("e"), p.get_by_name("sink"), p.get_bus()
    p.set_state(Gst.State.PLAYING)
    problems = []
    for spec in e.list_properties():
        if spec.name in SKIP or not spec.flags & GObject.ParamFlags.WRITABLE:
            continue
        default = e.get_property(spec.name)
        for v in candidates(spec):
            try:
                e.set_property(spec.name, v)
            except (TypeError, ValueError, OverflowError, GLib.Error):
                pass  # refused by PyGObject or GLib
            t0 = time.monotonic()
            why = pull(sink)
            if "-v" in sys.argv:
                print(spec.name, repr(v)[:40], why, round(time.monotonic() - t0, 2), flush=True)
            err = bus.pop_filtered(Gst.MessageType.ERROR)
            if why or err:
                problems.append(f"{spec.name}={v!r}: {why or err.parse_error()[0].message}")
                break
        try:
            e.set_property(spec.name, default)
        except (TypeError, ValueError):
            pass
    if p.set_state(Gst.State.NULL) != Gst.StateChangeReturn.SUCCESS:
        problems.append("NULL failed")
    print("\n".join(problems) or "ok")


if __name__ == "__main__":
    main()
