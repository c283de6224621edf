"""One place that loads GStreamer's introspection modules in the versions we need."""

import ctypes
import os

# libgstreamer links libunwind.so.8, which exports the _Unwind_* symbols of libgcc_s.
# When gi loads GStreamer into the global scope after numpy has loaded libgcc_s
# locally, C++ extensions imported later (matplotlib's ft2font, _path, kiwisolver)
# bind _Unwind_Resume to libunwind while libstdc++ throws with libgcc_s: the first
# C++ exception aborts the process. Putting libgcc_s in the global scope before
# GStreamer makes every module bind to one unwinder. gst-launch and the plugin
# loader are unaffected (there everything binds to libunwind).
try:
    ctypes.CDLL("libgcc_s.so.1", mode=os.RTLD_GLOBAL)
except OSError:  # not glibc/gcc: nothing to reconcile
    pass

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
gi.require_version("GstBase", "1.0")
gi.require_version("GstAudio", "1.0")
gi.require_version("GstController", "1.0")

from gi.repository import GLib, GObject, Gst, GstAudio, GstBase, GstController  # noqa: E402

# Plugin-loader imports happen with Gst already initialised; in-process users may not
# have called it yet. Gst.init is idempotent.
Gst.init(None)

__all__ = ["GLib", "GObject", "Gst", "GstAudio", "GstBase", "GstController"]
