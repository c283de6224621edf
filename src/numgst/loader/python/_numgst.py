"""What numgst's plugin-loader files share (standard library only: it must run even
when numgst cannot be imported, to say why)."""

import importlib
import os
import sys

_told = False


def factory(name: str):
    """numgst's element ``name`` as a ``__gstelementfactory__`` tuple, or a clear
    message on stderr and the import error."""
    try:
        return importlib.import_module("numgst.elements").factory(name)
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
