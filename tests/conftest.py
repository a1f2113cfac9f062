"""Flask's fixture names with Flask's meaning, so Flask-style tests port as they are."""

from __future__ import annotations

import collections.abc as cabc
import os
import typing as t

import pytest
from hypothesis import settings

# Hypothesis fails an example that takes over 200 ms by default: a timing
# assertion in disguise, which a loaded CI machine trips. Tests here assert
# behaviour only (the hostile-input tables bound the work by their size).
settings.register_profile("erlen", deadline=None)
settings.load_profile("erlen")

if t.TYPE_CHECKING:
    from erlen import Erlen
    from erlen.ctx import AppContext
    from erlen.ctx import RequestContext
    from erlen.testing import ErlenClient


@pytest.fixture
def app() -> Erlen:
    """An app in testing mode with a secret key, rooted in the tests folder."""
    from erlen import Erlen

    app = Erlen("erlen_test", root_path=os.path.dirname(__file__))
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


@pytest.fixture
def app_ctx(app: Erlen) -> cabc.Iterator[AppContext]:
    """An active application context of ``app``."""
    with app.app_context() as ctx:
        yield ctx


@pytest.fixture
def req_ctx(app: Erlen) -> cabc.Iterator[RequestContext]:
    """An active request context of ``app`` for ``GET /``."""
    with app.test_request_context() as ctx:
        yield ctx


@pytest.fixture
def client(app: Erlen) -> ErlenClient:
    """A test client of ``app``."""
    return app.test_client()
