"""Erlen's constructor and the Scaffold registration API.

Root and instance path resolution is checked against Flask 3.1 for the same
on-disk layouts (a plain module, a package, an installed-looking package).
"""

from __future__ import annotations

import collections.abc as cabc
import importlib
import importlib.machinery
import os
import sys
import types
import typing as t
from pathlib import Path

import flask
import pytest

from erlen import Erlen
from erlen.exceptions import HTTPException
from erlen.exceptions import NotFound
from erlen.scaffold import find_package
from erlen.scaffold import get_root_path


@pytest.fixture
def on_path(tmp_path: Path) -> cabc.Iterator[Path]:
    """``tmp_path`` on ``sys.path``; modules imported from it are forgotten after."""
    sys.path.insert(0, str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in set(sys.modules) - before:
        del sys.modules[name]


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def both(import_name: str, **kwargs: t.Any) -> tuple[t.Any, Erlen]:
    """The same constructor call on Flask and on erlen."""
    return flask.Flask(import_name, **kwargs), Erlen(import_name, **kwargs)


# -- root_path and instance_path ------------------------------------------------


def test_plain_module_paths(on_path: Path) -> None:
    write(on_path / "plain_mod_app.py")
    # Imported modules resolve through their __file__.
    importlib.import_module("plain_mod_app")

    reference, app = both("plain_mod_app")
    assert app.root_path == reference.root_path == str(on_path)
    assert app.instance_path == reference.instance_path
    assert app.instance_path == str(on_path / "instance")


def test_module_found_without_importing_it(on_path: Path) -> None:
    write(on_path / "lazy_mod_app.py")
    reference, app = both("lazy_mod_app")
    assert "lazy_mod_app" not in sys.modules
    assert app.root_path == reference.root_path == str(on_path)
    assert app.instance_path == reference.instance_path


def test_package_paths(on_path: Path) -> None:
    write(on_path / "pkg_app" / "__init__.py")
    write(on_path / "pkg_app" / "views.py")
    importlib.import_module("pkg_app.views")

    for name in ("pkg_app", "pkg_app.views"):
        reference, app = both(name)
        assert app.root_path == reference.root_path
        assert app.instance_path == reference.instance_path
        assert app.instance_path == str(on_path / "instance")
    assert Erlen("pkg_app").root_path == str(on_path / "pkg_app")


@pytest.mark.parametrize(
    "site",
    [
        ("lib", "python3.x", "site-packages"),
        ("Lib", "site-packages"),
        ("site-packages",),
    ],
)
def test_installed_package_instance_path(on_path: Path, site: tuple[str, ...]) -> None:
    site_dir = on_path.joinpath(*site)
    write(site_dir / "inst_pkg_app" / "__init__.py")
    sys.path.insert(0, str(site_dir))
    try:
        reference, app = both("inst_pkg_app")
        assert app.instance_path == reference.instance_path
        assert app.root_path == reference.root_path
    finally:
        sys.path.remove(str(site_dir))
    assert app.instance_path == str(on_path / "var" / "inst_pkg_app-instance")
    assert "inst_pkg_app" not in sys.modules


def test_installed_package_found_after_import(on_path: Path) -> None:
    site_dir = on_path / "lib" / "python3.x" / "site-packages"
    write(site_dir / "inst_imported_app" / "__init__.py")
    sys.path.insert(0, str(site_dir))
    try:
        importlib.import_module("inst_imported_app")

        reference, app = both("inst_imported_app")
    finally:
        sys.path.remove(str(site_dir))
    assert app.instance_path == reference.instance_path
    assert app.instance_path == str(on_path / "var" / "inst_imported_app-instance")


def test_find_package_of_an_unknown_module_is_not_a_package() -> None:
    assert find_package("no_such_module_for_erlen") == (None, os.getcwd())
    assert find_package("") == (None, os.getcwd())


def test_installed_module_under_sys_prefix() -> None:
    reference, app = both("pytest")
    assert app.instance_path == reference.instance_path
    prefix, package_path = find_package("pytest")
    assert prefix == os.path.abspath(sys.prefix)
    assert app.instance_path.endswith(os.path.join("var", "pytest-instance"))
    assert package_path == os.path.dirname(app.root_path)


def test_namespace_package_root_is_its_folder(on_path: Path) -> None:
    # Flask 3.1 falls back to the working directory here; erlen uses the
    # package's (first) folder, which is what a namespace package means.
    (on_path / "ns_pkg_app").mkdir()
    app = Erlen("ns_pkg_app")
    assert app.root_path == str(on_path / "ns_pkg_app")
    assert app.instance_path == str(on_path / "instance")


def test_unknown_module_falls_back_to_cwd() -> None:
    assert get_root_path("no_such_module_for_erlen") == os.getcwd()
    assert Erlen("no_such_module_for_erlen").root_path == os.getcwd()


def test_module_without_file_name_needs_root_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("hooked_mod_app")
    module.__spec__ = importlib.machinery.ModuleSpec("hooked_mod_app", None)
    monkeypatch.setitem(sys.modules, "hooked_mod_app", module)
    with pytest.raises(RuntimeError, match="root path needs to be explicitly"):
        Erlen("hooked_mod_app")
    app = Erlen("hooked_mod_app", root_path="/srv/app", instance_path="/srv/i")
    assert app.root_path == "/srv/app"
    assert app.instance_path == "/srv/i"


def test_main_module_without_file_uses_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", main)
    app = Erlen("__main__")
    assert app.root_path == os.getcwd()
    assert app.name == "__main__"


def test_main_module_name_is_the_script_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    main = types.ModuleType("__main__")
    main.__file__ = str(tmp_path / "serve_it.py")
    monkeypatch.setitem(sys.modules, "__main__", main)
    app = Erlen("__main__")
    reference = flask.Flask("__main__")
    assert app.name == reference.name == "serve_it"
    assert app.root_path == str(tmp_path)
    assert repr(app) == "<Erlen 'serve_it'>"


def test_relative_instance_path_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be absolute"):
        Erlen("x", root_path=str(tmp_path), instance_path="relative")
    app = Erlen("x", root_path=str(tmp_path), instance_path=str(tmp_path / "inst"))
    assert app.instance_path == str(tmp_path / "inst")


def test_instance_relative_config_loads_from_instance(tmp_path: Path) -> None:
    write(tmp_path / "inst" / "settings.py", "SECRET = 'from instance'\n")
    write(tmp_path / "settings.py", "SECRET = 'from root'\n")
    kwargs: dict[str, t.Any] = {
        "root_path": str(tmp_path),
        "instance_path": str(tmp_path / "inst"),
    }
    relative = Erlen("x", instance_relative_config=True, **kwargs)
    relative.config.from_pyfile("settings.py")
    assert relative.config["SECRET"] == "from instance"
    assert relative.config.root_path == str(tmp_path / "inst")
    plain = Erlen("x", **kwargs)
    plain.config.from_pyfile("settings.py")
    assert plain.config["SECRET"] == "from root"


def test_open_instance_resource_reads_and_writes(tmp_path: Path) -> None:
    app = Erlen("x", root_path=str(tmp_path), instance_path=str(tmp_path))
    with app.open_instance_resource("note.txt", "w") as f:
        f.write("written ü")
    with app.open_instance_resource("note.txt", "r") as f:
        assert f.read() == "written ü"
    with app.open_instance_resource("note.txt") as f:
        assert f.read() == "written ü".encode()


def test_open_resource_is_read_only(tmp_path: Path) -> None:
    write(tmp_path / "data.txt", "resource ✓")
    app = Erlen("x", root_path=str(tmp_path))
    with app.open_resource("data.txt") as f:
        assert f.read() == "resource ✓".encode()
    with app.open_resource("data.txt", "r", encoding="utf-8") as f:
        assert f.read() == "resource ✓"
    for mode in ("w", "a", "rb+", "x"):
        with pytest.raises(ValueError, match="only be opened for reading"):
            app.open_resource("data.txt", mode)


# -- static and template folders ------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "folder", "url_path"),
    [
        ({}, "static", "/static"),
        ({"static_folder": "assets"}, "assets", "/assets"),
        ({"static_folder": "assets/"}, "assets", "/assets"),
        ({"static_folder": Path("public")}, "public", "/public"),
        ({"static_url_path": "/s/"}, "static", "/s"),
        ({"static_url_path": ""}, "static", ""),
        ({"static_folder": "a/b", "static_url_path": None}, "a/b", "/b"),
    ],
)
def test_static_folder_and_url_path(
    tmp_path: Path, kwargs: dict[str, t.Any], folder: str, url_path: str
) -> None:
    reference = flask.Flask("x", root_path=str(tmp_path), **kwargs)
    app = Erlen("x", root_path=str(tmp_path), **kwargs)
    assert app.static_folder == os.path.join(str(tmp_path), folder)
    assert app.static_folder == reference.static_folder
    assert app.static_url_path == reference.static_url_path == url_path
    rules = {r.rule: r.endpoint for r in app.url_map.iter_rules()}
    assert rules == {f"{url_path}/<path:filename>": "static"}


