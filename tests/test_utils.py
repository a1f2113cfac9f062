from __future__ import annotations

import os
import sys
import typing as t

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug import utils as wz_utils

from erlen import utils
from erlen.utils import ImportStringError
from erlen.utils import append_slash_redirect
from erlen.utils import cached_property
from erlen.utils import find_modules
from erlen.utils import get_content_type
from erlen.utils import import_string
from erlen.utils import redirect
from erlen.utils import secure_filename

# --- cached_property ---------------------------------------------------------


class Thing:
    calls = 0

    @cached_property
    def value(self) -> int:
        """The value."""
        Thing.calls += 1
        return 42


def test_cached_property_computes_once_and_stores_in_dict() -> None:
    Thing.calls = 0
    thing = Thing()
    assert thing.value == 42
    assert thing.value == 42
    assert Thing.calls == 1
    assert thing.__dict__["value"] == 42


def test_cached_property_can_be_set_and_deleted() -> None:
    Thing.calls = 0
    thing = Thing()
    thing.value = 7
    assert thing.value == 7
    del thing.value
    assert thing.value == 42
    assert Thing.calls == 1


def test_cached_property_on_class_returns_descriptor() -> None:
    descriptor = Thing.value
    assert isinstance(descriptor, cached_property)
    assert descriptor.__name__ == "value"
    assert descriptor.__doc__ == "The value."


def test_cached_property_explicit_name_and_doc() -> None:
    prop = cached_property(lambda self: 1, name="other", doc="Doc.")
    assert prop.__name__ == "other"
    assert prop.__doc__ == "Doc."


# --- get_content_type --------------------------------------------------------


@pytest.mark.parametrize(
    ("mimetype", "expected"),
    [
        ("text/html", "text/html; charset=utf-8"),
        ("text/plain", "text/plain; charset=utf-8"),
        ("application/xml", "application/xml; charset=utf-8"),
        ("application/javascript", "application/javascript; charset=utf-8"),
        ("application/sql", "application/sql; charset=utf-8"),
        ("image/svg+xml", "image/svg+xml; charset=utf-8"),
        ("application/json", "application/json"),
        ("image/png", "image/png"),
        ("application/octet-stream", "application/octet-stream"),
        ("", ""),
    ],
)
def test_get_content_type(mimetype: str, expected: str) -> None:
    assert get_content_type(mimetype, "utf-8") == expected
    assert get_content_type(mimetype, "utf-8") == wz_utils.get_content_type(
        mimetype, "utf-8"
    )


def test_get_content_type_other_charset() -> None:
    assert get_content_type("text/csv", "latin-1") == "text/csv; charset=latin-1"


# --- secure_filename ---------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("My cool movie.mov", "My_cool_movie.mov"),
        ("../../../etc/passwd", "etc_passwd"),
        ("i contain cool \xfcml\xe4uts.txt", "i_contain_cool_umlauts.txt"),
        ("__filename__", "filename"),
        ("..", ""),
        ("", ""),
        ("...hidden", "hidden"),
        ("foo\x00bar.txt", "foobar.txt"),
        ("foo\\bar", "foobar"),
        ("a\tb\nc", "a_b_c"),
        ("漢字.txt", "txt"),
        ("ﬁle.txt", "file.txt"),
        ("résumé.pdf", "resume.pdf"),
        ("CON", "CON" if os.name != "nt" else "_CON"),
        ("a/b/c", "a_b_c"),
        ("<script>.html", "script.html"),
        ("%2e%2e%2fetc", "2e2e2fetc"),
        ("  spaced  ", "spaced"),
    ],
)
def test_secure_filename(filename: str, expected: str) -> None:
    assert secure_filename(filename) == expected


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_secure_filename_matches_werkzeug(filename: str) -> None:
    assert secure_filename(filename) == wz_utils.secure_filename(filename)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("./\\ _-aZ9\x00\t\u00e9\u2028")))
def test_secure_filename_matches_werkzeug_on_separator_soup(filename: str) -> None:
    result = secure_filename(filename)
    assert result == wz_utils.secure_filename(filename)
    assert "/" not in result
    assert "\\" not in result
    assert not result.startswith(".")


def test_secure_filename_pathological_input_finishes() -> None:
    assert secure_filename("../" * 1_000_000) == ""
    huge = "é " * 1_000_000
    assert secure_filename(huge) == "_".join(["e"] * 1_000_000)
    assert secure_filename("\udcff" * 100_000 + "x") == "x"


# --- redirect ----------------------------------------------------------------


