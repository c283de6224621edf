"""Where video frames fall on an audio stream: pure integer arithmetic, as GStreamer
rounds it (frame times rounded down, sample indices rounded up).

A :class:`FrameGrid` lays frames of ``fps_n/fps_d`` over audio of ``rate`` Hz whose
sample 0 is at running time ``origin`` (ns). Frame ``k`` covers running times
``[start(k), start(k + 1))`` and the samples from ``boundary(k)`` on.
"""

from __future__ import annotations

import dataclasses

SECOND = 1_000_000_000


@dataclasses.dataclass(frozen=True)
class FrameGrid:
    fps_n: int
    fps_d: int
    rate: int
    origin: int = 0  # running time of sample 0, ns

    def start(self, k: int) -> int:
        """Running time frame ``k`` starts at (gst_util_uint64_scale: rounded down)."""
        return k * SECOND * self.fps_d // self.fps_n

    def frame_at(self, rt: int) -> int:
        """The frame whose period holds running time ``rt``."""
        k = rt * self.fps_n // (SECOND * self.fps_d)
        while self.start(k + 1) <= rt:  # start() rounds down
            k += 1
        return k

    def sample_at(self, rt: int) -> int:
        """Index (since the origin) of the first sample at or after running time ``rt``."""
        return -(-((rt - self.origin) * self.rate) // SECOND)

    def boundary(self, k: int) -> int:
        """Index (since the origin) of the first sample of frame ``k``."""
        return self.sample_at(self.start(k))

    def first_frame(self) -> int:
        """The frame sample 0 goes into: the one at the origin, or a later one when
        that frame's period ends before the first whole sample."""
        k = self.frame_at(self.origin)
        while self.boundary(k + 1) <= 0:
            k += 1
        return k
