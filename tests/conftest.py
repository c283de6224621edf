import pytest

import numgst


@pytest.fixture(scope="session", autouse=True)
def _registered():
    # In-process registration: the tests exercise the same classes the plugin loader
    # loads, and a separate test checks the loader itself.
    numgst.register()