def test_static_files_are_served(tmp_path: Path) -> None:
    write(tmp_path / "static" / "hello.txt", "hello static")
    app = Erlen("x", root_path=str(tmp_path))
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
    client = app.test_client()
    rv = client.get("/static/hello.txt")
    assert rv.status_code == 200
    assert rv.data == b"hello static"
    assert rv.headers["Cache-Control"] == "public, max-age=60"
    rv.close()
    assert client.get("/static/missing.txt").status_code == 404
    assert client.get("/static/../secret").status_code == 404


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), (30, 30), ("45", 45)],
)
def test_send_file_max_age_config(value: t.Any, expected: int | None) -> None:
    from datetime import timedelta

    app = Erlen("x")
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = value
    with app.app_context():
        assert app.get_send_file_max_age("f") == expected
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=2)
    with app.app_context():
        assert app.get_send_file_max_age("f") == 120


def test_no_static_folder_means_no_static_route(tmp_path: Path) -> None:
    app = Erlen("x", root_path=str(tmp_path), static_folder=None)
    assert app.static_folder is None
    assert app.static_url_path is None
    assert not app.has_static_folder
    assert list(app.url_map.iter_rules()) == []
    with pytest.raises(RuntimeError, match="'static_folder' must be set"):
        app.send_static_file("x.txt")


