"""What numgst's plugin-loader files share (standard library only: it must run even
when numgst cannot be imported, to say why).

Imported by the first of numgst's files the loader reads, it also keeps a SIGINT that
comes while the loader imports plugin files (seconds, with scipy or matplotlib). The
loader's embedded Python turns SIGINT into a KeyboardInterrupt inside whatever file
it is importing: that import fails and the signal is gone, and gst-launch, which only
installs its own handler once the pipeline is PAUSED, runs a live pipeline for ever.
In gst-launch the signal is handed on to gst-launch's own handler as soon as its main
loop runs (``-e`` then ends the stream cleanly, as it would for a C element); in any
other program that embeds the loader the process ends, as C's default SIGINT does. A
Python program that loads the plugin keeps its own handler.
"""

import importlib
import os
import signal
import sys
import threading

_told = False
_handed_on = False


def factory(name: str) -> "tuple[str, int, type]":
    """numgst's element ``name`` as a ``__gstelementfactory__`` tuple, or a clear
    message on stderr and the import error."""
    try:
        entry: tuple[str, int, type] = importlib.import_module("numgst.elements").factory(name)
        return entry
    except Exception as exc:
        _tell(exc)
        raise


def _tell(exc: BaseException) -> None:
    global _told
    if _told:
        return
    _told = True
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    registry = os.environ.get("GST_REGISTRY") or os.path.join(
        cache, "gstreamer-1.0", f"registry.{os.uname().machine}.bin"
    )
    sys.stderr.write(
        f"numgst: GStreamer's Python plugin loader could not import numgst with the Python "
        f"at {sys.executable} ({type(exc).__name__}: {exc}).\n"
        "numgst's elements are missing, and GStreamer's registry remembers that until it "
        "is rebuilt. To fix it:\n"
        "  1. run through numgst's launcher, which uses the right Python and a registry of "
        "its own:\n"
        "       python -m numgst launch <pipeline>    (and: python -m numgst inspect)\n"
        "     or put the bin/ folder of the environment numgst is installed in first on "
        "PATH;\n"
        f"  2. then delete {registry} (or point GST_REGISTRY at a new file).\n"
    )


def _keep_interrupts() -> None:
    try:
        from gi.repository import Gst
    except Exception:  # noqa: BLE001 - no gi: nothing embeds us that we could help
        return
    # The loader sets Gst.__plugin__ only when it started Python itself: in a Python
    # program, SIGINT is the program's.
    if not hasattr(Gst, "__plugin__") or threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return
    try:
        with open("/proc/self/cmdline", "rb") as f:
            program = os.path.basename(f.read().split(b"\0")[0].decode(errors="replace"))
    except OSError:
        program = ""
    if program == "gst-launch-1.0":
        signal.signal(signal.SIGINT, _hand_on)
    else:
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def _hand_on(_signum: int, _frame: object) -> None:
    """Deliver this SIGINT again once gst-launch's main loop runs (its own handler is
    installed by then: after PAUSED, before the loop), a quarter of a second later:
    the pipeline has then made some data, so a muxer such as wavenc finishes a file
    with something in it, as it would had the signal come after the start."""
    global _handed_on
    if _handed_on:
        return
    _handed_on = True
    from gi.repository import GLib

    def again() -> bool:
        os.kill(os.getpid(), signal.SIGINT)
        return False

    GLib.idle_add(lambda: GLib.timeout_add(250, again) and False)


_keep_interrupts()
