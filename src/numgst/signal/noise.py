"""Noise generators of the C ``audiotestsrc``, vectorised over numpy's Generator.

The algorithms are C's (white uniform, Voss-McCartney pink with 12 rows and C's
integer arithmetic, a bounded random walk for red), except Gaussian noise, drawn by
numpy's ziggurat instead of C's Box-Muller: the same distribution, cheaper. The
random numbers are numpy's, not GLib's Mersenne Twister, so only the statistics match
C, never the samples. Every generator consumes its random stream in a fixed order per
sample, so a seeded stream gives the same samples however it is cut into buffers.

All functions write samples already multiplied by ``amp`` (volume times the sample
type's scale) into a float64 array (white and gaussian also into float32); the caller
casts.
"""

from __future__ import annotations

import numpy as np

PINK_ROWS = 12
PINK_MASK = (1 << PINK_ROWS) - 1
# C: pmax = (rows + 1) * (1 << (PINK_RANDOM_BITS - 1)); scalar = 1.0f / pmax, a float
# division whose result is kept as a double.
PINK_SCALAR = float(np.float32(1.0) / np.float32((PINK_ROWS + 1) * (1 << 15)))
# The row updated at counter value i is i's count of trailing zeros (none for 0), and
# that row was last updated 2 << row samples earlier; 0 where no row is updated.
_SPACING = np.zeros(PINK_MASK + 1, dtype=np.int64)
for _r in range(PINK_ROWS):
    _SPACING[1 << _r :: 2 << _r] = 2 << _r
del _r
PINK_SPAN = 2 << (PINK_ROWS - 1)  # the longest look back