def test_static_host_requires_host_matching(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="static_host/host_matching"):
        Erlen("x", root_path=str(tmp_path), static_host="cdn.example")
    with pytest.raises(AssertionError, match="static_host/host_matching"):
        Erlen("x", root_path=str(tmp_path), host_matching=True)
    app = Erlen("x", static_folder=None, host_matching=True)
    assert app.url_map.host_matching


def test_static_host_serves_only_on_that_host(tmp_path: Path) -> None:
    write(tmp_path / "static" / "a.css", "body{}")
    app = Erlen(
        "x",
        root_path=str(tmp_path),
        host_matching=True,
        static_host="cdn.example",
    )
    client = app.test_client()
    rv = client.get("/static/a.css", base_url="http://cdn.example")
    assert rv.data == b"body{}"
    rv.close()
    assert client.get("/static/a.css").status_code == 404
    with app.test_request_context(base_url="http://cdn.example"):
        assert app.url_for("static", filename="a.css") == "/static/a.css"


def test_template_folder_loader(tmp_path: Path) -> None:
    write(tmp_path / "tpl" / "page.html", "Hi {{ name }}")
    app = Erlen("x", root_path=str(tmp_path), template_folder="tpl")
    loader: t.Any = app.jinja_loader
    assert loader.searchpath == [str(tmp_path / "tpl")]
    assert (
        Erlen("x", root_path=str(tmp_path), template_folder=None).jinja_loader is None
    )
    from erlen import render_template_string

    with app.app_context():
        template = app.jinja_env.get_template("page.html")
        assert template.render(name="you") == "Hi you"
        assert render_template_string("{{ 1 + 1 }}") == "2"


# -- setupmethod and registration ----------------------------------------------------


SETUP_CALLS: list[tuple[str, cabc.Callable[[Erlen], t.Any]]] = [
    ("add_url_rule", lambda app: app.add_url_rule("/late", "late", lambda: "")),
    ("route", lambda app: app.route("/late")),
    ("get", lambda app: app.get("/late")),
    ("post", lambda app: app.post("/late")),
    ("put", lambda app: app.put("/late")),
    ("delete", lambda app: app.delete("/late")),
    ("patch", lambda app: app.patch("/late")),
    ("endpoint", lambda app: app.endpoint("late")),
    ("before_request", lambda app: app.before_request(lambda: None)),
    ("after_request", lambda app: app.after_request(lambda r: r)),
    ("teardown_request", lambda app: app.teardown_request(lambda e: None)),
    ("teardown_appcontext", lambda app: app.teardown_appcontext(lambda e: None)),
    ("context_processor", lambda app: app.context_processor(dict)),
    ("shell_context_processor", lambda app: app.shell_context_processor(dict)),
    ("url_value_preprocessor", lambda app: app.url_value_preprocessor(print)),
    ("url_defaults", lambda app: app.url_defaults(print)),
    ("errorhandler", lambda app: app.errorhandler(404)),
    ("register_error_handler", lambda app: app.register_error_handler(404, handler)),
    ("template_filter", lambda app: app.template_filter()),
    ("add_template_filter", lambda app: app.add_template_filter(str)),
    ("template_test", lambda app: app.template_test()),
    ("add_template_test", lambda app: app.add_template_test(bool)),
    ("template_global", lambda app: app.template_global()),
    ("add_template_global", lambda app: app.add_template_global(len)),
]


