"""What one stream's accumulator learns about its step, kept from block to block."""

from __future__ import annotations

from typing import NamedTuple

from ..scratch import Scratch
from .rows import Workspace
from .templates import Templates
from .walk import Position, Walk

_TEMPLATE_STEPS = 32  # steps remembered per memo (a controller ramp brings new ones)


class Resume(NamedTuple):
    """Where the last block left the accumulator: ``acc`` for ``step`` is ``where``,
    and period ``period`` of the kept walk (-1: not on it)."""

    step: float
    acc: float
    where: Position
    period: int


class PhaseMemo:
    """Owned by one stream (one element instance), not shared between threads.

    Its work arrays are reused from block to block, and its period templates and the
    kept walk make the steady state cheap. Holding no memo is always correct, only
    slower (nothing is reused).
    """

    __slots__ = ("scratch", "workspace", "templates", "walk", "resume")

    def __init__(self, scratch: Scratch | None = None) -> None:
        self.scratch = scratch if scratch is not None else Scratch()
        self.workspace: Workspace | None = None
        self.templates: dict[float, Templates] = {}
        self.walk: Walk | None = None
        self.resume: Resume | None = None

    def templates_of(self, step: float) -> Templates:
        t = self.templates.get(step)
        if t is None:
            if len(self.templates) >= _TEMPLATE_STEPS:
                self.templates.pop(next(iter(self.templates)))
            t = self.templates[step] = Templates(step)
        return t
