"""``videotestsrc_py``: the C ``videotestsrc`` as a Python element.

A :class:`~numgst.toolkit.VideoSource` (caps, time, seeking, live mode, as C does
them) whose pictures come from :mod:`numgst.picture`: the patterns are painted with
C's arithmetic and packed as GStreamer packs C's lines, so frames are C's bytes. The
work is chosen when the caps or a property change (:class:`~numgst.picture.frames.
Frames`); static patterns are rendered once and copied, as C does.

Beyond C, each off by default: ``pattern=custom`` draws what a Python callable
returns, ``overlay`` burns in the frame number or time, ``seed`` starts the snow
generator elsewhere.

Known differences from C (see the README): video/x-bayer and the formats GstVideo
cannot describe component by component (v210, UYVP, r210, Y410, Y210, Y212, Y412,
RGB10A2_LE, BGR10A2_LE, IYU1, GRAY10_LE32, the 10-bit packed NV formats, tiled and
palette formats) are not offered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..base import CONTROLLABLE, UINT, Prop, PropertyRefusedError, register_enum
from ..base.gst import GLib, Gst
from ..picture import colors, overlay
from ..picture.frames import Frames
from ..picture.noise import Lcg
from ..picture.patterns import BY_VALUE, PATTERNS, Pattern, PatternParams, Scene, custom_pattern
from ..toolkit.video import GstVideo, VideoFrame
from ..toolkit.video_formats import cosited, matrix_of, picture_layout, pixel_format
from ..toolkit.videosrc import VideoSource

CUSTOM = 1000  # pattern=custom: beyond C's values
PatternEnum = register_enum(
    "NumgstVideoTestSrcPattern",
    [(p.value, p.name, p.nick) for p in PATTERNS]
    + [(CUSTOM, "Python callable (the generator property)", "custom")],
)
AnimationMode = register_enum(
    "NumgstVideoTestSrcAnimationMode",
    (
        (0, "frame count", "frames"),
        (1, "wall clock time", "wall-time"),
        (2, "running time", "running-time"),
    ),
)
MotionType = register_enum(
    "NumgstVideoTestSrcMotionType",
    (
        (0, "Ball waves back and forth, up and down", "wavy"),
        (1, "1 revolution per second", "sweep"),
        (2, "1/2 revolution per second, then reset to top", "hsweep"),
    ),
)
Overlay = register_enum(
    "NumgstVideoTestSrcOverlay",
    (
        (0, "Nothing", "none"),
        (1, "Frame number", "frame-number"),
        (2, "Timestamp (h:mm:ss.mmm)", "timestamp"),
    ),
)

INT_MIN, INT_MAX = -(1 << 31), (1 << 31) - 1
NONE64 = (1 << 64) - 1


def _zone(name: str, nick: str, blurb: str) -> Prop:
    return Prop(
        name,
        int,
        nick=nick,
        blurb=blurb,
        default=0,
        minimum=INT_MIN,
        maximum=INT_MAX,
        apply="_look_changed",
    )


PROPS = VideoSource.PROPS + (
    Prop(
        "pattern",
        PatternEnum,
        nick="Pattern",
        blurb="Type of test pattern to generate",
        default=PatternEnum(0),
        apply="_look_changed",
    ),
    Prop(
        "animation-mode",
        AnimationMode,
        nick="Animation mode",
        blurb="For pattern=ball, which counter defines the position of the ball.",
        default=AnimationMode(0),
        apply="_look_changed",
    ),
    Prop(
        "motion",
        MotionType,
        nick="Motion",
        blurb="For pattern=ball, what motion the ball does",
        default=MotionType(0),
        apply="_look_changed",
    ),
    Prop(
        "flip",
        bool,
        nick="Flip",
        blurb="For pattern=ball, invert colors every second.",
        default=False,
        apply="_look_changed",
    ),
    _zone(
        "k0",
        "Zoneplate zero order phase",
        "Zoneplate zero order phase, for generating plain fields or phase offsets",
    ),
    _zone(
        "kx",
        "Zoneplate 1st order x phase",
        "Zoneplate 1st order x phase, for generating constant horizontal frequencies",
    ),
    _zone(
        "ky",
        "Zoneplate 1st order y phase",
        "Zoneplate 1st order y phase, for generating content vertical frequencies",
    ),
    _zone(
        "kt",
        "Zoneplate 1st order t phase",
        "Zoneplate 1st order t phase, for generating phase rotation as a function of time",
    ),
    _zone(
        "kxt",
        "Zoneplate x*t product phase",
        "Zoneplate x*t product phase, normalised to kxy/256 cycles per vertical pixel at "
        "width/2 from origin",
    ),
    _zone("kyt", "Zoneplate y*t product phase", "Zoneplate y*t product phase"),
    _zone("kxy", "Zoneplate x*y product phase", "Zoneplate x*y product phase"),
    _zone(
        "kx2",
        "Zoneplate 2nd order x phase",
        "Zoneplate 2nd order x phase, normalised to kx2/256 cycles per horizontal pixel at "
        "width/2 from origin",
    ),
    _zone(
        "ky2",
        "Zoneplate 2nd order y phase",
        "Zoneplate 2nd order y phase, normailsed to ky2/256 cycles per vertical pixel at "
        "height/2 from origin",
    ),
    _zone(
        "kt2",
        "Zoneplate 2nd order t phase",
        "Zoneplate 2nd order t phase, t*t/256 cycles per picture",
    ),
    _zone(
        "xoffset",
        "Zoneplate 2nd order products x offset",
        "Zoneplate 2nd order products x offset",
    ),
    _zone(
        "yoffset",
        "Zoneplate 2nd order products y offset",
        "Zoneplate 2nd order products y offset",
    ),
    Prop(
        "foreground-color",
        UINT,
        nick="Foreground Color",
        blurb="Foreground color to use (big-endian ARGB)",
        default=0xFFFFFFFF,
        minimum=0,
        maximum=GLib.MAXUINT32,
        flags=CONTROLLABLE,
        apply="_look_changed",
    ),
    Prop(
        "background-color",
        UINT,
        nick="Background Color",
        blurb="Background color to use (big-endian ARGB)",
        default=0xFF000000,
        minimum=0,
        maximum=GLib.MAXUINT32,
        flags=CONTROLLABLE,
        apply="_look_changed",
    ),
    Prop(
        "horizontal-speed",
        int,
        nick="Horizontal Speed",
        blurb="Scroll image number of pixels per frame (positive is scroll to the left)",
        default=0,
        minimum=INT_MIN,
        maximum=INT_MAX,
        apply="_look_changed",
    ),
    # Beyond the C element: each leaves the output identical to C's at its default.
    Prop(
        "seed",
        UINT,
        nick="Seed",
        blurb="State of the snow generator (C's 32-bit LCG) from the next frame on: C starts "
        "every element at 0 (the default), so snow is the same in every run; another "
        "value gives another reproducible sequence",
        default=0,
        minimum=0,
        maximum=GLib.MAXUINT32,
        apply="_apply_seed",
    ),
    Prop(
        "generator",
        object,
        nick="Generator",
        blurb="Python callable for pattern=custom: called with the frame's time in seconds "
        "(float) and its number (int), returns the picture as an array of height x "
        "width x 3 (RGB) or 4 (RGBA), uint8 or float in [0, 1]; an exception becomes "
        "an element error",
        apply="_look_changed",
    ),
    Prop(
        "overlay",
        Overlay,
        nick="Overlay",
        blurb="Burn the frame number or the timestamp into the top-left corner, in the "
        "foreground colour on the background colour",
        default=Overlay(0),
        apply="_look_changed",
    ),
)

# C's template: every raw format (here those packed component by component), in
# GStreamer's order of preference, which decides the format a free downstream gets.
FORMATS = tuple(
    GstVideo.VideoFormat.to_string(f)
    for f in GstVideo.video_formats_raw()
    if pixel_format(f) is not None
)
TEMPLATE = Gst.Caps.from_string(
    "video/x-raw, format=(string){ " + ", ".join(FORMATS) + " }, "
    "width=(int)[ 1, 2147483647 ], height=(int)[ 1, 2147483647 ], "
    "framerate=(fraction)[ 0/1, 2147483647/1 ], multiview-mode=(string){ mono, left, right }"
)


class VideoTestSrc(VideoSource):
    __gtype_name__ = "NumgstVideoTestSrc"
    __gstmetadata__ = (
        "Video test source (Python)",
        "Source/Video",
        "Creates a test video stream",
        "numgst developers",
    )
    __gsttemplates__ = (
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, TEMPLATE),
    )
    FORMATS = FORMATS
    PROPS = PROPS

    def __init__(self) -> None:
        super().__init__()
        self.rng = Lcg(0)  # C: random_state = 0 at init, never reset
        self.frames: Frames | None = None
        self._look = 0  # bumped by every property that changes the picture
        self._made_for: tuple[Any, ...] = ()

    # -- property side effects --------------------------------------------------------

    def _look_changed(self, _value: Any) -> None:
        self._look += 1

    def _apply_seed(self, value: int) -> None:
        self.rng.seed(value)

    # -- caps ---------------------------------------------------------------------------

    def restrict(self, caps: Gst.Caps) -> Gst.Caps:
        # C: a foreground colour with alpha asks downstream for a format with alpha.
        if self.settings.foreground_color >> 24 == 255:
            return caps
        alpha = Gst.Caps.new_empty()
        for i in range(caps.get_size()):
            # A copy: gst-python 1.26 hands out a wrapper without get_value().
            s = caps[i].copy()
            value = s.get_value("format")
            names = [value] if isinstance(value, str) else list(value or [])
            keep = [n for n in names if _has_alpha(n)]
            if not keep:
                continue
            if not isinstance(value, str):
                s.set_value("format", Gst.ValueList(keep))
            alpha.append_structure(s)
        if alpha.is_empty():
            Gst.warning("Foreground color contains alpha, but downstream can't support alpha.")
            return caps
        return alpha

    def caps_changed(self) -> None:
        self.frames = None

    def do_stop(self) -> bool:
        self.frames = None
        return bool(super().do_stop())

    def still(self) -> bool:
        frames = self.frames
        return frames is not None and frames.static and self._made_for[0] == self._look

    # -- frames -------------------------------------------------------------------------

    def fill(self, frame: VideoFrame) -> None:
        s = self.settings
        made = (self._look, frame.layout)
        if self.frames is None or self._made_for != made:
            self.frames = self._make_frames(s, frame)
            self._made_for = made
        # C's painter reads the buffer's time before the buffer is stamped: always
        # GST_CLOCK_TIME_NONE (which is why C's running-time ball stands still).
        self.frames.draw(self.n_frames, frame.raw, frame.pts)

    def _make_frames(self, s: Any, frame: VideoFrame) -> Frames:
        layout = frame.layout
        info = layout.info
        fmt = pixel_format(info.finfo.format)
        if fmt is None:
            raise PropertyRefusedError(f"format {layout.format} cannot be drawn")
        matrix = matrix_of(info)
        fg = colors.from_argb(s.foreground_color, matrix)
        bg = colors.from_argb(s.background_color, matrix)
        scene = Scene(
            width=layout.width,
            height=layout.height,
            rgb=fmt.rgb,
            matrix=matrix,
            fg=fg,
            bg=bg,
            frame=self.n_frames,
            pts=NONE64,
            props=PatternParams(
                k0=s.k0,
                kx=s.kx,
                ky=s.ky,
                kt=s.kt,
                kxt=s.kxt,
                kyt=s.kyt,
                kxy=s.kxy,
                kx2=s.kx2,
                ky2=s.ky2,
                kt2=s.kt2,
                xoffset=s.xoffset,
                yoffset=s.yoffset,
                horizontal_speed=s.horizontal_speed,
                animation_mode=int(s.animation_mode),
                motion=int(s.motion),
                flip=s.flip,
            ),  # fmt: skip
            rng=self.rng,
            wall_time_us=lambda: time.time_ns() // 1000,
        )
        pattern: Pattern = (
            custom_pattern(_checked(s.generator))
            if int(s.pattern) == CUSTOM
            else BY_VALUE[int(s.pattern)]
        )
        if int(s.overlay):
            pattern = overlay.with_overlay(pattern, int(s.overlay))
        h_cosited, v_cosited = cosited(info)
        return Frames(
            pattern,
            scene,
            fmt,
            picture_layout(layout),
            h_cosited=h_cosited,
            v_cosited=v_cosited,
            speed=s.horizontal_speed,
        )


def _has_alpha(name: str) -> bool:
    info = GstVideo.VideoFormat.get_info(GstVideo.VideoFormat.from_string(name))
    return bool(info is not None and info.flags & GstVideo.VideoFormatFlags.ALPHA)


def _checked(generator: Callable[..., Any] | None) -> Callable[..., Any]:
    if generator is None:
        raise PropertyRefusedError("pattern=custom needs the generator property")
    return generator


FACTORY = ("videotestsrc_py", Gst.Rank.NONE, VideoTestSrc)

__all__ = ["FACTORY", "VideoTestSrc"]