@pytest.mark.parametrize(
    ("name", "call"), SETUP_CALLS, ids=[row[0] for row in SETUP_CALLS]
)
def test_setup_methods_fail_after_first_request(
    app: Erlen, name: str, call: cabc.Callable[[Erlen], t.Any]
) -> None:
    app.test_client().get("/")
    with pytest.raises(AssertionError) as info:
        call(app)
    message = str(info.value)
    assert f"The setup method '{name}' can no longer be called" in message
    assert "already handled its first request" in message


def test_method_shortcuts_reject_methods_argument(app: Erlen) -> None:
    for shortcut in (app.get, app.post, app.put, app.delete, app.patch):
        with pytest.raises(TypeError, match="Use the 'route' decorator"):
            shortcut("/x", methods=["GET"])


@pytest.mark.parametrize(
    ("shortcut", "method"),
    [
        ("get", "GET"),
        ("post", "POST"),
        ("put", "PUT"),
        ("delete", "DELETE"),
        ("patch", "PATCH"),
    ],
)
def test_method_shortcuts_register_one_method(
    app: Erlen, shortcut: str, method: str
) -> None:
    register: cabc.Callable[..., cabc.Callable[[t.Any], t.Any]] = getattr(app, shortcut)

    @register("/x", endpoint="x_view")
    def view() -> str:
        return method

    (rule,) = [r for r in app.url_map.iter_rules() if r.endpoint == "x_view"]
    expected = {method, "OPTIONS"} | ({"HEAD"} if method == "GET" else set())
    assert rule.methods == expected
    assert app.test_client().open("/x", method=method).status_code == 200


def test_endpoint_decorator_binds_without_a_rule(app: Erlen) -> None:
    @app.endpoint("named")
    def named() -> str:
        return "named view"

    assert app.view_functions["named"] is named
    app.add_url_rule("/named", "named")
    assert app.test_client().get("/named").text == "named view"


def test_add_url_rule_without_endpoint_or_view_is_a_type_error(app: Erlen) -> None:
    with pytest.raises(TypeError, match="expected view func"):
        app.add_url_rule("/x")


def test_same_view_may_be_registered_twice(app: Erlen) -> None:
    def view() -> str:
        return "v"

    app.add_url_rule("/a", view_func=view)
    app.add_url_rule("/b", view_func=view)
    client = app.test_client()
    assert client.get("/a").text == client.get("/b").text == "v"


# -- register_error_handler validation -------------------------------------------


def handler(e: Exception) -> str:
    """An error handler that names the error."""
    return type(e).__name__


class AppError(Exception):
    """An application error class."""


class Teapot(HTTPException):
    """A custom HTTP error."""

    code = 418


@pytest.mark.parametrize(
    ("key", "exc_class", "code"),
    [
        (404, NotFound, 404),
        (NotFound, NotFound, 404),
        (AppError, AppError, None),
        (Teapot, Teapot, 418),
        (HTTPException, HTTPException, None),
    ],
)
def test_register_error_handler_stores_by_code_and_class(
    app: Erlen, key: t.Any, exc_class: type, code: int | None
) -> None:
    app.register_error_handler(key, handler)
    assert app.error_handler_spec[None][code] == {exc_class: handler}


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        (999, ValueError, "'999' is not a recognized HTTP error code"),
        (200, ValueError, "'200' is not a recognized HTTP error code"),
        (AppError(), TypeError, "is an instance, not a class"),
        (NotFound(), TypeError, "is an instance, not a class"),
        (str, ValueError, "'str' is not a subclass of Exception"),
        (KeyboardInterrupt, ValueError, "is not a subclass of Exception"),
    ],
)
def test_register_error_handler_validation(
    app: Erlen, key: t.Any, error: type[Exception], message: str
) -> None:
    reference = flask.Flask("x")
    with pytest.raises(error, match=message):
        app.register_error_handler(key, handler)
    with pytest.raises(error, match=message):
        reference.register_error_handler(key, handler)
    with pytest.raises(error, match=message):
        app.errorhandler(key)(handler)


def test_cli_group_exists(app: Erlen) -> None:
    import click

    assert isinstance(app.cli, click.Group)
    assert app.cli is app.cli


def test_default_template_context_without_any_context_is_empty() -> None:
    from erlen.scaffold import _default_template_ctx_processor

    assert _default_template_ctx_processor() == {}
