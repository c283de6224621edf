"""C++ extension modules imported after GStreamer, without mixing two unwinders.

libgstreamer links libunwind, which exports the ``_Unwind_*`` functions libgcc_s also
exports. Whichever of the two a library binds to depends on what was in the global
symbol scope when it was loaded:

* libstdc++ loaded before GStreamer (numpy 2 loads it, privately, on import) binds
  to libgcc_s;
* a C++ extension loaded after GStreamer (matplotlib's ft2font, _path, kiwisolver)
  finds libunwind's ``_Unwind_Resume`` first in the global scope.

The first C++ exception then unwinds with one library and resumes with the other: the
process aborts or segfaults (matplotlib throws and catches exceptions while loading
fonts). :func:`cxx_imports` imports such modules with ``RTLD_DEEPBIND`` exactly when
that mix would happen, so they bind to their own dependencies (libstdc++ and
libgcc_s), the unwinder libstdc++ itself uses. When GStreamer came first (gst-launch,
the plugin loader, an application importing Gst before numpy) everything already binds
to libunwind and nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from collections.abc import Iterator
from typing import Any


class _PhdrInfo(ctypes.Structure):
    _fields_ = [("addr", ctypes.c_void_p), ("name", ctypes.c_char_p)]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(_PhdrInfo), ctypes.c_size_t, ctypes.c_void_p
)


def loaded_libraries() -> list[str]:
    """Base names of the shared objects in this process, in the order they loaded."""
    names: list[str] = []

    def visit(info: Any, _size: int, _data: int) -> int:
        names.append(os.path.basename((info.contents.name or b"").decode(errors="replace")))
        return 0

    try:
        ctypes.CDLL(None).dl_iterate_phdr(_CALLBACK(visit), None)
    except (AttributeError, OSError):  # not glibc: nothing to reconcile
        return []
    return names


def unwinders_mixed() -> bool:
    """True if libstdc++ loaded before libunwind: C++ modules loaded now would bind to
    libunwind while libstdc++ throws through libgcc_s."""
    order = loaded_libraries()

    def first(prefix: str) -> int | None:
        return next((i for i, n in enumerate(order) if n.startswith(prefix)), None)

    cxx, unwind = first("libstdc++.so"), first("libunwind.so")
    return cxx is not None and unwind is not None and cxx < unwind


@contextlib.contextmanager
def cxx_imports() -> Iterator[None]:
    """Import C++ extension modules inside this block (see the module docstring)."""
    deep = getattr(os, "RTLD_DEEPBIND", 0)
    if not deep or not unwinders_mixed():
        yield
        return
    old = sys.getdlopenflags()
    sys.setdlopenflags(old | deep)
    try:
        yield
    finally:
        sys.setdlopenflags(old)
