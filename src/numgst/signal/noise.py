"""Noise generators of the C ``audiotestsrc``, vectorised over numpy's Generator.

The algorithms are C's (white uniform, Voss-McCartney pink with 12 rows and C's
integer arithmetic, a bounded random walk for red) with two exceptions that keep the
distributions: Gaussian noise is drawn by numpy's ziggurat instead of C's Box-Muller,
and the red walk maps a step that would leave its bounds onto the steps that stay
inside instead of drawing again. The random numbers are numpy's, not GLib's Mersenne
Twister, so only the statistics match C, never the samples. Every generator consumes
its random stream in a fixed order per sample, so a seeded stream gives the same
samples however it is cut into buffers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .scratch import Scratch

PINK_ROWS = 12
PINK_MASK = (1 << PINK_ROWS) - 1
# C: pmax = (rows + 1) * (1 << (PINK_RANDOM_BITS - 1)); scalar = 1.0f / pmax, a float
# division whose result is kept as a double.
PINK_SCALAR = float(np.float32(1.0) / np.float32((PINK_ROWS + 1) * (1 << 15)))
PINK_SPAN = 2 << (PINK_ROWS - 1)  # the longest look back: row 11 changes every 4096


def _pink_back() -> np.ndarray:
    """back[j] = j + PINK_SPAN - (how far back the row updated at counter j mod 4096
    was last updated), for j over two cycles: where a sample's previous row value
    lies in the draws (kept ones first), once the block's counter offset is taken
    off. The row updated at counter c is c's count of trailing zeros (none for 0),
    last updated 2 << row samples earlier; at counter 0 no row changes, and the
    sample reads its own draw (a change of 0)."""
    spacing = np.zeros(PINK_MASK + 1, dtype=np.intp)
    for r in range(PINK_ROWS):
        spacing[1 << r :: 2 << r] = 2 << r
    j = np.arange(2 * (PINK_MASK + 1), dtype=np.intp)
    back = j + PINK_SPAN - np.tile(spacing, 2)
    back.flags.writeable = False
    return back


_PINK_BACK = _pink_back()

# The red walk's grid: 2**-40, far below any sample format's resolution, and its
# bound (8) in grid units; the free walk over a buffer list stays far inside int64.
RED_UNIT = 1 << 40
RED_TOP = 8 * RED_UNIT
_RED_BLOCK = 32  # samples whose free walk's extremes are looked at together


class NoiseState:
    """Random stream and the per-generator memory that C keeps in its instance."""

    def __init__(self, seed: int | None = None, scratch: Scratch | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.scratch = scratch if scratch is not None else Scratch()
        self.pink_index = 0
        self.pink_sum = 0
        self.pink_kept = np.zeros(PINK_SPAN, dtype=np.int32)  # the last draws of rows
        self.red_state = 0.0
        # 16-bit draws left over from the last block (pink uses them four per uint64).
        self.bits16 = np.empty(0, dtype=np.uint16)

    def reset_pink(self) -> None:
        self.pink_index = 0
        self.pink_sum = 0
        self.pink_kept.fill(0)  # every row back to 0

    def reset_red(self) -> None:
        self.red_state = 0.0

    def snapshot(self) -> tuple[Any, ...]:
        """The generator's and every noise's memory (for rendering ahead, see
        :mod:`numgst.signal.ahead`); :meth:`restore` goes back to it."""
        return (
            self.rng.bit_generator.state,
            self.pink_index,
            self.pink_sum,
            self.pink_kept.copy(),
            self.red_state,
            self.bits16.copy(),
        )

    def restore(self, snap: tuple[Any, ...]) -> None:
        state, self.pink_index, self.pink_sum, kept, self.red_state, bits = snap
        self.rng.bit_generator.state = state
        self.pink_kept[:] = kept
        self.bits16 = bits.copy()

    def draw16(self, count: int) -> np.ndarray:
        """The next ``count`` 16-bit draws of the stream (four per 64-bit draw, none
        lost between blocks)."""
        have = self.bits16.shape[0]
        raws = max(0, -(-(count - have) // 4))
        out = self.scratch.get("noise-bits16", have + 4 * raws, np.uint16)
        out[:have] = self.bits16
        out[have:] = self.rng.bit_generator.random_raw(raws).view(np.uint16)
        self.bits16 = out[count:].copy()
        return out[:count]


def white(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Uniform noise in [-amp, amp), an independent draw per sample and channel.

    ``out``: float64 or float32, any shape, C-contiguous. A float32 ``out`` gets
    float32 draws (24-bit uniforms, half the random bits) and float32 arithmetic:
    for float output that saves a pass and the cast, and loses nothing audible
    (the grid is amp * 2**-23). The random stream is consumed per sample either way,
    so a seeded stream of one type is the same however it is cut into buffers.
    """
    flat = out.reshape(-1)
    state.rng.random(out=flat, dtype=flat.dtype)
    flat *= 2.0 * amp
    flat -= amp  # C: amp * g_rand_double_range(-1, 1) = amp * (-1 + 2u)


