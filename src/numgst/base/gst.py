"""One place that loads GStreamer's introspection modules in the versions we need."""

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstBase", "1.0")
gi.require_version("GstAudio", "1.0")
gi.require_version("GstController", "1.0")

from gi.repository import GLib, GObject, Gst, GstAudio, GstBase, GstController  # noqa: E402

# Plugin-loader imports happen with Gst already initialised; in-process users may not
# have called it yet. Gst.init is idempotent.
Gst.init(None)

__all__ = ["GLib", "GObject", "Gst", "GstAudio", "GstBase", "GstController"]
