"""Tests for erlen.config, checked against Flask's Config where behaviour is shared."""

from __future__ import annotations

import collections.abc as cabc
import json
import os
import pathlib
import sys
import typing as t
from datetime import timedelta

import flask
import pytest

from erlen.config import DEFAULT_CONFIG
from erlen.config import Config
from erlen.config import ConfigAttribute
from erlen.utils import ImportStringError

# A module whose attributes the from_object tests can import by path.
SETTINGS_MODULE = "erlen_test_settings_module"


@pytest.fixture
def settings_module(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> cabc.Iterator[str]:
    (tmp_path / f"{SETTINGS_MODULE}.py").write_text(
        "SECRET_KEY = 'module'\n"
        "lower = 'ignored'\n"
        "class Production:\n"
        "    DEBUG = False\n"
        "    DATABASE = 'prod'\n"
        "    helper = 'ignored'\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, SETTINGS_MODULE, raising=False)
    yield SETTINGS_MODULE
    sys.modules.pop(SETTINGS_MODULE, None)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key in list(os.environ):
        if key.startswith(("FLASK_", "ERLENTEST")):
            monkeypatch.delenv(key)
    return monkeypatch


# --- defaults, construction, repr -------------------------------------------


def test_default_config_matches_flask_exactly() -> None:
    assert list(DEFAULT_CONFIG) == list(flask.Flask.default_config)
    assert DEFAULT_CONFIG == dict(flask.Flask.default_config)
    assert DEFAULT_CONFIG["PERMANENT_SESSION_LIFETIME"] == timedelta(days=31)


def test_config_is_a_dict_with_root_path_and_copied_defaults() -> None:
    defaults = {"A": 1}
    config = Config("/srv/app", defaults)
    assert isinstance(config, dict)
    assert config.root_path == "/srv/app"
    assert config == {"A": 1}
    config["A"] = 2
    assert defaults == {"A": 1}
    assert Config(pathlib.Path("/x")) == {}


@pytest.mark.parametrize("defaults", [None, {}, {"DEBUG": True, "X": [1]}])
def test_repr_matches_flask(defaults: dict[str, t.Any] | None) -> None:
    assert repr(Config("/", defaults)) == repr(flask.Config("/", defaults))
    assert repr(Config("/", defaults)).startswith("<Config {")


def test_repr_names_subclass() -> None:
    class AppConfig(Config):
        pass

    assert repr(AppConfig("/", {"A": 1})) == "<AppConfig {'A': 1}>"


# --- from_mapping -----------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "kwargs", "expected"),
    [
        (None, {}, {}),
        ({"A": 1, "b": 2}, {}, {"A": 1}),
        (None, {"A": 1, "Mixed": 2}, {"A": 1}),
        ({"A": 1, "B": 2}, {"B": 3}, {"A": 1, "B": 3}),
        ({"A_1": 1, "1": 2, "_": 3, "A-B": 4}, {}, {"A_1": 1, "A-B": 4}),
        ([("PAIRS", 1)], {}, {"PAIRS": 1}),
    ],
)
def test_from_mapping_keeps_uppercase_keys(
    mapping: t.Any, kwargs: dict[str, t.Any], expected: dict[str, t.Any]
) -> None:
    config = Config("/")
    reference = flask.Config("/")
    assert config.from_mapping(mapping, **kwargs) is True
    reference.from_mapping(mapping, **kwargs)
    assert config == expected == reference


def test_from_mapping_rejects_two_positional_mappings() -> None:
    with pytest.raises(TypeError):
        Config("/").from_mapping({"A": 1}, {"B": 2})  # type: ignore[call-arg]


# --- from_object ------------------------------------------------------------


def test_from_object_reads_uppercase_attributes_of_a_class() -> None:
    class Settings:
        DEBUG = True
        SECRET_KEY = "x"
        lowercase = "ignored"
        _PRIVATE_lower = "ignored"

    config = Config("/")
    assert config.from_object(Settings) is None  # type: ignore[func-returns-value]
    assert config == {"DEBUG": True, "SECRET_KEY": "x"}


def test_from_object_reads_properties_of_an_instance() -> None:
    class Settings:
        BASE = "/data"

        @property
        def UPLOADS(self) -> str:
            return self.BASE + "/uploads"

    config = Config("/")
    config.from_object(Settings())
    assert config == {"BASE": "/data", "UPLOADS": "/data/uploads"}


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        ("", {"SECRET_KEY": "module"}),
        (".Production", {"DEBUG": False, "DATABASE": "prod"}),
        (":Production", {"DEBUG": False, "DATABASE": "prod"}),
    ],
)
def test_from_object_imports_a_string_path(
    settings_module: str, suffix: str, expected: dict[str, t.Any]
) -> None:
    config = Config("/")
    config.from_object(settings_module + suffix)
    assert config == expected


