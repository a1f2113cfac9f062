"""Werkzeug's ``werkzeug.test`` API: build environs and call WSGI apps in tests.

:class:`EnvironBuilder` here takes no app; :mod:`erlen.testing` has the
app-aware builder and :class:`~erlen.testing.ErlenClient`.
"""

from __future__ import annotations

from ._testing._client import Client as Client
from ._testing._client import ClientRedirectError as ClientRedirectError
from ._testing._client import TestResponse as TestResponse
from ._testing._client import run_wsgi_app as run_wsgi_app
from ._testing._cookies import Cookie as Cookie
from ._testing._environ_builder import EnvironBuilder as EnvironBuilder
from ._testing._environ_builder import create_environ as create_environ
from ._testing._multipart import encode_multipart as encode_multipart
from ._testing._multipart import stream_encode_multipart as stream_encode_multipart

__all__ = [
    "Client",
    "ClientRedirectError",
    "Cookie",
    "EnvironBuilder",
    "TestResponse",
    "create_environ",
    "encode_multipart",
    "run_wsgi_app",
    "stream_encode_multipart",
]
