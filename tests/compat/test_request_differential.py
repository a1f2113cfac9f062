"""Request attributes against Werkzeug 3.1, over tables of inputs.

URL attributes: the host part of every URL is lower-cased, as Werkzeug does,
while ``host`` keeps the client's spelling. Bodies: every order of get_data,
stream, form and data gives what Werkzeug gives.
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


_MULTIPART = b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n'


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"a=1&b=%20"),
        ("multipart/form-data; boundary=b", _MULTIPART),
        ("application/octet-stream", b"abc"),
        ("application/json", b'{"a": 1}'),
    ],
)
@pytest.mark.parametrize(
    "steps",
    [
        ("get_data", "form", "stream", "data"),
        ("stream", "get_data", "stream"),
        ("get_data_nocache", "stream", "form"),
        ("form", "get_data", "stream"),
        ("data", "form", "stream"),
    ],
)
def test_body_access_order_matches_werkzeug(
    content_type: str, body: bytes, steps: tuple[str, ...]
) -> None:
    import io

    from werkzeug.wrappers import Request as Reference

    def run(cls: type) -> list[object]:
        request = cls(
            {
                "REQUEST_METHOD": "POST",
                "CONTENT_TYPE": content_type,
                "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": io.BytesIO(body),
            }
        )
        seen: list[object] = []
        for step in steps:
            if step == "get_data":
                seen.append(request.get_data())
            elif step == "get_data_nocache":
                seen.append(request.get_data(cache=False))
            elif step == "stream":
                seen.append(request.stream.read())
            elif step == "form":
                seen.append(request.form.to_dict())
            else:
                seen.append(request.data)
        return seen

    assert run(Request) == run(Reference)
