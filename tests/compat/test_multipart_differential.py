"""Multipart bodies against Werkzeug 3.1: seeded random bodies, both parsers.

Each body has up to six parts (fields, files with and without a filename or a
Content-Type, extra part headers) whose values mix CR, LF, dashes and pieces of
the boundary, in sizes from empty to past the 64 KiB read size. Some bodies
are cut short, lose a CRLF, or get a preamble or an epilogue.

erlen must give Werkzeug's form and files, or Werkzeug's error status. The one
deliberate difference: a body that ends before its closing delimiter is a 400
in erlen, where Werkzeug silently returns an empty form (the received fields
would be lost without a word).
"""

from __future__ import annotations

import gc
import io
import random
import typing as t
import warnings

import pytest

from erlen.exceptions import HTTPException
from erlen.wrappers import Request

SIZES = [0, 1, 5, 50, 3000, 70_000]
FILENAMES = ["a.txt", "", "x/y.bin"]
CONTENT_TYPES = [None, "application/octet-stream", "text/plain; charset=utf-8"]
EXTRA_HEADERS = ["X-A: b\r\n", "Content-Transfer-Encoding: binary\r\n", ""]


def _part(
    name: str,
    value: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    extra: str = "",
) -> bytes:
    head = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        head += f'; filename="{filename}"'
    head += "\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    return (head + extra).encode() + b"\r\n" + value + b"\r\n"


def _body(rnd: random.Random, boundary: bytes) -> tuple[bytes, bool]:
    """A random body, and whether it still ends with its closing delimiter."""
    alphabet = b"ab\r\n-" + boundary
    parts = []
    for i in range(rnd.randint(0, 6)):
        size = rnd.choice(SIZES)
        value = bytes(rnd.choice(alphabet) for _ in range(size))
        kind = rnd.random()
        if kind < 0.4:
            parts.append(_part(f"f{i % 3}", value))
        elif kind < 0.8:
            filename = rnd.choice(FILENAMES)
            content_type = rnd.choice(CONTENT_TYPES)
            parts.append(_part(f"file{i % 2}", value, filename, content_type))
        else:
            parts.append(_part(f"h{i}", value, extra=rnd.choice(EXTRA_HEADERS)))
    body = b"".join(b"--" + boundary + b"\r\n" + part for part in parts)
    body += b"--" + boundary + b"--\r\n"
    complete = True
    damage = rnd.random()
    if damage < 0.1:
        cut = rnd.randint(0, len(body))
        complete = body[:cut].rstrip(b"\r\n").endswith(b"--" + boundary + b"--")
        body = body[:cut]
    elif damage < 0.15:
        body = body.replace(b"\r\n", b"\n", 1)
    elif damage < 0.2:
        body = b"preamble\r\n" + body
    elif damage < 0.25:
        body += b"epilogue"
    return body, complete


def _parse(request_class: t.Any, errors: t.Any, body: bytes, boundary: bytes) -> t.Any:
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary.decode()}",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    request = request_class(environ)
    try:
        form = sorted(request.form.items(multi=True))
        files = sorted(
            (
                (key, f.filename, f.content_type, f.read())
                for key, f in request.files.items(multi=True)
            ),
            key=repr,
        )
    except errors as error:
        return ("error", error.code)
    finally:
        request.close()
    return ("parsed", form, files)


@pytest.mark.parametrize("seed", range(8))
def test_random_multipart_bodies_match_werkzeug(seed: int) -> None:
    from werkzeug.exceptions import HTTPException as ReferenceError
    from werkzeug.wrappers import Request as Reference

    rnd = random.Random(seed)
    boundary = f"bound{rnd.randint(0, 99)}".encode()
    compared = 0
    for _ in range(25):
        body, complete = _body(rnd, boundary)
        ours = _parse(Request, HTTPException, body, boundary)
        with warnings.catch_warnings():
            # Werkzeug leaks the spooled files of a cut body; not ours to test.
            warnings.simplefilter("ignore", ResourceWarning)
            theirs = _parse(Reference, ReferenceError, body, boundary)
            gc.collect()
        if not complete and theirs[0] == "parsed":
            # COMPAT (deliberate): a cut body is refused, not read as empty.
            assert ours == ("error", 400), body[:200]
            continue
        assert ours == theirs, body[:200]
        compared += 1
    assert compared >= 15  # most bodies are whole, so the table compares them