def _fake_response_class() -> type[t.Any]:
    class FakeResponse:
        def __init__(self, body: str, status: int, mimetype: str) -> None:
            self.body = body
            self.status = status
            self.mimetype = mimetype
            self.headers: dict[str, str] = {}

    return FakeResponse


@pytest.mark.parametrize(
    "location",
    ["/", "/next", "https://example.com/a?b=c&d=e", '/"><script>', "/ü?a='b'"],
)
@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirect_body_matches_werkzeug(location: str, code: int) -> None:
    fake = _fake_response_class()
    response: t.Any = redirect(location, code, Response=fake)
    reference = wz_utils.redirect(location, code)
    assert response.body == reference.get_data(as_text=True)
    assert response.status == code
    assert response.mimetype == "text/html"
    assert response.headers["Location"] == location


def test_redirect_escapes_location_in_body() -> None:
    response: t.Any = redirect('/"><script>x</script>', Response=_fake_response_class())
    assert "<script>" not in response.body
    assert "&#34;&gt;&lt;script&gt;" in response.body


def test_redirect_default_response_class() -> None:
    response = redirect("/there", 301)
    assert response.status_code == 301
    assert response.headers["Location"] == "/there"
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("path", "query", "location"),
    [
        ("/", "", "./"),
        ("/foo", "", "foo/"),
        ("/a/b/c", "", "c/"),
        ("/a/b", "x=1&y=2", "b/?x=1&y=2"),
        ("/a/", "q", "./?q"),
        ("", "", "./"),
    ],
)
def test_append_slash_redirect(path: str, query: str, location: str) -> None:
    environ = {"PATH_INFO": path, "QUERY_STRING": query}
    response = append_slash_redirect(environ)
    assert response.status_code == 308
    assert response.headers["Location"] == location
    reference = wz_utils.append_slash_redirect(environ)
    assert reference.headers["Location"] == location


def test_append_slash_redirect_without_query_key() -> None:
    response = append_slash_redirect({"PATH_INFO": "/x"}, 301)
    assert response.status_code == 301
    assert response.headers["Location"] == "x/"


# --- import_string / find_modules --------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("os", os),
        ("os.path", os.path),
        ("os:path", os.path),
        ("os.path.join", os.path.join),
        ("os.path:join", os.path.join),
        ("erlen.utils.secure_filename", secure_filename),
        ("erlen.utils:secure_filename", secure_filename),
    ],
)
def test_import_string(name: str, expected: object) -> None:
    assert import_string(name) is expected


@pytest.mark.parametrize(
    "name",
    ["nothere_xyz", "nothere_xyz.sub", "os.nothere", "os.path.nothere", "erlen.nope"],
)
def test_import_string_failures(name: str) -> None:
    assert import_string(name, silent=True) is None
    with pytest.raises(ImportStringError) as info:
        import_string(name)
    assert info.value.import_name == name
    assert isinstance(info.value.exception, ImportError)
    assert repr(name) in str(info.value)
    assert isinstance(info.value, ImportError)
    assert repr(info.value).startswith(f"<ImportStringError({name!r}, ")


def test_import_string_does_not_hide_errors_inside_module(
    tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_mod_for_test.py").write_text("raise RuntimeError('inner')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RuntimeError, match="inner"):
        import_string("broken_mod_for_test", silent=True)
    sys.modules.pop("broken_mod_for_test", None)


def _make_package(root: t.Any) -> None:
    pkg = root / "fm_pkg_for_test"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("")
    (pkg / "b.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("")


@pytest.mark.parametrize(
    ("include_packages", "recursive", "expected"),
    [
        (False, False, ["a", "b"]),
        (True, False, ["a", "b", "sub"]),
        (False, True, ["a", "b", "sub.c"]),
        (True, True, ["a", "b", "sub", "sub.c"]),
    ],
)
def test_find_modules(
    tmp_path: t.Any,
    monkeypatch: pytest.MonkeyPatch,
    include_packages: bool,
    recursive: bool,
    expected: list[str],
) -> None:
    _make_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        found = sorted(find_modules("fm_pkg_for_test", include_packages, recursive))
        assert found == [f"fm_pkg_for_test.{name}" for name in expected]
        reference = wz_utils.find_modules(
            "fm_pkg_for_test", include_packages, recursive
        )
        assert found == sorted(reference)
    finally:
        for name in list(sys.modules):
            if name.startswith("fm_pkg_for_test"):
                del sys.modules[name]


def test_find_modules_refuses_a_module() -> None:
    with pytest.raises(ValueError, match="'os' is not a package"):
        list(find_modules("os"))


def test_safe_join_is_reexported() -> None:
    from erlen.security import safe_join

    assert utils.safe_join is safe_join