class _PinkWork:
    """Arrays for blocks of up to ``size`` samples, reused from block to block."""

    def __init__(self, size: int, kept: np.ndarray | None) -> None:
        self.size = size
        self.draws = np.zeros(PINK_SPAN + size, dtype=np.int64)
        if kept is not None:
            self.draws[:PINK_SPAN] = kept
        self.both = np.empty(2 * size, dtype=np.int64)
        self.real = np.empty(2 * size)
        self.back = np.empty(size, dtype=np.int64)
        self.delta = np.empty(size, dtype=np.int64)
        self.ahead = np.arange(PINK_SPAN, PINK_SPAN + size, dtype=np.int64)
        # _SPACING repeated: a block may start anywhere in the counter's cycle.
        self.spacing = np.tile(_SPACING, -(-(size + PINK_MASK + 1) // (PINK_MASK + 1)))


RED_BOUND = 8.0
RED_WINDOW = 128  # draws examined per step of the walk; rejections come every ~32


class NoiseState:
    """Random stream and the per-generator memory that C keeps in its instance."""

    def __init__(self, seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.pink_index = 0
        self.pink_sum = 0
        self._pink: _PinkWork | None = None
        self.red_state = 0.0
        # Red candidates drawn but not yet consumed: draws stay in stream order
        # whatever the buffer sizes.
        self._red_draws = np.empty(0)
        self._red_pos = 0

    def reset_pink(self) -> None:
        self.pink_index = 0
        self.pink_sum = 0
        if self._pink is not None:
            self._pink.draws[:PINK_SPAN] = 0  # every row back to 0

    def pink_work(self, m: int) -> _PinkWork:
        work = self._pink
        if work is None or work.size < m:
            kept = work.draws[:PINK_SPAN] if work is not None else None
            work = self._pink = _PinkWork(max(m, 2 * (work.size if work else 0)), kept)
        return work

    def reset_red(self) -> None:
        self.red_state = 0.0


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
    """Voss-McCartney pink noise with 12 rows, one generator shared by all channels.

    C draws each sample's value in channel order from one generator, so the samples
    are one stream over the interleaved frames. Per sample, the counter's trailing
    zeros pick the row that takes a fresh random value; the running sum of the rows
    is a cumulative sum of per-row changes. A row's previous value is the one drawn
    exactly ``2 << row`` samples earlier, so it is read from the draws themselves,
    with the last :data:`PINK_SPAN` draws of earlier blocks kept in front of them.
    Samples where no row changes (counter 0) read their own draw: a change of 0.

    ``out``: float64, any shape, C-contiguous. Values are in [-1, 1] * amp.
    """
    flat = out.reshape(-1)
    m = flat.shape[0]
    if m == 0:
        return
    work = state.pink_work(m)
    i0 = state.pink_index
    # Two 32-bit draws per sample, the row's (low half) and the extra white term's
    # (high half), converted together: a uint64 array viewed as pairs of uint32.
    pairs = state.rng.bit_generator.random_raw(m).view(np.uint32)
    both = work.both[: 2 * m]
    _c_pink_random(pairs, work.real[: 2 * m], both)
    draws = work.draws  # the kept draws, then this block's
    draws[PINK_SPAN : PINK_SPAN + m] = both[0::2]
    # Where each sample's previous row value was drawn (index into draws).
    back = work.back[:m]
    first = (i0 + 1) & PINK_MASK
    np.subtract(work.ahead[:m], work.spacing[first : first + m], out=back)
    delta = work.delta[:m]
    draws.take(back, out=delta, mode="clip")
    np.subtract(draws[PINK_SPAN : PINK_SPAN + m], delta, out=delta)
    delta[0] += state.pink_sum  # the running sum carries over from the last block
    np.add.accumulate(delta, out=delta)
    state.pink_sum = int(delta[-1])
    np.add(delta, both[1::2], out=flat)
    flat *= PINK_SCALAR * amp
    draws[:PINK_SPAN] = draws[m : m + PINK_SPAN]
    state.pink_index = (i0 + m) & PINK_MASK


def _c_pink_random(u: np.ndarray, real: np.ndarray, out: np.ndarray) -> None:
    """C: (glong)(32768.0 - 65536.0 * u / (G_MAXUINT32 + 1.0)) for 32-bit ``u``.

    Every step is exact in double; the cast truncates toward zero, so the result is
    in [-32767, 32768] with 0 twice as likely as any other value. ``real`` (float64)
    and ``out`` (int64) have the shape of ``u``.
    """
    np.multiply(u, -1.0 / 65536.0, out=real)
    real += 32768.0
    np.copyto(out, real, casting="unsafe")


def _red_draws(state: NoiseState, need: int) -> np.ndarray:
    """The next ``need`` unconsumed red candidates, uniform in [-1, 1)."""
    have = state._red_draws.shape[0] - state._red_pos
    if have < need:
        grown = np.empty(max(need, 4096))
        grown[:have] = state._red_draws[state._red_pos :]
        fresh = grown[have:]
        state.rng.random(out=fresh)
        fresh *= 2.0
        fresh -= 1.0
        state._red_draws = grown
        state._red_pos = 0
    return state._red_draws[state._red_pos : state._red_pos + need]


def red(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Brownian noise: a random walk in [-8, 8] by uniform [-1, 1) steps, / 16.

    A step that would leave the bounds is undone (``state -= r``, as C does, keeping
    its rounding) and a new step is drawn. Between rejections the walk is a plain
    sequential cumulative sum; the loop runs once per rejection (about 3% of steps),
    never per sample. One walk is shared by all channels, in interleaved order.

    ``out``: float64, any shape, C-contiguous.
    """
    flat = out.reshape(-1)
    m = flat.shape[0]
    s = state.red_state
    pos = 0
    while pos < m:
        span = min(m - pos, RED_WINDOW)
        r = _red_draws(state, span)
        seg = flat[pos : pos + span]
        seg[:] = r
        seg[0] += s
        np.cumsum(seg, out=seg)
        over = np.abs(seg) > RED_BOUND
        k = int(over.argmax())
        if not over[k]:
            state._red_pos += span
            s = float(seg[-1])
            pos += span
            continue
        # seg[:k] are accepted samples; draw k is rejected and consumed.
        s = float(seg[k]) - float(r[k])
        state._red_pos += k + 1
        pos += k
    state.red_state = s
    # C: amp * state * 0.0625f, evaluated left to right.
    flat *= amp
    flat *= 0.0625
