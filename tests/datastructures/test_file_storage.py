"""Tests for erlen.datastructures.file_storage (FileStorage, FileMultiDict)."""

from __future__ import annotations

import io
import pathlib
import tempfile

import pytest

from erlen.datastructures import FileMultiDict
from erlen.datastructures import FileStorage
from erlen.datastructures import Headers


def test_file_storage_attributes() -> None:
    storage = FileStorage(
        io.BytesIO(b"line1\nline2\n"),
        filename="a.txt",
        name="upload",
        content_type="text/plain; charset=utf-8",
        content_length=12,
    )
    assert storage.filename == "a.txt"
    assert storage.name == "upload"
    assert storage.content_type == "text/plain; charset=utf-8"
    assert storage.content_length == 12
    assert storage.mimetype == "text/plain"
    assert storage.mimetype_params == {"charset": "utf-8"}
    assert storage.headers["Content-Length"] == "12"
    assert bool(storage)
    assert list(storage) == [b"line1\n", b"line2\n"]
    assert repr(storage) == "<FileStorage: 'a.txt' ('text/plain; charset=utf-8')>"


def test_file_storage_defaults() -> None:
    storage = FileStorage()
    assert storage.read() == b""  # delegated to the stream
    assert storage.filename is None
    assert not storage
    assert storage.content_type is None
    assert storage.content_length == 0
    assert storage.mimetype == ""
    assert storage.mimetype_params == {}
    bad = FileStorage(
        headers=Headers([("Content-Length", "x"), ("Content-Type", "A/B")])
    )
    assert bad.content_length == 0
    assert bad.mimetype == "a/b"


def test_filename_from_stream_name() -> None:
    named = io.BytesIO(b"x")
    named.name = b"/tmp/file.bin"  # type: ignore[attr-defined]
    assert FileStorage(named).filename == "/tmp/file.bin"
    pseudo = io.BytesIO(b"x")
    pseudo.name = "<stdin>"  # type: ignore[attr-defined]
    assert FileStorage(pseudo).filename is None
    assert FileStorage(io.BytesIO(), filename=b"bytes.txt").filename == "bytes.txt"  # type: ignore[arg-type]


def test_save_to_path_and_file(tmp_path: pathlib.Path) -> None:
    data = b"x" * 50_000
    FileStorage(io.BytesIO(data)).save(tmp_path / "a.bin")
    assert (tmp_path / "a.bin").read_bytes() == data
    FileStorage(io.BytesIO(data)).save(str(tmp_path / "b.bin"), buffer_size=7)
    assert (tmp_path / "b.bin").read_bytes() == data
    target = io.BytesIO()
    FileStorage(io.BytesIO(data)).save(target)
    assert target.getvalue() == data
    assert not target.closed


def test_close_and_spooled_delegation() -> None:
    stream = io.BytesIO(b"abc")
    storage = FileStorage(stream)
    storage.close()
    assert stream.closed
    storage.close()  # closing twice is fine

    class Broken(io.BytesIO):
        def close(self) -> None:
            raise OSError("already gone")

    FileStorage(Broken()).close()
    with tempfile.SpooledTemporaryFile() as spooled:
        spooled.write(b"data")
        spooled.seek(0)
        storage = FileStorage(spooled)  # type: ignore[arg-type]
        assert storage.read() == b"data"
        assert storage.readable()


def test_attributes_of_a_wrapped_backing_file() -> None:
    class Wrapper:
        def __init__(self) -> None:
            self._file = io.BytesIO(b"z")

    storage = FileStorage(Wrapper())  # type: ignore[arg-type]
    assert storage.read() == b"z"


def test_missing_attribute_raises() -> None:
    storage = FileStorage(io.BytesIO())
    with pytest.raises(AttributeError):
        storage.no_such_attribute  # noqa: B018


def test_file_multidict(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(b"{}")
    files = FileMultiDict()
    files.add_file("a", str(path))
    files.add_file("b", io.BytesIO(b"x"), filename="pic.png")
    files.add_file("c", io.BytesIO(b"x"), filename="blob.unknownext")
    files.add_file("d", io.BytesIO(b"x"))
    files.add_file("named", str(path), filename="given.txt")
    existing = FileStorage(io.BytesIO(b"y"), filename="e.txt")
    files.add_file("e", existing)
    try:
        assert files["a"].filename == str(path)
        assert files["a"].content_type == "application/json"
        assert files["a"].read() == b"{}"
        assert files["b"].content_type == "image/png"
        assert files["c"].content_type == "application/octet-stream"
        assert files["d"].content_type is None
        assert files["e"] is existing
        assert files["b"].name == "b"
        assert files["named"].filename == "given.txt"
        assert files["named"].content_type == "text/plain"
    finally:
        files["a"].close()
        files["named"].close()