@pytest.mark.parametrize(
    "path",
    [
        "erlen_no_such_module_anywhere",
        "erlen_no_such_module_anywhere.Attr",
        "erlen.config.NoSuchAttribute",
        "erlen.config:NoSuchAttribute",
        "erlen.no_such_submodule.Attr",
    ],
)
def test_from_object_unresolvable_path_raises_import_string_error(path: str) -> None:
    with pytest.raises(ImportStringError):
        Config("/").from_object(path)


def test_from_object_missing_attribute_message_names_it() -> None:
    with pytest.raises(ImportStringError, match="NoSuchAttribute") as info:
        Config("/").from_object("erlen.config.NoSuchAttribute")
    assert info.value.import_name == "erlen.config.NoSuchAttribute"


def test_from_object_import_error_inside_module_is_reported(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "erlen_test_broken_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "settings.py").write_text(
        "import erlen_dependency_that_is_missing\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(ImportStringError) as ours:
            Config("/").from_object("erlen_test_broken_pkg.settings")
        with pytest.raises(ImportError) as theirs:
            flask.Config("/").from_object("erlen_test_broken_pkg.settings")
        assert type(theirs.value).__name__ == "ImportStringError"
        assert ours.value.import_name == "erlen_test_broken_pkg.settings"
    finally:
        for name in ("erlen_test_broken_pkg", "erlen_test_broken_pkg.settings"):
            sys.modules.pop(name, None)


# --- from_pyfile and from_envvar --------------------------------------------


PYFILE = """\
import os
DEBUG = True
SECRET_KEY = "from-file"
lower = "ignored"
HERE = os.path.basename(__file__)
"""


def test_from_pyfile_executes_file_relative_to_root_path(
    tmp_path: pathlib.Path,
) -> None:
    (tmp_path / "settings.cfg").write_text(PYFILE, encoding="utf-8")
    config = Config(tmp_path)
    assert config.from_pyfile("settings.cfg") is True
    assert config == {"DEBUG": True, "SECRET_KEY": "from-file", "HERE": "settings.cfg"}


def test_from_pyfile_accepts_absolute_pathlike(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "settings.py"
    path.write_text(PYFILE, encoding="utf-8")
    config = Config("/somewhere/else")
    assert config.from_pyfile(path) is True
    assert config["SECRET_KEY"] == "from-file"


@pytest.mark.parametrize(
    "relative",
    ["missing.py", "directory", "plain.txt/inside.py"],
    ids=["ENOENT", "EISDIR", "ENOTDIR"],
)
def test_from_pyfile_silent_returns_false_for_missing_file(
    tmp_path: pathlib.Path, relative: str
) -> None:
    (tmp_path / "directory").mkdir()
    (tmp_path / "plain.txt").write_text("", encoding="utf-8")
    config = Config(tmp_path)
    assert config.from_pyfile(relative, silent=True) is False
    assert flask.Config(str(tmp_path)).from_pyfile(relative, silent=True) is False
    assert config == {}


@pytest.mark.parametrize(
    ("relative", "error"),
    [
        ("missing.py", FileNotFoundError),
        ("directory", IsADirectoryError),
        ("plain.txt/inside.py", NotADirectoryError),
    ],
)
def test_from_pyfile_error_message_matches_flask(
    tmp_path: pathlib.Path, relative: str, error: type[OSError]
) -> None:
    (tmp_path / "directory").mkdir()
    (tmp_path / "plain.txt").write_text("", encoding="utf-8")
    with pytest.raises(error) as ours:
        Config(tmp_path).from_pyfile(relative)
    with pytest.raises(error) as theirs:
        flask.Config(str(tmp_path)).from_pyfile(relative)
    assert str(ours.value) == str(theirs.value)
    assert str(ours.value.strerror).startswith("Unable to load configuration file (")
    assert ours.value.filename == str(tmp_path / relative)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (b"DEBUG = \n", SyntaxError),
        (b"SECRET = '\xff\xfe'\n", SyntaxError),
        # Python 3.10's compile() refuses NUL with ValueError, 3.11+ SyntaxError
        (b"X = 1\x00\n", (SyntaxError, ValueError)),
        (b"DEBUG = undefined_name\n", NameError),
        (b"raise RuntimeError('boom')\n", RuntimeError),
    ],
    ids=["truncated", "bad-utf8", "nul-byte", "name-error", "raises"],
)
def test_from_pyfile_broken_file_propagates_even_when_silent(
    tmp_path: pathlib.Path,
    source: bytes,
    error: type[Exception] | tuple[type[Exception], ...],
) -> None:
    (tmp_path / "bad.py").write_bytes(source)
    config = Config(tmp_path)
    with pytest.raises(error):
        config.from_pyfile("bad.py", silent=True)
    assert config == {}


