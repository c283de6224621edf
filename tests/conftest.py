import pytest

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
    # loads, and test_foundation checks the loader itself in a subprocess.
    numgst.register()
