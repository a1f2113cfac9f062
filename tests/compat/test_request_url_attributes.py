"""Request URL attributes against Werkzeug 3.1, over a table of hosts and paths.

The host part of every URL attribute is lower-cased, as Werkzeug does, while
``host`` keeps the client's spelling.
"""

from __future__ import annotations

import itertools

import pytest

from erlen.wrappers import Request

HOSTS = [
    "Example.com:80",
    "EXAMPLE.COM:8080",
    "example.com",
    "[::1]:80",
    "127.0.0.1",
    "xn--bcher-kva.Example",
]
PATHS = ["/", "/a", "/a b/\xc3\xa9", "/%41", "/A/B"]
QUERIES = ["", "x=1", "y=%20"]
ROOTS = ["", "/App"]
ATTRIBUTES = ["url", "url_root", "root_url", "host_url", "base_url", "host"]


@pytest.mark.parametrize(
    ("host", "path", "query", "root"),
    list(itertools.product(HOSTS, PATHS, QUERIES, ROOTS)),
)
def test_url_attributes_match_werkzeug(
    host: str, path: str, query: str, root: str
) -> None:
    from werkzeug.wrappers import Request as Reference

    environ = {
        "wsgi.url_scheme": "http",
        "HTTP_HOST": host,
        "SCRIPT_NAME": root,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
    }
    ours, theirs = Request(dict(environ)), Reference(dict(environ))
    for name in ATTRIBUTES:
        assert getattr(ours, name) == getattr(theirs, name), name