def test_from_pyfile_handles_a_few_megabytes(tmp_path: pathlib.Path) -> None:
    lines = [f"KEY_{index} = {index!r}\n" for index in range(100_000)]
    (tmp_path / "big.py").write_text("".join(lines), encoding="utf-8")
    config = Config(tmp_path)
    assert config.from_pyfile("big.py") is True
    assert len(config) == 100_000
    assert config["KEY_99999"] == 99_999


def test_from_envvar_loads_named_file(
    tmp_path: pathlib.Path, clean_env: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.py").write_text(PYFILE, encoding="utf-8")
    clean_env.setenv("ERLENTEST_SETTINGS", str(tmp_path / "settings.py"))
    config = Config("/")
    assert config.from_envvar("ERLENTEST_SETTINGS") is True
    assert config["SECRET_KEY"] == "from-file"


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_from_envvar_without_value(
    clean_env: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is not None:
        clean_env.setenv("ERLENTEST_SETTINGS", value)
    config = Config("/")
    assert config.from_envvar("ERLENTEST_SETTINGS", silent=True) is False
    with pytest.raises(RuntimeError) as ours:
        config.from_envvar("ERLENTEST_SETTINGS")
    with pytest.raises(RuntimeError) as theirs:
        flask.Config("/").from_envvar("ERLENTEST_SETTINGS")
    assert str(ours.value) == str(theirs.value)
    assert "'ERLENTEST_SETTINGS' is not set" in str(ours.value)


def test_from_envvar_silent_passes_to_from_pyfile(
    tmp_path: pathlib.Path, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ERLENTEST_SETTINGS", str(tmp_path / "missing.py"))
    assert Config("/").from_envvar("ERLENTEST_SETTINGS", silent=True) is False
    with pytest.raises(FileNotFoundError, match="Unable to load configuration"):
        Config("/").from_envvar("ERLENTEST_SETTINGS")


# --- from_prefixed_env ------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"FLASK_A": "1"}, {"A": 1}),
        ({"FLASK_A": "text"}, {"A": "text"}),
        ({"FLASK_A": "true", "FLASK_B": "null"}, {"A": True, "B": None}),
        ({"FLASK_A": '{"x": [1, 2]}'}, {"A": {"x": [1, 2]}}),
        ({"FLASK_A": '"quoted"'}, {"A": "quoted"}),
        ({"FLASK_A": ""}, {"A": ""}),
        ({"FLASK_A": "1.5e3"}, {"A": 1500.0}),
        ({"FLASK_A": "NaN"}, {"A": pytest.approx(float("nan"), nan_ok=True)}),
        ({"FLASK_lower": "1"}, {"lower": 1}),
        ({"FLASK_": "1"}, {"": 1}),
        ({"FLASKX_A": "1", "XFLASK_A": "2", "flask_a": "3"}, {}),
        (
            {"FLASK_DB__HOST": "h", "FLASK_DB__PORT": "5"},
            {"DB": {"HOST": "h", "PORT": 5}},
        ),
        ({"FLASK_A__B__C": "[1]"}, {"A": {"B": {"C": [1]}}}),
        ({"FLASK_A__": "1"}, {"A": {"": 1}}),
        ({"FLASK___A": "1"}, {"": {"A": 1}}),
        ({"FLASK_A___B": "1"}, {"A": {"_B": 1}}),
        ({"FLASK_A": "{}", "FLASK_A__B": "1"}, {"A": {"B": 1}}),
        ({"FLASK_A": "\x1b[31m\x7f"}, {"A": "\x1b[31m\x7f"}),
        ({"FLASK_A": "[1, 2"}, {"A": "[1, 2"}),
    ],
)
def test_from_prefixed_env_matches_flask(
    clean_env: pytest.MonkeyPatch,
    environ: dict[str, str],
    expected: dict[str, t.Any],
) -> None:
    for key, value in environ.items():
        clean_env.setenv(key, value)
    config = Config("/")
    reference = flask.Config("/")
    assert config.from_prefixed_env() is True
    reference.from_prefixed_env()
    assert config == expected
    assert repr(config) == repr(reference)


def test_from_prefixed_env_merges_into_existing_nested_dict(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("FLASK_DB__HOST", '"db"')
    config = Config("/", {"DB": {"PORT": 5432}})
    config.from_prefixed_env()
    assert config == {"DB": {"PORT": 5432, "HOST": "db"}}


def test_from_prefixed_env_custom_prefix_and_loads(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("ERLENTEST_A", "1")
    clean_env.setenv("ERLENTEST_B__C", "x")
    clean_env.setenv("FLASK_IGNORED", "1")
    config = Config("/")
    assert config.from_prefixed_env("ERLENTEST", loads=str.upper) is True
    assert config == {"A": "1", "B": {"C": "X"}}


@pytest.mark.parametrize(
    "error", [ValueError, TypeError, KeyError, RuntimeError, ZeroDivisionError]
)
def test_from_prefixed_env_keeps_string_when_loads_fails(
    clean_env: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    def loads(value: str) -> t.Any:
        raise error(value)

    clean_env.setenv("ERLENTEST_A", "raw")
    config = Config("/")
    config.from_prefixed_env("ERLENTEST", loads=loads)
    assert config == {"A": "raw"}


def test_from_prefixed_env_applies_keys_in_sorted_order(
    clean_env: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    def loads(value: str) -> str:
        seen.append(value)
        return value

    for key in ("ERLENTEST_C", "ERLENTEST_A", "ERLENTEST_B"):
        clean_env.setenv(key, key[-1])
    Config("/").from_prefixed_env("ERLENTEST", loads=loads)
    assert seen == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("environ", "defaults"),
    [
        ({"ERLENTEST_A": "1", "ERLENTEST_A__B": "2"}, {}),
        ({"ERLENTEST_A__B__C": "2"}, {"A": {"B": "text"}}),
        ({"ERLENTEST_A__B": "2"}, {"A": [1, 2]}),
    ],
)
def test_from_prefixed_env_nesting_into_non_mapping_raises_type_error(
    clean_env: pytest.MonkeyPatch,
    environ: dict[str, str],
    defaults: dict[str, t.Any],
) -> None:
    for key, value in environ.items():
        clean_env.setenv(key, value)
    with pytest.raises(TypeError, match="not a mapping"):
        Config("/", defaults).from_prefixed_env("ERLENTEST")
    with pytest.raises(TypeError):
        flask.Config("/", defaults).from_prefixed_env("ERLENTEST")


def test_from_prefixed_env_hostile_sizes_finish(clean_env: pytest.MonkeyPatch) -> None:
    big_value = "[" + "1," * 1_000_000 + "1]"
    deep_key = "ERLENTEST_" + "__".join(["K"] * 20_000)
    clean_env.setenv("ERLENTEST_BIG", big_value)
    clean_env.setenv("ERLENTEST_BAD", '"' + "x" * 3_000_000)
    clean_env.setenv(deep_key, "1")
    config = Config("/")
    config.from_prefixed_env("ERLENTEST")
    assert len(config["BIG"]) == 1_000_001
    assert len(config["BAD"]) == 3_000_001
    node = config["K"]
    depth = 1
    while isinstance(node, dict):
        node = node["K"]
        depth += 1
    assert (depth, node) == (20_000, 1)


# --- from_file --------------------------------------------------------------


def test_from_file_text_json(tmp_path: pathlib.Path) -> None:
    (tmp_path / "config.json").write_text(
        json.dumps({"SECRET_KEY": "clé", "lower": 1}), encoding="utf-8"
    )
    config = Config(tmp_path)
    assert config.from_file("config.json", load=json.load) is True
    assert config == {"SECRET_KEY": "clé"}


def test_from_file_text_mode_decodes_utf8(tmp_path: pathlib.Path) -> None:
    (tmp_path / "config.json").write_bytes('{"NAME": "Grüße ✓"}'.encode())
    seen: list[t.Any] = []

    def load(handle: t.IO[t.Any]) -> dict[str, t.Any]:
        seen.append(handle.read())
        rv: dict[str, t.Any] = json.loads(seen[-1])
        return rv

    config = Config(tmp_path)
    config.from_file("config.json", load=load)
    assert seen == ['{"NAME": "Grüße ✓"}']
    assert config == {"NAME": "Grüße ✓"}


def test_from_file_binary_mode_passes_bytes(tmp_path: pathlib.Path) -> None:
    (tmp_path / "config.json").write_bytes(b'{"A": 1}')
    seen: list[t.Any] = []

    def load(handle: t.IO[t.Any]) -> dict[str, t.Any]:
        seen.append(handle.read())
        rv: dict[str, t.Any] = json.loads(seen[-1])
        return rv

    config = Config(tmp_path)
    assert config.from_file("config.json", load=load, text=False) is True
    assert seen == [b'{"A": 1}']
    assert config == {"A": 1}


@pytest.mark.parametrize(
    "relative", ["missing.json", "directory"], ids=["ENOENT", "EISDIR"]
)
def test_from_file_silent_returns_false_for_missing_file(
    tmp_path: pathlib.Path, relative: str
) -> None:
    (tmp_path / "directory").mkdir()
    assert Config(tmp_path).from_file(relative, json.load, silent=True) is False


def test_from_file_not_a_directory_raises_even_when_silent(
    tmp_path: pathlib.Path,
) -> None:
    (tmp_path / "plain.txt").write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError) as ours:
        Config(tmp_path).from_file("plain.txt/x.json", json.load, silent=True)
    with pytest.raises(NotADirectoryError) as theirs:
        flask.Config(str(tmp_path)).from_file(
            "plain.txt/x.json", json.load, silent=True
        )
    assert str(ours.value) == str(theirs.value)


def test_from_file_error_message_matches_flask(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError) as ours:
        Config(tmp_path).from_file("missing.json", json.load)
    with pytest.raises(FileNotFoundError) as theirs:
        flask.Config(str(tmp_path)).from_file("missing.json", json.load)
    assert str(ours.value) == str(theirs.value)
    assert "Unable to load configuration file (No such file" in str(ours.value)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b'{"A": 1', json.JSONDecodeError),
        (b'{"A": "\xff"}', UnicodeDecodeError),
        (b"", json.JSONDecodeError),
        (b"[1, 2]", TypeError),
    ],
    ids=["truncated", "bad-utf8", "empty", "not-a-mapping"],
)
def test_from_file_broken_content_propagates(
    tmp_path: pathlib.Path, content: bytes, error: type[Exception]
) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    config = Config(tmp_path)
    with pytest.raises(error):
        config.from_file("bad.json", json.load, silent=True)
    assert config == {}