def gaussian(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Gaussian noise, standard deviation ``amp``, independent per sample and channel.

    C draws pairs by Box-Muller (cos for one channel, sin for the next), which gives
    independent standard normals; numpy's ziggurat gives the same distribution at a
    fraction of the cost (no log, sqrt, cos, sin per sample).

    ``out``: float64 or float32 (float32 draws, as for :func:`white`), any shape,
    C-contiguous.
    """
    flat = out.reshape(-1)
    state.rng.standard_normal(out=flat, dtype=flat.dtype)
    flat *= amp


def pink(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Voss-McCartney pink noise with 12 rows, one generator shared by all channels,
    times ``amp``: ``pink_sums(...) * PINK_SCALAR * amp``.

    ``out``: float64, any shape, C-contiguous. Values are in [-1, 1] * amp.
    """
    flat = out.reshape(-1)
    np.multiply(pink_sums(state, flat.shape[0]), PINK_SCALAR * amp, out=flat)


def pink_sums(state: NoiseState, m: int) -> np.ndarray:
    """The next ``m`` pink samples as C's integer sums (running sum of the rows plus
    the extra white value), int32; valid until the state's scratch is used again.

    C draws each sample's value in channel order from one generator, so the samples
    are one stream over the interleaved frames. Per sample, the counter's trailing
    zeros pick the row that takes a fresh random value; the running sum of the rows
    is a cumulative sum of per-row changes. A row's previous value is the one drawn
    exactly ``2 << row`` samples earlier, so it is read from the draws themselves,
    with the last :data:`PINK_SPAN` draws of earlier blocks kept in front of them.

    Each random value is C's ``(glong)(32768.0 - 65536.0 * u / 2**32)`` of a 32-bit
    ``u``, which depends on u's top 16 bits but for one case: 32768 needs u = 0
    (probability 2**-32), which here gives 0. So two 16-bit draws make a sample
    (half the random bits) and the conversion is integer arithmetic; the values'
    distribution differs from C's by that 2**-32 of probability and nothing else.
    """
    out = state.scratch.get("pink-sums", m, np.int32)
    if m == 0:
        return out
    bits = state.draw16(2 * m)  # row value, extra white value; per sample
    draws = state.scratch.get("pink-draws", PINK_SPAN + m, np.int32)
    draws[:PINK_SPAN] = state.pink_kept
    new = draws[PINK_SPAN:]
    _c_pink_random(bits[0::2], new)
    white = state.scratch.get("pink-white", m, np.int32)
    _c_pink_random(bits[1::2], white)
    first = (state.pink_index + 1) & PINK_MASK
    back = state.scratch.get("pink-back", m, np.intp)
    for a in range(0, m, PINK_MASK + 1):  # the back table covers 4096 samples at a time
        b = min(m, a + PINK_MASK + 1)
        f = (first + a) & PINK_MASK
        np.subtract(_PINK_BACK[f : f + b - a], f - a, out=back[a:b])
    draws.take(back, out=out, mode="clip")
    np.subtract(new, out, out=out)
    out[0] += state.pink_sum  # the running sum carries over from the last block
    np.add.accumulate(out, out=out)
    state.pink_sum = int(out[-1])
    out += white
    state.pink_kept[:] = draws[m : m + PINK_SPAN]
    state.pink_index = (state.pink_index + m) & PINK_MASK
    return out


def _c_pink_random(h: np.ndarray, out: np.ndarray) -> None:
    """C's ``(glong)(32768.0 - 65536.0 * u / (G_MAXUINT32 + 1.0))`` from the top 16
    bits ``h`` of ``u`` (see :func:`pink_sums`): 32767 - h below 32768 (the
    truncation takes the fraction off), 32768 - h from there (it rounds up towards
    zero), in [-32767, 32767] with 0 twice as likely as any other value."""
    np.subtract(32767, h, out=out, dtype=np.int32)
    out += h >> 15


def red(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Brownian noise: a random walk in [-8, 8] by uniform [-1, 1) steps, / 16.

    C draws a step, and draws again while the step would leave the bounds: from state
    x it takes a step uniform on the part of [-1, 1) that stays inside. Here each
    sample has one uniform draw. Its step is taken as it is when it stays inside;
    when it would leave (2 % of the samples, all within 1 of a bound), the step is
    mapped linearly from the part that leaves onto the part that stays, which gives
    the same law as C's redraw: uniform on what stays inside. The random numbers
    differ from C's, the chain is the same.

    The walk lives on a grid of 2**-40 (:data:`RED_UNIT`), in int64, so that the
    steps between two events are one exact cumulative sum, and the few events are
    found and taken in Python (:func:`_red_events`): the samples come out the same
    however the stream is cut into buffers. One walk is shared by all channels, in
    interleaved order.

    ``out``: float64, any shape, C-contiguous.
    """
    flat = out.reshape(-1)
    m = flat.shape[0]
    if m == 0:
        return
    u = state.scratch.get("red-uniform", m)
    state.rng.random(out=u)
    blocks = -(-m // _RED_BLOCK)
    walk = state.scratch.get("red-walk", blocks * _RED_BLOCK, np.int64)
    free = walk[:m]
    np.multiply(u, float(2 * RED_UNIT), out=u)  # exact: a 53-bit u times 2**41
    np.copyto(free, u, casting="unsafe")  # the floor, u being >= 0: the step's cell
    np.subtract(free, RED_UNIT, out=free)
    np.cumsum(free, out=free)  # the free walk from 0
    walk[m:] = walk[m - 1]
    x0 = round(state.red_state * RED_UNIT)
    at, shifts = _red_events(walk, u, m, x0)
    off = state.scratch.get("red-offset", m, np.int64)
    off.fill(0)
    off[0] = x0
    if at:
        off[at] += shifts
    np.cumsum(off, out=off)
    free += off
    state.red_state = float(free[-1]) / RED_UNIT
    # C: amp * state * 0.0625f; the state is free / 2**40, exactly.
    np.multiply(free, 1.0 / RED_UNIT, out=flat)
    flat *= amp
    flat *= 0.0625


def _red_events(walk: np.ndarray, u: np.ndarray, m: int, x0: int) -> tuple[list[int], list[int]]:
    """Where the walk's step would leave the bounds, and by how much the walk moves
    there against its free walk.

    The state before sample j is ``base + walk[j - 1]`` and the step's proposal is
    ``base + walk[j]``, ``base`` changing at each event only. Blocks of
    :data:`_RED_BLOCK` samples whose free walk stays within the bounds are skipped
    on their extremes; the others are looked at sample by sample.
    """
    rows = walk.reshape(-1, _RED_BLOCK)
    top, bottom = rows.max(axis=1).tolist(), rows.min(axis=1).tolist()
    at: list[int] = []
    shifts: list[int] = []
    base = x0
    hi, lo = RED_TOP - base, -RED_TOP - base
    b, i, blocks = 0, 0, len(top)
    row: list[int] = []
    while True:
        if i == 0:
            b = _red_skip(top, bottom, b, hi, lo)
            if b == blocks:
                break
            row = walk[b * _RED_BLOCK : (b + 1) * _RED_BLOCK].tolist()
        for k in range(i, _RED_BLOCK):  # from where the last event was
            if not lo <= row[k] <= hi:
                i = k
                break
        else:
            b, i = b + 1, 0
            continue
        j = b * _RED_BLOCK + i
        if j >= m:
            break
        before = base + (row[i - 1] if i else _red_free_before(walk, j))
        new_base = _red_step(before, base + row[i], float(u[j])) - row[i]
        at.append(j)
        shifts.append(new_base - base)
        base = new_base
        hi, lo = RED_TOP - base, -RED_TOP - base
        i += 1
        if i == _RED_BLOCK:
            b, i = b + 1, 0
    return at, shifts


def _red_skip(top: list[int], bottom: list[int], b: int, hi: int, lo: int) -> int:
    """The first block from ``b`` whose free walk's extremes leave [lo, hi]."""
    blocks = len(top)
    while b < blocks and top[b] <= hi and bottom[b] >= lo:
        b += 1
    return b


def _red_free_before(walk: np.ndarray, j: int) -> int:
    return int(walk[j - 1]) if j else 0


def _red_step(x: int, proposal: int, scaled_u: float) -> int:
    """The state after a step from ``x`` whose proposal leaves the bounds, in grid
    units: the proposal's place among the cells that leave (with the 12 bits of
    ``u`` below a cell, ``scaled_u`` being u * 2**41) mapped onto the cells that stay
    inside, in exact integers; so uniform on them, as C's redraw."""
    fine = int((scaled_u - int(scaled_u)) * 4096.0)
    if proposal > RED_TOP:
        left, first = x + RED_UNIT - 1 - RED_TOP, x - RED_UNIT  # cells that leave
        where, stay = proposal - RED_TOP - 1, RED_TOP - x + RED_UNIT + 1
    else:
        left, first = RED_UNIT - RED_TOP - x, -RED_TOP
        where, stay = proposal - (x - RED_UNIT), x + RED_UNIT + RED_TOP
    return first + ((where * 4096 + fine) * stay) // (left * 4096)
