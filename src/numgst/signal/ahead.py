"""Blocks of a steady stream rendered ahead, several at once, handed out one by one.

A deterministic wave's next block depends only on the accumulator and on what the
caller puts in its key (properties, format, channels, rate, block size). So while
blocks continue one another with the same key, rendering 2, 4, ... of them in one go
gives the very same bytes, and spreads the fixed cost of a render (its numpy calls)
over those blocks. Any change (another key, or an accumulator moved from outside)
drops the blocks not yet handed out and puts the accumulator back where the blocks
handed out left it, so the next block is rendered exactly as it would have been.
"""

from __future__ import annotations

import math

import numpy as np

from .osc import accumulate_phase
from .waves import WaveState

# At most this many frames, and this many bytes, rendered ahead.
AHEAD_FRAMES = 8192
AHEAD_BYTES = 256 * 1024
_MAX_RUN = 3  # up to 2**3 blocks at once, after three steady blocks


class BlocksAhead:
    """The pending blocks of one stream (one element instance), with what they need."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.data = np.empty(0, dtype=np.uint8)
        self.count = 0  # blocks in data; 0 when none are pending
        self.pos = 0  # next block to hand out
        self.frames = self.nbytes = 0  # per block
        self.step = 0.0
        self.acc_start = 0.0  # accumulator before the first pending block
        self.acc_end = 0.0  # after the last one: what the state holds meanwhile
        self.last_acc = math.nan  # where the last block of this key ended
        self.run = 0

    def take(self, key: tuple, state: WaveState, out: np.ndarray) -> bool:
        """Copy the next pending block into ``out`` (uint8) if it is the one asked for.

        Otherwise drop the pending blocks (see :meth:`settle`) and return False.
        """
        if self.pos < self.count and state.accumulator == self.acc_end and key == self.key:
            start = self.pos * self.nbytes
            np.copyto(out, self.data[start : start + self.nbytes])
            self.pos += 1
            if self.pos == self.count:
                self.count = self.pos = 0
            return True
        self.settle(state)
        return False

    def settle(self, state: WaveState) -> None:
        """Drop the pending blocks; the accumulator goes back to the last block handed out.

        An accumulator changed from outside meanwhile (a wave change resets it) stands.
        """
        if not self.count:
            return
        if state.accumulator == self.acc_end:
            done = np.empty(self.pos * self.frames)
            state.accumulator = accumulate_phase(self.acc_start, self.step, done,
                                                 state.phase_memo)
        self.count = self.pos = 0
        self.last_acc = math.nan  # not steady: start again from one block at a time

    def plan(self, key: tuple, state: WaveState, frames: int, nbytes: int) -> int:
        """How many blocks of ``frames`` to render now: 1, or 2, 4, ... while steady."""
        steady = state.accumulator == self.last_acc and key == self.key
        self.run = min(self.run + 1, _MAX_RUN) if steady else 0
        self.key = key
        return max(1, min(1 << self.run, AHEAD_FRAMES // frames, AHEAD_BYTES // nbytes))

    def begin(self, state: WaveState, count: int, frames: int, nbytes: int,
              step: float) -> np.ndarray:
        """The bytes to render ``count`` blocks into, from the current accumulator."""
        size = count * nbytes
        if self.data.shape[0] < size:
            self.data = np.empty(size, dtype=np.uint8)
        self.frames, self.nbytes, self.step = frames, nbytes, step
        self.acc_start = state.accumulator
        return self.data[:size]

    def ready(self, state: WaveState, count: int) -> None:
        """The blocks of :meth:`begin` are rendered; the accumulator is after the last."""
        self.count, self.pos = count, 0
        self.acc_end = self.last_acc = state.accumulator

    def rendered(self, state: WaveState) -> None:
        """A block of the current key was rendered as it came (no blocks ahead)."""
        self.last_acc = state.accumulator