# --- get_namespace ----------------------------------------------------------

NAMESPACE_CONFIG = {
    "IMAGE_STORE_TYPE": "fs",
    "IMAGE_STORE_PATH": "/var/images",
    "IMAGE_STORE_BASE_URL": "http://img",
    "IMAGE_STORE": "bare",
    "OTHER": 1,
}


@pytest.mark.parametrize(
    ("namespace", "lowercase", "trim", "expected"),
    [
        (
            "IMAGE_STORE_",
            True,
            True,
            {"type": "fs", "path": "/var/images", "base_url": "http://img"},
        ),
        (
            "IMAGE_STORE_",
            False,
            True,
            {"TYPE": "fs", "PATH": "/var/images", "BASE_URL": "http://img"},
        ),
        (
            "IMAGE_STORE_",
            False,
            False,
            {
                "IMAGE_STORE_TYPE": "fs",
                "IMAGE_STORE_PATH": "/var/images",
                "IMAGE_STORE_BASE_URL": "http://img",
            },
        ),
        (
            "IMAGE_STORE_",
            True,
            False,
            {
                "image_store_type": "fs",
                "image_store_path": "/var/images",
                "image_store_base_url": "http://img",
            },
        ),
        (
            "IMAGE_STORE",
            True,
            True,
            {
                "_type": "fs",
                "_path": "/var/images",
                "_base_url": "http://img",
                "": "bare",
            },
        ),
        ("MISSING_", True, True, {}),
        ("", False, True, NAMESPACE_CONFIG),
        ("image_store_", True, True, {}),
    ],
)
def test_get_namespace_matches_flask(
    namespace: str, lowercase: bool, trim: bool, expected: dict[str, t.Any]
) -> None:
    config = Config("/", NAMESPACE_CONFIG)
    rv = config.get_namespace(namespace, lowercase=lowercase, trim_namespace=trim)
    assert rv == expected
    reference = flask.Config("/", NAMESPACE_CONFIG)
    assert rv == reference.get_namespace(namespace, lowercase, trim)


