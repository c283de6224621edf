"""Blocks of a steady stream rendered ahead, several at once, handed out one by one.

A deterministic renderer's next block depends only on where the stream stands (the
accumulator, the noise generators: see :class:`~numgst.signal.render.Renderer`) and the
block's first sample. So while
blocks continue one another with the same renderer, rendering 2, 4, ... of them in one
go gives the very same bytes, and spreads the fixed cost of a render (its numpy calls)
over those blocks. Any change (another renderer, a block from elsewhere in the stream,
another length) drops the blocks not yet handed out and puts the renderer back where
the blocks handed out left it, so the next block is rendered exactly as it would have
been.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

from .render import Renderer

# At most this many frames, and this many bytes, rendered ahead.
AHEAD_FRAMES = 8192
AHEAD_BYTES = 256 * 1024
_MAX_RUN = 3  # up to 2**3 blocks at once, after three steady blocks


class Ahead:
    """The pending blocks of one stream, with what they continue."""

    def __init__(self) -> None:
        self.renderer: Renderer | None = None
        self.data = np.empty(0, dtype=np.uint8)
        self.count = 0  # blocks in data; 0 when none are pending
        self.pos = 0  # next block to hand out
        self.frames = self.nbytes = 0  # per block
        self.next_first = -1  # first sample of the next block expected
        self.first = -1  # first sample of the first pending block
        self.start: Any = None  # checkpoint before the first pending block
        self.end: Hashable = None  # mark after the last one: what the renderer holds
        # (renderer, next first sample, mark) after the last block rendered
        self.last: tuple[Renderer, int, Hashable] | None = None
        self.run = 0

    def render(self, r: Renderer, first: int, out: np.ndarray, n: int) -> None:
        """``r.render(first, out, n)``, from blocks rendered ahead when it can be."""
        if not r.deterministic or r.target.planar or 2 * n > AHEAD_FRAMES:
            self.settle()
            r.render(first, out, n)
            return
        if self.take(r, first, out, n):
            return
        count = self._plan(r, first, n, out.shape[0])
        if count == 1:
            r.render(first, out, n)
        else:
            big = self._begin(r, first, count, n, out.shape[0])
            r.render(first, big, n * count)
            self.count, self.pos = count, 0
            self.end = r.mark()
            self.take(r, first, out, n)
        self.last = (r, first + n * count, r.mark())

    def take(self, r: Renderer, first: int, out: np.ndarray, n: int) -> bool:
        """Copy the next pending block into ``out`` if it is the one asked for;
        otherwise drop the pending blocks (see :meth:`settle`) and return False."""
        if (
            self.pos < self.count
            and r is self.renderer
            and first == self.next_first
            and n == self.frames
            and r.mark() == self.end
        ):
            start = self.pos * self.nbytes
            np.copyto(out, self.data[start : start + self.nbytes])
            self.pos += 1
            self.next_first += n
            if self.pos == self.count:
                self.count = self.pos = 0
            return True
        self.settle()
        return False

    def settle(self) -> None:
        """Drop the pending blocks; the renderer goes back to the last block handed out.

        A renderer moved from outside meanwhile (its mark changed) stands.
        """
        r = self.renderer
        if not self.count or r is None:
            return
        if r.mark() == self.end:
            r.rewind(self.start, self.first, self.pos * self.frames)
        self.count = self.pos = 0
        self.last = None  # not steady: start again from one block at a time

    def _plan(self, r: Renderer, first: int, n: int, nbytes: int) -> int:
        """How many blocks of ``n`` frames to render now: 1, or 2, 4, ... while steady."""
        steady = self.last == (r, first, r.mark()) and n == self.frames
        self.run = min(self.run + 1, _MAX_RUN) if steady else 0
        self.renderer, self.frames = r, n
        return max(1, min(1 << self.run, AHEAD_FRAMES // n, AHEAD_BYTES // nbytes))

    def _begin(self, r: Renderer, first: int, count: int, n: int, nbytes: int) -> np.ndarray:
        size = count * nbytes
        if self.data.shape[0] < size:
            self.data = np.empty(size, dtype=np.uint8)
        self.nbytes = nbytes
        self.start = r.checkpoint()
        self.next_first = self.first = first
        return self.data[:size]
