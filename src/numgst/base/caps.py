"""Caps to info records, with errors that say what went wrong."""

from __future__ import annotations

from .errors import post_error
from .gst import Gst, GstAudio


def audio_info(caps: Gst.Caps) -> GstAudio.AudioInfo | None:
    """``GstAudio.AudioInfo`` for ``caps``, or None if GstAudio refuses them.

    ``AudioInfo.new_from_caps`` raises TypeError ("constructor returned NULL") on some
    PyGObject versions and returns None on others; caps that match a template can
    still be refused (more than two channels without a channel-mask).
    """
    try:
        return GstAudio.AudioInfo.new_from_caps(caps)
    except (TypeError, ValueError):
        return None


def refuse_caps(element: Gst.Element, caps: Gst.Caps, why: str) -> bool:
    """Post a not-negotiated ERROR naming ``caps`` and ``why``; returns False."""
    post_error(
        element,
        f"Cannot use caps {caps.to_string()}: {why}",
        None,
        Gst.CoreError.quark(),
        Gst.CoreError.NEGOTIATION,
    )
    return False
