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
    where: traceback.FrameSummary | None = None,
) -> None:
    """Post an element ERROR message, as GST_ELEMENT_ERROR does in C.

    ``where`` is the source location the message names; the caller's by default.
    """
    if where is None:
        where = traceback.extract_stack(limit=2)[0]
    element.message_full(
        Gst.MessageType.ERROR,
        domain if domain is not None else Gst.StreamError.quark(),
        code,
        text,
        debug,
        where.filename,
        where.name,
        where.lineno or 0,
    )


def vfunc(failure: Any) -> Callable[[Callable], Callable]:
    """Decorate a vfunc so that any exception becomes a bus ERROR and ``failure``.

    The calling thread's Python state is also kept alive (see :mod:`.threads`), so a
    streaming thread stops paying for a new one on every buffer.

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
                post_error(self, f"{type(exc).__name__} in {fn.__name__}: {exc}",
                           traceback.format_exc(),
                           where=traceback.extract_tb(exc.__traceback__)[-1])
                return failure

        return guarded

    return wrap
