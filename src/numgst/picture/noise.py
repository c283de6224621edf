"""C videotestsrc's random generator, many draws at once.

C draws each snow pixel from a 32-bit linear congruential generator,
``state = state * 1103515245 + 12345`` (mod 2**32), keeping bits 16-23. Its state
starts at 0 when the element is made and runs on from frame to frame, so C's snow is
the same sequence in every run. ``k`` steps ahead the state is ``A_k * s + C_k``
(mod 2**32) for constants that depend on ``k`` alone: with those tables, a frame of
draws is two vector operations instead of a loop.
"""

from __future__ import annotations

import numpy as np

MUL = 1103515245
ADD = 12345


class Lcg:
    """The generator, its state, and jump tables kept for the last draw count."""

    def __init__(self, state: int = 0) -> None:
        self.state = state & 0xFFFFFFFF
        self._n = -1
        self._mul = self._add = np.zeros(0, np.uint32)

    def seed(self, state: int) -> None:
        self.state = state & 0xFFFFFFFF

    def _tables(self, n: int) -> None:
        if n == self._n:
            return
        # mul[k] = MUL**(k+1), add[k] = ADD * (1 + MUL + ... + MUL**k), all mod 2**32:
        # uint32 arithmetic wraps exactly so.
        mul = np.full(n, MUL, np.uint32)
        np.multiply.accumulate(mul, out=mul)
        powers = np.empty(n, np.uint32)
        powers[0] = 1
        powers[1:] = mul[:-1]
        add = np.cumsum(powers, dtype=np.uint32)
        add *= np.uint32(ADD)
        self._n, self._mul, self._add = n, mul, add

    def states(self, n: int) -> np.ndarray:
        """The next ``n`` states (uint32), advancing the generator (``n`` at most
        :data:`CHUNK`: the jump tables are that long)."""
        if n <= 0:
            return np.zeros(0, np.uint32)
        if n > CHUNK:
            raise ValueError(f"at most {CHUNK} states at a time")
        self._tables(CHUNK)
        s = self._mul[:n] * np.uint32(self.state)
        s += self._add[:n]
        self.state = int(s[-1])
        return s

    def bytes(self, n: int) -> np.ndarray:
        """The next ``n`` draws as C's ``random_char`` gives them (uint8), made
        :data:`CHUNK` at a time: memory stays small for any ``n``."""
        out = np.empty(n, np.uint8)
        for start in range(0, n, CHUNK):
            s = self.states(min(CHUNK, n - start))
            s >>= np.uint32(16)
            np.copyto(out[start : start + s.shape[0]], s, casting="unsafe")  # bits 16-23
        return out


#: Draws made at once (the jump tables' length): 256 KiB per table.
CHUNK = 1 << 16