def test_get_namespace_over_many_keys() -> None:
    config = Config("/", {f"NS_{index}_X" * 3: index for index in range(100_000)})
    assert len(config.get_namespace("NS_")) == 100_000


# --- ConfigAttribute --------------------------------------------------------


class FakeApp:
    secret_key = ConfigAttribute[t.Any]("SECRET_KEY")
    lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME",
        get_converter=lambda v: v if isinstance(v, timedelta) else timedelta(seconds=v),
    )

    def __init__(self) -> None:
        self.config = Config("/", DEFAULT_CONFIG)


def test_config_attribute_reads_and_writes_config() -> None:
    app = FakeApp()
    assert app.secret_key is None
    app.secret_key = "s3cret"
    assert app.config["SECRET_KEY"] == "s3cret"
    app.config["SECRET_KEY"] = b"bytes"
    assert app.secret_key == b"bytes"


def test_config_attribute_applies_converter_on_read() -> None:
    app = FakeApp()
    assert app.lifetime == timedelta(days=31)
    app.lifetime = 60
    assert app.config["PERMANENT_SESSION_LIFETIME"] == 60
    assert app.lifetime == timedelta(seconds=60)


def test_config_attribute_on_class_returns_descriptor() -> None:
    descriptor = FakeApp.secret_key
    assert isinstance(descriptor, ConfigAttribute)
    assert descriptor.__name__ == "SECRET_KEY"
    assert descriptor.get_converter is None


def test_config_attribute_missing_key_raises_key_error() -> None:
    app = FakeApp()
    del app.config["SECRET_KEY"]
    with pytest.raises(KeyError, match="SECRET_KEY"):
        _ = app.secret_key
