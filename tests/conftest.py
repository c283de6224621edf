import os
import sys

import pytest
from _isolated import ROOT, run_in

import numgst


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", help="also run the long soak tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="soak test: run with ./run test --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _registered():
    # In-process registration: the tests exercise the same classes the plugin loader
    # loads, and test_audiotestsrc_tutorial checks the loader itself in a subprocess.
    numgst.register()


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory):
    """A fresh --system-site-packages venv on Debian's Python with numgst's wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GST_PLUGIN_PATH", "GST_REGISTRY", "VIRTUAL_ENV", "PYTHONPATH")
    }
    env["PATH"] = "/usr/bin:/bin"
    r = run_in(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ],
        tmp,
        env,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    wheel = next((tmp / "dist").glob("numgst-*.whl"))
    r = run_in(
        ["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(tmp / "venv")], tmp, env
    )
    assert r.returncode == 0, r.stderr
    pip = [
        str(tmp / "venv" / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    r = run_in([*pip, str(wheel)], tmp, env, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    env["HOME"] = str(tmp)  # the launcher's registry cache, ~/.cache/numgst
    return tmp, env
