"""Stream a large generated multipart upload through an app and report peak RSS.

Usage: ``python benchmarks/upload_memory.py [size_in_MB]`` (default 1024).

The body is generated on the fly by a file-like object, so the only memory the
upload may cost is what erlen itself holds: the peak RSS should stay flat
whatever the size (the file is spooled to a temporary file).
"""

from __future__ import annotations

import resource
import sys
import time
import typing as t

from erlen import Erlen
from erlen import request

BOUNDARY = b"----ErlenBenchBoundary7MA4YWxk"
PATTERN = bytes(range(256)) * 256  # 64 KiB of every byte value, CR and LF included


class GeneratedBody:
    """A ``wsgi.input`` producing a multipart body of one ``size``-byte file."""

    def __init__(self, size: int) -> None:
        self.head = (
            b"--" + BOUNDARY + b"\r\n"
            b'Content-Disposition: form-data; name="note"\r\n\r\nhello\r\n'
            b"--" + BOUNDARY + b"\r\n"
            b'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n"
        )
        self.tail = b"\r\n--" + BOUNDARY + b"--\r\n"
        self.file_size = size
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            raise ValueError("the benchmark body must be read in bounded chunks")
        out = bytearray()
        while len(out) < size and self.position < self.length:
            pos = self.position
            want = size - len(out)
            if pos < len(self.head):
                piece = self.head[pos : pos + want]
            elif pos < len(self.head) + self.file_size:
                offset = pos - len(self.head)
                count = min(want, self.file_size - offset)
                start = offset % len(PATTERN)
                piece = (PATTERN[start:] + PATTERN)[:count]
            else:
                offset = pos - len(self.head) - self.file_size
                piece = self.tail[offset : offset + want]
            out += piece
            self.position += len(piece)
        return bytes(out)


def peak_rss_mb() -> float:
    """The process's peak resident set size in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(size_mb: int) -> None:
    app = Erlen(__name__)
    app.config["MAX_CONTENT_LENGTH"] = None

    @app.post("/upload")
    def upload() -> t.Any:
        storage = request.files["file"]
        storage.seek(0, 2)
        size = storage.tell()
        storage.close()
        return {"note": request.form["note"], "size": size}

    body = GeneratedBody(size_mb * 1024 * 1024)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/upload",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "multipart/form-data; boundary=" + BOUNDARY.decode(),
        "CONTENT_LENGTH": str(body.length),
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    statuses: list[str] = []

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
        statuses.append(status)
        return lambda data: None

    before = peak_rss_mb()
    started = time.perf_counter()
    result = b"".join(app(environ, start_response))
    elapsed = time.perf_counter() - started
    print(f"upload of {size_mb} MB: {statuses[0]} {result.decode().strip()}")
    print(f"peak RSS before: {before:.1f} MB, after: {peak_rss_mb():.1f} MB")
    print(f"time: {elapsed:.1f} s ({size_mb / elapsed:.0f} MB/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
