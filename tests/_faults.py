"""Fault injection, run as a script in a subprocess (a hang must not hold the suite).

``python _faults.py VFUNC ROUNDS``: for each kind of exception, a subclass of
audiotestsrc_py whose VFUNC raises it runs ROUNDS times; every run must end in a bus
ERROR naming the fault (with the traceback), no buffer that is not C's, and a clean
NULL. Prints "ok" at the end; anything else is a failure.
"""

from __future__ import annotations

import sys

import numgst
from numgst.base.gst import Gst
from numgst.elements.audiotestsrc import AudioTestSrc
from numgst.testing import capture

KINDS = (RuntimeError, SystemExit, KeyboardInterrupt, GeneratorExit, BaseException)
CAPS = "audio/x-raw,format=S16LE,rate=48000,channels=1"


def faulty(where: str, kind: type) -> str:
    name = f"numgst_fault_{where}_{kind.__name__.lower()}"

    def boom(self, *args):
        raise kind(f"injected fault in {where}")

    cls = type(
        f"Fault{where}{kind.__name__}",
        (AudioTestSrc,),
        {"__gtype_name__": f"NumgstFault_{where}_{kind.__name__}", f"do_{where}": boom},
    )
    Gst.Element.register(None, name, Gst.Rank.NONE, cls)
    return name


def reference() -> dict[int, bytes]:
    c = capture(f"audiotestsrc num-buffers=40 ! {CAPS} ! appsink name=sink")
    return {b.offset: b.data for b in c.buffers}


def one_run(name: str, where: str, expected: dict[int, bytes]) -> str | None:
    p = Gst.parse_launch(
        f"{name} num-buffers=40 ! {CAPS} ! appsink name=sink sync=false max-buffers=2 drop=false"
    )
    sink, bus = p.get_by_name("sink"), p.get_bus()
    try:
        p.set_state(Gst.State.PLAYING)
        if where in ("gst_base_src_query",):
            p.query(Gst.Query.new_latency())
        if where == "do_seek":
            p.get_state(2 * Gst.SECOND)
            p.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, Gst.SECOND // 10)
        # A stop fails on the way down only: nothing to wait for while playing.
        wait = 0 if where == "stop" else 3 * Gst.SECOND
        msg = bus.timed_pop_filtered(wait, Gst.MessageType.ERROR | Gst.MessageType.EOS)
        while True:  # whatever reached the sink must be the C element's samples
            sample = sink.emit("try-pull-sample", 0)
            if sample is None:
                break
            buf = sample.get_buffer()
            ok, info = buf.map(Gst.MapFlags.READ)
            data = bytes(info.data)
            buf.unmap(info)
            if expected.get(buf.offset) != data:
                return f"a buffer at offset {buf.offset} is not C's"
        # Stop runs on the way down; the bus drops its messages in NULL: look in READY.
        # (The set may report the async change to PLAYING that the ERROR aborted as a
        # FAILURE, as it does for C sources; the state reached is what counts.)
        p.set_state(Gst.State.READY)
        if p.get_state(0)[1] != Gst.State.READY:
            return f"READY not reached: {p.get_state(0)}"
        if msg is None or msg.type != Gst.MessageType.ERROR:
            msg = bus.pop_filtered(Gst.MessageType.ERROR)
        if msg is None:
            return "no bus ERROR"
        err, debug = msg.parse_error()
        if f"injected fault in {where}" not in err.message:
            return f"unexpected ERROR: {err.message}"
        if "Traceback (most recent call last)" not in (debug or ""):
            return "no traceback in the ERROR"
    finally:
        if p.set_state(Gst.State.NULL) != Gst.StateChangeReturn.SUCCESS:
            return "NULL failed"  # noqa: B012 - the state is the verdict
    return None


def main() -> None:
    where, rounds = sys.argv[1], int(sys.argv[2])
    numgst.register()
    expected = reference()
    for kind in KINDS:
        name = faulty(where, kind)
        for r in range(rounds):
            problem = one_run(name, where, expected)
            if problem:
                print(f"{kind.__name__} round {r}: {problem}")
                sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
