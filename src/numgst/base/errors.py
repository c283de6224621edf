"""Exceptions inside vfuncs reach the bus.

PyGObject prints and swallows an exception raised in a vfunc; ``do_fill`` then returns
FLOW_OK and the pipeline runs on with garbage. :func:`vfunc` wraps a vfunc so that an
exception posts an element ERROR whose debug text is the traceback, and the vfunc
returns its failure value (FLOW_ERROR, False, ...).
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from typing import Any

from .gst import GLib, Gst
from .threads import pin_thread_state


def post_error(
    element: Gst.Element,
    text: str,
    debug: str | None = None,
    domain: GLib.Quark | None = None,
    code: int = Gst.StreamError.FAILED,
) -> None:
    """Post an element ERROR message, as GST_ELEMENT_ERROR does in C."""
    tb = traceback.extract_stack(limit=3)[0]
    element.message_full(
        Gst.MessageType.ERROR,
        domain if domain is not None else Gst.StreamError.quark(),
        code,
        text,
        debug,
        tb.filename,
        tb.name,
        tb.lineno or 0,
    )


def vfunc(failure: Any) -> Callable[[Callable], Callable]:
    """Decorate a vfunc so that any exception becomes a bus ERROR and ``failure``.

    The calling thread's Python state is also kept alive (see :mod:`.threads`), so a
    streaming thread stops paying for a new one on every buffer.

    ``failure`` is the value returned after an exception; if callable, it is called
    with the vfunc's arguments to make that value (a fixate vfunc must return caps).
    Flow-control results that subclasses want to return (FLUSHING, EOS) are returned
    normally; only exceptions are turned into errors.
    """

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def guarded(self: Gst.Element, *args: Any) -> Any:
            try:
                pin_thread_state()
                return fn(self, *args)
            except Exception as exc:  # noqa: BLE001 - every exception must reach the bus
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                self.message_full(
                    Gst.MessageType.ERROR,
                    Gst.StreamError.quark(),
                    Gst.StreamError.FAILED,
                    f"{type(exc).__name__} in {fn.__name__}: {exc}",
                    traceback.format_exc(),
                    frame.filename,
                    frame.name,
                    frame.lineno or 0,
                )
                return failure(*args) if callable(failure) else failure

        return guarded

    return wrap


FLOW_ERROR = Gst.FlowReturn.ERROR
