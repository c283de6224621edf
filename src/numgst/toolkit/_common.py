"""What every toolkit base class does the same way: its pad templates and metadata
from class attributes, the per-buffer hooks it installs only when a subclass needs
them, and the check of what a subclass's method returned."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base.gst import Gst

_DIRECTIONS = {"sink": Gst.PadDirection.SINK, "src": Gst.PadDirection.SRC}


def declare(cls: Any, klass: str, **templates: Gst.Caps) -> None:
    """Give ``cls`` pad templates (one ALWAYS pad per keyword: ``sink=caps``,
    ``src=caps``) and element metadata (its name, ``klass``, the first line of its
    docstring), unless the class sets ``__gsttemplates__`` / ``__gstmetadata__``."""
    if "__gsttemplates__" not in vars(cls):
        cls.__gsttemplates__ = tuple(
            Gst.PadTemplate.new(name, _DIRECTIONS[name], Gst.PadPresence.ALWAYS, caps)
            for name, caps in templates.items()
        )
    if "__gstmetadata__" not in vars(cls):
        doc = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
        cls.__gstmetadata__ = (cls.__name__, klass, doc, "numgst user")


def template(cls: Any, name: str) -> Gst.PadTemplate:
    """The pad template ``name`` of ``cls``, from its own ``__gsttemplates__``.

    Not ``element.get_pad_template``: when C creates an element whose class derives
    from a toolkit base, GObject runs Python's ``__init__`` while the instance's class
    is still the base's (GObject initialises an instance level by level), and the
    base class has no templates."""
    for t in cls.__gsttemplates__:
        if t.name_template == name:
            return t
    raise KeyError(f"{cls.__name__} has no pad template {name!r}")


def overrides(cls: Any, base: type, *names: str) -> bool:
    """True if ``cls`` defines any of the methods ``names`` otherwise than ``base``."""
    return any(getattr(cls, n, None) is not getattr(base, n, None) for n in names)


def has_controllable(cls: Any) -> bool:
    return any(p.flags & Gst.PARAM_CONTROLLABLE for p in getattr(cls, "PROPS", ()))


def checked(
    got: Any,
    expected: tuple[int, ...],
    who: str,
    meaning: str,
    also: tuple[int, ...] | None = None,
) -> np.ndarray:
    """``got`` as an array of real numbers shaped ``expected`` (or ``also``), or a
    TypeError that says what ``who`` returned and what was expected (``meaning``
    names the axes, e.g. ``"(frames, channels)"``; -1 in a shape: any length)."""
    if _plainly_right(got, expected):
        return got  # type: ignore[no-any-return]
    arr = np.asarray(got) if isinstance(got, np.ndarray | list | tuple) else None
    shapes = [expected] if also is None else [expected, also]
    if arr is not None and arr.dtype.kind in "biuf" and any(_fits(arr.shape, s) for s in shapes):
        return arr
    what = (
        f"a {arr.dtype} array of shape {arr.shape}"
        if arr is not None
        else f"a {type(got).__name__}"
    )
    want = " or ".join(str(s).replace("-1", "any") for s in shapes)
    raise TypeError(f"{who} returned {what}; expected real numbers of shape {want} {meaning}")


def _plainly_right(got: Any, expected: tuple[int, ...]) -> bool:
    """The usual answer, told in three steps on the per-buffer path."""
    return type(got) is np.ndarray and got.shape == expected and got.dtype.kind in "biuf"


def _fits(shape: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    """``shape`` is ``expected``, where -1 stands for any length."""
    return len(shape) == len(expected) and all(
        e in (-1, n) for n, e in zip(shape, expected, strict=True)
    )
