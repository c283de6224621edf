"""Run whole pipelines and collect what comes out, for tests, benchmarks and the demo.

The application side of GStreamer that every check needs: parse_launch, an appsink
named ``sink``, the bus read until EOS or ERROR, and the pipeline always back to NULL.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import gi

from ..base.gst import Gst

gi.require_version("GstApp", "1.0")
from gi.repository import GstApp  # noqa: E402,F401 - gives appsink its methods


@dataclasses.dataclass
class Out:
    """One buffer as it left the pipeline."""

    data: bytes
    pts: int
    duration: int
    offset: int
    offset_end: int
    flags: int


@dataclasses.dataclass
class Capture:
    caps: Gst.Caps | None
    buffers: list[Out]
    error: str | None = None
    error_debug: str | None = None
    messages: list[Gst.Message] = dataclasses.field(default_factory=list)

    @property
    def data(self) -> bytes:
        return b"".join(b.data for b in self.buffers)


# Flags that describe the data rather than the pipeline's bookkeeping.
FLAG_MASK = int(Gst.BufferFlags.DISCONT | Gst.BufferFlags.GAP | Gst.BufferFlags.RESYNC)


def _out(sample: Gst.Sample) -> Out:
    buf = sample.get_buffer()
    ok, info = buf.map(Gst.MapFlags.READ)
    try:
        data = bytes(info.data)
    finally:
        buf.unmap(info)
    flags = int(buf.get_flags()) & FLAG_MASK
    return Out(data, buf.pts, buf.duration, buf.offset, buf.offset_end, flags)


def capture(
    description: str,
    timeout: float = 10.0,
    setup: Callable[[Gst.Pipeline], None] | None = None,
    max_buffers: int | None = None,
    configure: Callable[[Gst.Pipeline], None] | None = None,
) -> Capture:
    """Run ``description`` (which must contain ``appsink name=sink``) to EOS or ERROR.

    ``configure(pipeline)`` runs before any state change: the place for properties and
    controllers that must hold from the first buffer. ``setup(pipeline)`` runs once
    the pipeline has prerolled in PAUSED (one buffer already made), before PLAYING:
    the place for seeks. The pipeline is set to NULL whatever happens.
    """
    pipeline = Gst.parse_launch(description)
    if configure is not None:
        configure(pipeline)
    sink = pipeline.get_by_name("sink")
    sink.set_property("sync", False)
    result = Capture(caps=None, buffers=[])
    try:
        if setup is not None:
            pipeline.set_state(Gst.State.PAUSED)
            pipeline.get_state(int(timeout * Gst.SECOND))
            setup(pipeline)
        pipeline.set_state(Gst.State.PLAYING)
        _collect(pipeline, sink, result, time.monotonic() + timeout, max_buffers)
        if result.error == "timeout":
            result.error = f"timeout after {timeout} s"
    finally:
        pipeline.set_state(Gst.State.NULL)
    return result


def _collect(
    pipeline: Gst.Pipeline, sink: Gst.Element, result: Capture, deadline: float, most: int | None
) -> None:
    """Pull buffers into ``result`` until EOS, an ERROR (said in ``result.error``),
    ``most`` buffers, or the deadline (``result.error`` "timeout")."""
    bus = pipeline.get_bus()
    while most is None or len(result.buffers) < most:
        if _pull(sink, result, 20 * Gst.MSECOND):
            continue
        # The bus, not appsink's "eos" property: that one is also true before the sink
        # has started, which a slow start would take for the end.
        msg = bus.pop_filtered(Gst.MessageType.ERROR | Gst.MessageType.EOS)
        if msg is not None and msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            result.error, result.error_debug = err.message, debug
            return
        if msg is not None:  # EOS: what the sink still holds, then the end
            while _pull(sink, result, 0):
                pass
            return
        if time.monotonic() > deadline:
            result.error = "timeout"
            return


def _pull(sink: Gst.Element, result: Capture, wait: int) -> bool:
    """One buffer from the appsink into ``result``, waiting up to ``wait`` ns."""
    sample = sink.try_pull_sample(wait)
    if sample is None:
        return False
    if result.caps is None:
        result.caps = sample.get_caps()
    result.buffers.append(_out(sample))
    return True


class PipelineError(RuntimeError):
    """A pipeline posted an ERROR, or did not reach EOS in time."""


def run_to_eos(pipeline: Gst.Pipeline, timeout: float = 30.0) -> None:
    """Play ``pipeline`` until EOS; raise :class:`PipelineError` on an ERROR or timeout.

    The pipeline is set to NULL whatever happens.
    """
    try:
        pipeline.set_state(Gst.State.PLAYING)
        msg = pipeline.get_bus().timed_pop_filtered(
            int(timeout * Gst.SECOND), Gst.MessageType.EOS | Gst.MessageType.ERROR
        )
    finally:
        pipeline.set_state(Gst.State.NULL)
    if msg is None:
        raise PipelineError(f"the pipeline did not finish within {timeout:g} s")
    if msg.type == Gst.MessageType.ERROR:
        err, debug = msg.parse_error()
        raise PipelineError(f"{err.message}\n{debug}")
