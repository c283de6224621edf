"""The launcher and the loader files as a user meets them: an edited plugin file is
rescanned, a failed import is reported on every run, ``numgst doctor`` names what is
missing, and a SIGINT that comes while the loader imports plugin files is not lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest
from _isolated import run_command

from numgst import loader
from numgst.loader import doctor

GOOD = '''
import numpy as np
from numgst.toolkit import AudioSource, element


class Tone(AudioSource):
    """a tone"""

    __gtype_name__ = "TestLauncherTone"

    def generate(self, first_sample, frames):
        return np.zeros(frames)


__gstelementfactory__ = element(Tone, "launchertone")
'''


def _numgst(args: list[str], home: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m numgst ARGS`` as outside ./run: no GST_REGISTRY, no GST_PLUGIN_PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("GST_REGISTRY", "GST_PLUGIN_PATH")}
    env["XDG_CACHE_HOME"] = str(home)
    try:
        return subprocess.run(
            [sys.executable, "-m", "numgst", *args],
            env=env, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung: numgst {args}")


def test_a_fixed_plugin_file_is_rescanned_and_a_failure_reported_on_every_run(tmp_path):
    plugins = tmp_path / "myplugins" / "python"
    plugins.mkdir(parents=True)
    tone = plugins / "tone.py"
    tone.write_text(GOOD.replace("import numpy as np", "import numpy as np\nimport nosuchmodule"))
    launch = ["launch", "-p", str(tmp_path / "myplugins"), "launchertone", "num-buffers=2"]
    launch += ["!", "fakesink"]
    for _ in range(2):  # the failure is said again, though the registry remembers it
        r = _numgst(launch, tmp_path)
        assert r.returncode != 0
        assert "could not import these files" in r.stderr, r.stderr
        assert "No module named 'nosuchmodule'" in r.stderr and "tone.py" in r.stderr
    tone.write_text(GOOD)  # fixed in place: the folder itself does not change
    r = _numgst(launch, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "could not import" not in r.stderr
    registries = list((tmp_path / "numgst").glob("registry-*.bin"))
    assert len(registries) == 1  # the stale one is gone


def test_fingerprint_follows_the_files(tmp_path):
    (tmp_path / "python").mkdir()
    f = tmp_path / "python" / "a.py"
    f.write_text("x = 1\n")
    first = loader.fingerprint([str(tmp_path)])
    f.write_text("x = 22\n")
    assert loader.fingerprint([str(tmp_path)]) != first


def test_doctor_is_happy_here_and_names_a_broken_file(tmp_path):
    r = _numgst(["doctor"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "numgst's elements are ready" in r.stdout
    plugins = tmp_path / "mine" / "python"
    plugins.mkdir(parents=True)
    (plugins / "broken.py").write_text("raise RuntimeError('deliberately broken')\n")
    r = _numgst(["doctor", "-p", str(tmp_path / "mine")], tmp_path)
    assert r.returncode == 1
    assert "FAIL  plugin files that the loader could not import" in r.stdout
    assert "RuntimeError: deliberately broken" in r.stdout and "broken.py" in r.stdout


def test_doctor_names_missing_tools_with_the_command_that_installs_them(tmp_path):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent), XDG_CACHE_HOME=str(tmp_path))
    env.pop("GST_REGISTRY")
    r = run_command([sys.executable, "-m", "numgst", "doctor"], timeout=120, env=env)
    assert r.returncode == 1
    assert "GStreamer's tools are missing" in r.stdout
    assert "fix: sudo apt install gstreamer1.0-tools" in r.stdout


def test_doctor_finds_the_libpython_the_loader_opens(tmp_path):
    debian13 = tmp_path / "libgstpython13.so"
    debian13.write_bytes(b"\0loading libpython from '%s'\0libpython3.13.so\0")
    assert doctor.wanted_libpython(debian13) == "libpython3.13.so"
    debian12 = tmp_path / "libgstpython12.so"
    debian12.write_bytes(b"\0libpython3.11.so.1.0\0/usr/lib/python3.11/config/libpython3.11.so\0")
    assert doctor.wanted_libpython(debian12) == "libpython3.11.so.1.0"


# -- SIGINT while the loader imports plugin files ----------------------------------------

SLOW = "import time\ntime.sleep(float(__import__('os').environ.get('SLOW_IMPORT', '0')))\n"


def _sigint_default() -> None:
    """SIGINT as a terminal's program gets it: a test run in the background (a
    non-interactive shell's `&`) inherits it ignored, and then so does gst-launch."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupted(tmp_path: Path, delay: float, env: dict[str, str]) -> tuple[int | None, str]:
    wav = tmp_path / "x.wav"
    wav.unlink(missing_ok=True)
    p = subprocess.Popen(
        ["gst-launch-1.0", "-e", "audiotestsrc_py", "is-live=true", "!", "audioconvert", "!",
         "wavenc", "!", "filesink", f"location={wav}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=_sigint_default,
    )  # fmt: skip
    time.sleep(delay)
    p.send_signal(signal.SIGINT)
    try:
        out, _ = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        return None, out
    return p.returncode, out


@pytest.mark.parametrize("run", range(3))
def test_sigint_while_plugin_files_are_imported_ends_the_stream_cleanly(tmp_path, run):
    """Plugin files that take 3 s to import: a SIGINT 1-2 s after start lands in the
    loader's imports, before gst-launch has its own handler. It must end the stream
    as it does once the pipeline runs: EOS (-e), exit 0, a WAV with its header done."""
    slow = tmp_path / "slow" / "python"
    slow.mkdir(parents=True)
    (slow / "zz_slow.py").write_text(SLOW)
    env = loader.environment([str(tmp_path / "slow")], base=dict(os.environ))
    env["GST_REGISTRY"] = str(tmp_path / "registry.bin")
    subprocess.run(["gst-inspect-1.0", "python"], env=env, capture_output=True, timeout=120)
    env["SLOW_IMPORT"] = "3"
    rc, out = _interrupted(tmp_path, 1.0 + run * 0.5, env)
    assert rc is not None, f"the SIGINT was lost: gst-launch never ended\n{out[-2000:]}"
    assert rc == 0, out[-2000:]
    assert "KeyboardInterrupt" not in out
    with wave.open(str(tmp_path / "x.wav")) as w:
        frames = w.getnframes()
        assert 0 < frames < 44100 * 5 and w.getframerate() == 44100


def test_sigint_in_other_programs_that_embed_the_loader_ends_them(tmp_path):
    slow = tmp_path / "slow" / "python"
    slow.mkdir(parents=True)
    (slow / "zz_slow.py").write_text(SLOW)
    env = loader.environment([str(tmp_path / "slow")], base=dict(os.environ))
    env["GST_REGISTRY"] = str(tmp_path / "registry.bin")
    env["GST_REGISTRY_FORK"] = "no"  # scan in gst-inspect itself, importing the files
    env["SLOW_IMPORT"] = "3"
    p = subprocess.Popen(
        ["gst-inspect-1.0", "audiotestsrc_py"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, preexec_fn=_sigint_default,
    )  # fmt: skip
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=30)
    assert p.returncode == -signal.SIGINT, out[-2000:]  # C's default: the process ends
