"""``python -m numgst`` (or ``numgst``): where the elements are, and GStreamer's tools
run so that they find them.

  numgst path                      the folder to put on GST_PLUGIN_PATH
  numgst env                       shell lines that set that environment
  numgst launch [-p DIR] ARGS      gst-launch-1.0 ARGS with numgst's elements (and
                                   DIR's python/ plugins)
  numgst inspect [-p DIR] ARGS     gst-inspect-1.0 ARGS, the same way
  numgst doctor [-p DIR]           what is missing for gst-launch to find the
                                   elements, and the command that fixes each
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable

from .loader import environment, plugin_path, run


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if args else 2
    cmd, rest = args[0], args[1:]
    extra = []
    while len(rest) >= 2 and rest[0] in ("-p", "--plugins"):
        extra.append(rest[1])
        rest = rest[2:]
    command = COMMANDS.get(cmd)
    if command is None:
        sys.stderr.write(f"numgst: unknown command {cmd!r}\n{__doc__}")
        return 2
    return command(rest, extra)


def _path(_args: list[str], _extra: list[str]) -> int:
    print(plugin_path())
    return 0


def _env(_args: list[str], extra: list[str]) -> int:
    env = environment(extra, base={})
    for key in ("GST_PLUGIN_PATH", "GST_REGISTRY"):
        print(f"export {key}={shlex.quote(env[key])}")
    print(f'export PATH={shlex.quote(env["PATH"].split(":")[0])}:"$PATH"')
    return 0


def _doctor(_args: list[str], extra: list[str]) -> int:
    from .loader import doctor

    return doctor.main(extra)


COMMANDS: dict[str, Callable[[list[str], list[str]], int]] = {
    "path": _path,
    "env": _env,
    "doctor": _doctor,
    "launch": lambda args, extra: run("gst-launch-1.0", args, extra),
    "inspect": lambda args, extra: run("gst-inspect-1.0", args, extra),
}


if __name__ == "__main__":
    sys.exit(main())
