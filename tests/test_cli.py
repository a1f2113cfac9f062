"""The ``erlen`` command line: discovery, dotenv, groups and the built-in commands."""

from __future__ import annotations

import collections.abc as cabc
import importlib.machinery
import importlib.metadata
import itertools
import os
import ssl
import subprocess
import sys
import textwrap
import types
import typing as t

import click
import pytest

from erlen import Blueprint
from erlen import Erlen
from erlen import current_app
from erlen.cli import AppGroup
from erlen.cli import ErlenGroup
from erlen.cli import NoAppException
from erlen.cli import ScriptInfo
from erlen.cli import cli
from erlen.cli import find_app_by_string
from erlen.cli import find_best_app
from erlen.cli import load_dotenv
from erlen.cli import locate_app
from erlen.cli import main
from erlen.cli import pass_script_info
from erlen.cli import prepare_import
from erlen.cli import run_app
from erlen.cli import with_appcontext
from erlen.testing import ErlenCliRunner

_counter = itertools.count()
_ENV_KEYS = (
    "ERLEN_APP",
    "FLASK_APP",
    "ERLEN_DEBUG",
    "FLASK_DEBUG",
    "ERLEN_RUN_FROM_CLI",
    "ERLEN_SKIP_DOTENV",
    "FLASK_SKIP_DOTENV",
    "ERLEN_RUN_MAIN",
    "ERLEN_RUN_PORT",
    "FLASK_RUN_HOST",
    "PYTHONSTARTUP",
)


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any) -> cabc.Iterator[None]:
    """Each test starts in an empty folder with a clean environment and path."""
    saved_environ = dict(os.environ)
    for key in _ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    os.environ.clear()
    os.environ.update(saved_environ)


@pytest.fixture
def runner(app: Erlen) -> ErlenCliRunner:
    """A CLI runner for the test app."""
    return ErlenCliRunner(app)


def write_module(folder: t.Any, source: str, name: str | None = None) -> str:
    """Write ``source`` as a fresh, uniquely named module in ``folder``."""
    name = name or f"cli_mod_{next(_counter)}_{os.getpid()}"
    (folder / f"{name}.py").write_text(textwrap.dedent(source))
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return name


def make_module(**attrs: t.Any) -> types.ModuleType:
    module = types.ModuleType(f"fake_{next(_counter)}")
    module.__dict__.update(attrs)
    return module


# -- find_best_app ---------------------------------------------------------------


def _factory(name: str) -> t.Callable[..., Erlen]:
    def create_app(x: int = 1) -> Erlen:
        return Erlen(name)

    return create_app


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({"app": Erlen("by_app")}, "by_app"),
        ({"application": Erlen("by_application")}, "by_application"),
        ({"app": Erlen("first"), "application": Erlen("second")}, "first"),
        ({"myapp": Erlen("only"), "other": 1}, "only"),
        ({"create_app": _factory("made")}, "made"),
        ({"make_app": _factory("made2")}, "made2"),
        ({"app": 1, "create_app": _factory("f")}, "f"),
    ],
)
def test_find_best_app_finds(attrs: dict[str, t.Any], expected: str) -> None:
    assert find_best_app(make_module(**attrs)).name == expected


def _needs_args(a: int) -> Erlen:
    return Erlen("never")


def _raises_type_error() -> Erlen:
    raise TypeError("inside the factory")


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"a": Erlen("a"), "b": Erlen("b")}, "Detected multiple Erlen applications"),
        ({"create_app": _needs_args}, "could not call it without arguments"),
        ({}, "Failed to find Erlen application or factory"),
        ({"create_app": lambda: "not an app"}, "Failed to find Erlen application"),
        ({"create_app": Erlen}, "Failed to find"),
    ],
)
def test_find_best_app_errors(attrs: dict[str, t.Any], message: str) -> None:
    with pytest.raises(NoAppException, match=message):
        find_best_app(make_module(**attrs))


def test_find_best_app_reraises_type_error_from_inside_factory() -> None:
    with pytest.raises(TypeError, match="inside the factory"):
        find_best_app(make_module(create_app=_raises_type_error))


# -- find_app_by_string ------------------------------------------------------------


def _create_app(name: str = "default", *, suffix: str = "") -> Erlen:
    return Erlen(name + suffix)


@pytest.mark.parametrize(
    ("string", "expected"),
    [
        ("app", "plain"),
        ("create_app", "default"),
        ("create_app()", "default"),
        ("create_app('given')", "given"),
        ("  create_app( 'x' , suffix='y' )  ", "xy"),
        ("create_app(name='kw')", "kw"),
    ],
)
def test_find_app_by_string(string: str, expected: str) -> None:
    module = make_module(app=Erlen("plain"), create_app=_create_app)
    assert find_app_by_string(module, string).name == expected


@pytest.mark.parametrize(
    ("string", "message"),
    [
        ("a.b", "Failed to parse 'a.b' as an attribute name or function call"),
        ("create_app(", "Failed to parse"),
        ("1", "Failed to parse"),
        ("", "Failed to parse"),
        ("x.y()", "Function reference must be a simple name"),
        ("create_app(y)", "Failed to parse arguments as literal values"),
        ("create_app(**{'a': 1})", "Failed to parse arguments as literal values"),
        ("create_app(*['a'])", "Failed to parse arguments as literal values"),
        ("missing", "Failed to find attribute 'missing' in"),
        ("create_app(1, 2, 3)", "could not be called with the specified arguments"),
        ("value", "A valid Erlen application was not obtained from"),
        ("Erlen", "A valid Erlen application was not obtained from"),
        ("broken()", "Failed to find attribute 'broken'"),
        # hostile input: nesting, NUL, lone surrogates, megabytes
        ("(" * 10_000, "Failed to parse"),
        ("create_app(" + "[" * 5_000 + ")", "Failed to parse"),
        ("app\x00", "Failed to parse"),
        ("\udcff", "Failed to parse"),
        ("a" * 3_000_000, "Failed to find attribute"),
        ("create_app('" + "x" * 3_000_000, "Failed to parse"),
        ("app\r\nimport os", "Failed to parse"),
    ],
)
def test_find_app_by_string_errors(string: str, message: str) -> None:
    module = make_module(create_app=_create_app, value=42, Erlen=Erlen)
    with pytest.raises(NoAppException, match=message):
        find_app_by_string(module, string)


def test_find_app_by_string_reraises_type_error_from_inside_factory() -> None:
    module = make_module(create_app=_raises_type_error)
    with pytest.raises(TypeError, match="inside the factory"):
        find_app_by_string(module, "create_app()")


def test_app_string_is_never_executed(tmp_path: t.Any) -> None:
    marker = tmp_path / "executed"
    module = make_module(create_app=_create_app)
    string = f"create_app(open({str(marker)!r}, 'w'))"
    with pytest.raises(NoAppException, match="literal values"):
        find_app_by_string(module, string)
    assert not marker.exists()


# -- prepare_import and locate_app ------------------------------------------------


def test_prepare_import_walks_up_packages(tmp_path: t.Any) -> None:
    package = tmp_path / "outer" / "inner"
    package.mkdir(parents=True)
    (tmp_path / "outer" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("")
    assert prepare_import(str(package / "mod.py")) == "outer.inner.mod"
    assert sys.path[0] == str(tmp_path)
    assert prepare_import(str(package / "__init__.py")) == "outer.inner"
    assert prepare_import(str(package)) == "outer.inner"
    assert sys.path.count(str(tmp_path)) == 1


def test_prepare_import_plain_module_name_is_relative_to_cwd(tmp_path: t.Any) -> None:
    assert prepare_import("hello") == "hello"
    assert sys.path[0] == str(tmp_path)


def test_locate_app_by_module_and_name(tmp_path: t.Any) -> None:
    name = write_module(
        tmp_path,
        """
        from erlen import Erlen
        app = Erlen("located")
        other = Erlen("other")
        """,
    )
    assert locate_app(name, None).name == "located"
    assert locate_app(name, "other").name == "other"


def test_locate_app_missing_module() -> None:
    with pytest.raises(NoAppException, match="Could not import 'no_such_mod_x'"):
        locate_app("no_such_mod_x", None)
    assert locate_app("no_such_mod_x", None, raise_if_not_found=False) is None


def test_locate_app_import_error_inside_module_shows_traceback(tmp_path: t.Any) -> None:
    name = write_module(tmp_path, "import no_such_dependency_x\n")
    with pytest.raises(NoAppException) as info:
        locate_app(name, None, raise_if_not_found=False)
    message = info.value.format_message()
    assert f"While importing {name!r}, an ImportError was raised" in message
    assert "no_such_dependency_x" in message


# -- ScriptInfo ---------------------------------------------------------------------


def test_script_info_create_app_is_loaded_once() -> None:
    calls = []

    def create_app() -> Erlen:
        calls.append(1)
        return Erlen("made")

    info = ScriptInfo(create_app=create_app)
    assert info.load_app() is info.load_app()
    assert calls == [1]
    assert info.data == {}


@pytest.mark.parametrize("form", ["{name}", "{name}.py", "{name}:app", "{path}:app"])
def test_script_info_import_path_forms(tmp_path: t.Any, form: str) -> None:
    name = write_module(tmp_path, "from erlen import Erlen\napp = Erlen('pathy')\n")
    path = str(tmp_path / f"{name}.py")
    info = ScriptInfo(app_import_path=form.format(name=name, path=path))
    assert info.load_app().name == "pathy"


def test_script_info_empty_name_after_colon_is_an_error(tmp_path: t.Any) -> None:
    name = write_module(tmp_path, "from erlen import Erlen\napp = Erlen('x')\n")
    with pytest.raises(NoAppException, match="Failed to parse ''"):
        ScriptInfo(app_import_path=f"{name}:").load_app()


@pytest.mark.parametrize("filename", ["wsgi", "app"])
def test_script_info_finds_default_files(tmp_path: t.Any, filename: str) -> None:
    for module in ("wsgi", "app"):
        sys.modules.pop(module, None)
    write_module(
        tmp_path, f"from erlen import Erlen\napp = Erlen({filename!r})\n", filename
    )
    try:
        assert ScriptInfo().load_app().name == filename
    finally:
        sys.modules.pop(filename, None)


def test_script_info_without_app_explains_options() -> None:
    with pytest.raises(NoAppException, match="'erlen --app' option, 'ERLEN_APP'"):
        ScriptInfo().load_app()


@pytest.mark.parametrize(
    ("env", "set_flag", "expected"),
    [
        ({"ERLEN_DEBUG": "1"}, True, True),
        ({"FLASK_DEBUG": "true"}, True, True),
        ({"ERLEN_DEBUG": "0"}, True, False),
        ({"ERLEN_DEBUG": "1"}, False, False),
    ],
)
def test_script_info_sets_debug_flag(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], set_flag: bool, expected: bool
) -> None:
    made = Erlen("d")  # created before the variable is set: debug off
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    info = ScriptInfo(create_app=lambda: made, set_debug_flag=set_flag)
    assert info.load_app().debug is expected


@pytest.mark.parametrize("variable", ["ERLEN_SKIP_DOTENV", "FLASK_SKIP_DOTENV"])
def test_script_info_skip_dotenv(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    assert ScriptInfo().load_dotenv_defaults is True
    monkeypatch.setenv(variable, "1")
    assert ScriptInfo().load_dotenv_defaults is False


# -- the erlen group ---------------------------------------------------------------


APP_SOURCE = """
from erlen import Erlen
app = Erlen("from_module")

@app.cli.command("hello")
def hello():
    print("hello", app.name)
"""


def test_app_option_and_app_command(tmp_path: t.Any) -> None:
    name = write_module(tmp_path, APP_SOURCE)
    result = ErlenCliRunner(Erlen("unused")).invoke(
        cli, ["--app", name, "hello"], obj=None
    )
    assert result.exit_code == 0, result.output
    assert result.output == "hello from_module\n"


@pytest.mark.parametrize("variable", ["ERLEN_APP", "FLASK_APP"])
def test_app_from_environment(tmp_path: t.Any, variable: str) -> None:
    name = write_module(tmp_path, APP_SOURCE)
    group = ErlenGroup()
    result = click.testing.CliRunner().invoke(group, ["hello"], env={variable: name})
    assert result.exit_code == 0, result.output
    assert result.output == "hello from_module\n"


def test_version_option() -> None:
    result = click.testing.CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Python 3.")
    assert lines[1] == "Erlen 0.1.0"


def test_group_without_version_option() -> None:
    result = click.testing.CliRunner().invoke(
        ErlenGroup(add_version_option=False), ["--version"]
    )
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_help_lists_app_and_builtin_commands(tmp_path: t.Any) -> None:
    name = write_module(tmp_path, APP_SOURCE)
    result = click.testing.CliRunner().invoke(
        ErlenGroup(), ["--help"], env={"ERLEN_APP": name}
    )
    assert result.exit_code == 0
    for command in ("hello", "routes", "run", "shell"):
        assert f"\n  {command}" in result.output


def test_help_without_app_reports_the_error_but_helps() -> None:
    result = click.testing.CliRunner().invoke(ErlenGroup(), ["--help"])
    assert result.exit_code == 0
    assert "Error: Could not locate an Erlen application" in result.stderr
    assert "routes" in result.stdout


def test_help_with_broken_app_shows_traceback(tmp_path: t.Any) -> None:
    name = write_module(tmp_path, "raise RuntimeError('boom at import')\n")
    result = click.testing.CliRunner().invoke(ErlenGroup(), ["--app", name, "--help"])
    assert result.exit_code == 0
    assert "RuntimeError: boom at import" in result.stderr


def test_unknown_command_without_app() -> None:
    result = click.testing.CliRunner().invoke(ErlenGroup(), ["nope"])
    assert result.exit_code == 2
    assert "Error: Could not locate an Erlen application" in result.output
    assert "No such command 'nope'" in result.output


def test_group_without_default_commands() -> None:
    group = ErlenGroup(add_default_commands=False, create_app=lambda: Erlen("x"))
    assert (
        group.list_commands(
            click.Context(group, obj=ScriptInfo(create_app=lambda: Erlen("x")))
        )
        == []
    )


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--debug"], {}, ("1", True)),
        (["--no-debug"], {"ERLEN_DEBUG": "1"}, ("0", False)),
        ([], {"ERLEN_DEBUG": "1"}, ("1", True)),
        ([], {}, (None, False)),
    ],
)
def test_debug_option(
    args: list[str], env: dict[str, str], expected: tuple[t.Any, bool]
) -> None:
    seen: dict[str, t.Any] = {}

    @click.command("show")
    @pass_script_info
    def show(info: ScriptInfo) -> None:
        seen["env"] = os.environ.get("ERLEN_DEBUG")
        seen["debug"] = info.load_app().debug

    group = ErlenGroup(create_app=lambda: Erlen("dbg"))
    group.add_command(show)
    result = click.testing.CliRunner().invoke(group, [*args, "show"], env=env)
    assert result.exit_code == 0, result.output
    assert (seen["env"], seen["debug"]) == expected


def test_make_context_marks_cli_and_keeps_given_obj() -> None:
    info = ScriptInfo(create_app=lambda: Erlen("given"))
    ctx = ErlenGroup().make_context("erlen", ["routes"], obj=info)
    assert ctx.obj is info
    assert os.environ["ERLEN_RUN_FROM_CLI"] == "true"


def test_plugin_commands_from_entry_points(
    monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    name = write_module(
        tmp_path,
        """
        import click

        @click.command()
        def plug():
            click.echo("plugged in")
        """,
    )
    calls = []

    def entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
        calls.append(group)
        return [importlib.metadata.EntryPoint("plugin", f"{name}:plug", group)]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    group = ErlenGroup(create_app=lambda: Erlen("p"))
    result = click.testing.CliRunner().invoke(group, ["plugin"])
    assert result.output == "plugged in\n"
    result = click.testing.CliRunner().invoke(group, ["--help"])
    assert "plugin" in result.output
    assert calls == ["erlen.commands"]


def test_main_runs_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["erlen", "--version"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 0
    assert "Erlen 0.1.0" in capsys.readouterr().out


def test_python_dash_m_erlen() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "erlen", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert "Erlen 0.1.0" in out


# -- AppGroup and with_appcontext --------------------------------------------------


def test_app_group_commands_run_in_app_context(
    app: Erlen, runner: ErlenCliRunner
) -> None:
    group = AppGroup()

    @group.command()
    def inside() -> None:
        click.echo(current_app.name)

    @group.command
    def bare() -> None:
        click.echo("bare " + current_app.name)

    @group.command(with_appcontext=False)
    def outside() -> None:
        click.echo(str(bool(current_app)))

    @group.group("sub")
    def sub() -> None:
        pass

    assert isinstance(sub, AppGroup)

    @sub.command()
    def nested() -> None:
        click.echo("nested " + current_app.name)

    assert runner.invoke(group, ["inside"]).output == "erlen_test\n"
    assert runner.invoke(group, ["bare"]).output == "bare erlen_test\n"
    assert runner.invoke(group, ["outside"]).output == "False\n"
    assert runner.invoke(group, ["sub", "nested"]).output == "nested erlen_test\n"


def test_with_appcontext_reuses_active_context(app: Erlen) -> None:
    @click.command()
    @with_appcontext
    def cmd() -> None:
        click.echo(current_app.name)

    other = Erlen("other")
    with other.app_context():
        result = click.testing.CliRunner().invoke(
            cmd, obj=ScriptInfo(create_app=lambda: app)
        )
    assert result.output == "other\n"


def test_runner_defaults_to_app_cli(app: Erlen, runner: ErlenCliRunner) -> None:
    @app.cli.command("greet")
    @click.argument("name")
    def greet(name: str) -> None:
        click.echo(f"hi {name}")

    result = runner.invoke(args=["greet", "bob"])
    assert result.exit_code == 0
    assert result.output == "hi bob\n"


def test_pass_script_info(app: Erlen, runner: ErlenCliRunner) -> None:
    @click.command()
    @pass_script_info
    def info_cmd(info: ScriptInfo) -> None:
        click.echo(info.load_app().name)

    assert runner.invoke(info_cmd).output == "erlen_test\n"


def test_app_command_with_app_context_from_group(tmp_path: t.Any) -> None:
    name = write_module(
        tmp_path,
        """
        import click
        from erlen import Erlen, current_app
        app = Erlen("ctx_app")

        @app.cli.command("which")
        def which():
            click.echo(current_app.name)
        """,
    )
    result = click.testing.CliRunner().invoke(ErlenGroup(), ["--app", name, "which"])
    assert result.output == "ctx_app\n"


def test_blueprint_commands(app: Erlen, runner: ErlenCliRunner) -> None:
    bp = Blueprint("bp", __name__, cli_group="tools")

    @bp.cli.command("tool")
    def tool() -> None:
        click.echo("tool ran")

    app.register_blueprint(bp)
    assert runner.invoke(args=["tools", "tool"]).output == "tool ran\n"


# -- routes ------------------------------------------------------------------------


@pytest.fixture
def routed_app() -> Erlen:
    app = Erlen("routed", static_folder=None)

    @app.route("/zeta", methods=["GET", "POST"])
    def alpha() -> str:
        return ""

    @app.delete("/alpha/<int:id>")
    def zeta(id: int) -> str:
        return ""

    @app.put("/middle")
    def middle() -> str:
        return ""

    return app


def _first_column(output: str) -> list[str]:
    return [line.split()[0] for line in output.splitlines()[2:]]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("endpoint", ["alpha", "middle", "zeta"]),
        ("methods", ["zeta", "alpha", "middle"]),
        ("rule", ["zeta", "middle", "alpha"]),
        ("match", ["alpha", "zeta", "middle"]),
        ("domain", ["alpha", "zeta", "middle"]),
    ],
)
def test_routes_sorting(routed_app: Erlen, sort: str, expected: list[str]) -> None:
    result = ErlenCliRunner(routed_app).invoke(cli, ["routes", "--sort", sort])
    assert result.exit_code == 0, result.output
    assert _first_column(result.output) == expected


def test_routes_table_layout(routed_app: Erlen) -> None:
    output = ErlenCliRunner(routed_app).invoke(cli, ["routes"]).output
    assert output.splitlines() == [
        "Endpoint  Methods    " + "Rule".ljust(15),
        "--------  ---------  " + "-" * 15,
        "alpha     GET, POST  " + "/zeta".ljust(15),
        "middle    PUT        " + "/middle".ljust(15),
        "zeta      DELETE     /alpha/<int:id>",
    ]


def test_routes_all_methods(routed_app: Erlen) -> None:
    output = ErlenCliRunner(routed_app).invoke(cli, ["routes", "--all-methods"]).output
    assert "GET, HEAD, OPTIONS, POST" in output
    assert "DELETE, OPTIONS" in output


def test_routes_subdomain_and_host_columns() -> None:
    app = Erlen("sub", static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "root", lambda: "")
    app.add_url_rule("/api", "api", lambda: "", subdomain="api")
    output = ErlenCliRunner(app).invoke(cli, ["routes", "-s", "domain"]).output
    assert output.splitlines()[0].split() == [
        "Endpoint",
        "Methods",
        "Subdomain",
        "Rule",
    ]
    assert _first_column(output) == ["root", "api"]

    hosted = Erlen("hosted", static_folder=None, host_matching=True)
    hosted.add_url_rule("/", "home", lambda: "", host="a.test")
    output = ErlenCliRunner(hosted).invoke(cli, ["routes"]).output
    assert output.splitlines()[0].split() == ["Endpoint", "Methods", "Host", "Rule"]
    assert "a.test" in output


def test_routes_without_routes() -> None:
    result = ErlenCliRunner(Erlen("empty", static_folder=None)).invoke(cli, ["routes"])
    assert result.output == "No routes were registered.\n"


def test_routes_rejects_unknown_sort(routed_app: Erlen) -> None:
    result = ErlenCliRunner(routed_app).invoke(cli, ["routes", "--sort", "bogus"])
    assert result.exit_code == 2


# -- shell -------------------------------------------------------------------------


@pytest.fixture
def no_interactive_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "__interactivehook__", raising=False)
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: t.Any) -> t.Any:
        if name in ("IPython", "bpython"):
            return None  # behave the same whether or not they are installed
        return real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.mark.usefixtures("no_interactive_hook")
def test_shell_has_app_context_and_shell_context(
    app: Erlen, runner: ErlenCliRunner
) -> None:
    @app.shell_context_processor
    def extra() -> dict[str, t.Any]:
        return {"answer": 42}

    script = (
        "print(app.name, answer, g is not None)\n"
        "from erlen import current_app\n"
        "print(current_app.name)\n"
    )
    result = runner.invoke(cli, ["shell"], input=script)
    assert result.exit_code == 0, result.output
    assert "erlen_test 42 True" in result.stdout
    assert f"App: erlen_test\nInstance: {app.instance_path}" in result.stderr
    assert result.stdout.count("erlen_test") == 2


@pytest.mark.usefixtures("no_interactive_hook")
def test_shell_runs_pythonstartup(
    runner: ErlenCliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    startup = tmp_path / "startup.py"
    startup.write_text("from_startup = 'yes'\napp = 'shadowed'\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(startup))
    result = runner.invoke(cli, ["shell"], input="print(from_startup, app)\n")
    assert "yes <Erlen 'erlen_test'>" in result.stdout


def test_shell_calls_interactive_hook_and_completer(
    runner: ErlenCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import code

    calls: list[str] = []
    monkeypatch.setattr(
        sys, "__interactivehook__", lambda: calls.append("hook"), raising=False
    )
    readline = types.ModuleType("readline")
    readline.set_completer = lambda completer: calls.append("completer")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "readline", readline)
    monkeypatch.setattr(code, "interact", lambda **kwargs: calls.append("interact"))
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: (
            None
            if name in ("IPython", "bpython")
            else importlib.machinery.ModuleSpec(name, None)
        ),
    )
    runner.invoke(cli, ["shell"])
    # rlcompleter may also install its own completer when first imported.
    assert calls[-3:] == ["completer", "hook", "interact"]


@pytest.mark.parametrize("shell", ["IPython", "bpython"])
def test_shell_prefers_ipython_then_bpython(
    runner: ErlenCliRunner, monkeypatch: pytest.MonkeyPatch, shell: str
) -> None:
    seen: dict[str, t.Any] = {}
    fake = types.ModuleType(shell)
    fake.__spec__ = importlib.machinery.ModuleSpec(shell, None)
    fake.start_ipython = lambda argv, user_ns: seen.update(kind="ipython", ns=user_ns)  # type: ignore[attr-defined]
    fake.embed = lambda locals_, banner: seen.update(kind="bpython", ns=locals_)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, shell, fake)
    if shell == "bpython":
        monkeypatch.setitem(sys.modules, "IPython", None)
    result = runner.invoke(cli, ["shell"])
    assert result.exit_code == 0, result.output
    assert seen["kind"] == shell.lower()
    assert seen["ns"]["app"].name == "erlen_test"


# -- dotenv ------------------------------------------------------------------------


@pytest.fixture
def fake_dotenv(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A stand-in for python-dotenv (not installed here) with its two functions."""
    module = types.ModuleType("dotenv")
    module.__spec__ = importlib.machinery.ModuleSpec("dotenv", None)

    def find_dotenv(name: str, usecwd: bool = False) -> str:
        folder = os.getcwd()
        while True:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
            parent = os.path.dirname(folder)
            if parent == folder:
                return ""
            folder = parent

    def dotenv_values(path: str, encoding: str = "utf-8") -> dict[str, str | None]:
        values: dict[str, str | None] = {}
        with open(path, encoding=encoding) as file:
            for line in file:
                key, sep, value = line.strip().partition("=")
                values[key] = value if sep else None
        return values

    module.find_dotenv = find_dotenv  # type: ignore[attr-defined]
    module.dotenv_values = dotenv_values  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dotenv", module)
    return module


def test_load_dotenv_precedence(
    fake_dotenv: types.ModuleType, tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".flaskenv").write_text(
        "A=flaskenv\nB=flaskenv\nC=flaskenv\nD=flaskenv\n"
    )
    (tmp_path / ".erlenenv").write_text("B=erlenenv\nC=erlenenv\nD=erlenenv\n")
    (tmp_path / ".env").write_text("C=env\nD=env\nNOVALUE\n")
    (tmp_path / "extra.env").write_text("D=extra\nPRESET=file\n")
    child = tmp_path / "child"
    child.mkdir()
    monkeypatch.chdir(child)  # the files are found in a parent folder
    monkeypatch.setenv("PRESET", "environment")
    for key in "ABCD":
        monkeypatch.delenv(key, raising=False)
    assert load_dotenv(str(tmp_path / "extra.env")) is True
    assert [os.environ[k] for k in "ABCD"] == ["flaskenv", "erlenenv", "env", "extra"]
    assert os.environ["PRESET"] == "environment"
    assert "NOVALUE" not in os.environ


def test_load_dotenv_nothing_found(fake_dotenv: types.ModuleType) -> None:
    assert load_dotenv() is False
    assert load_dotenv("missing.env", load_defaults=False) is False


def test_env_file_option_with_dotenv(
    fake_dotenv: types.ModuleType, tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my.env").write_text("FROM_ENV_FILE=1\n")
    (tmp_path / ".env").write_text("FROM_DEFAULT=1\n")
    monkeypatch.delenv("FROM_ENV_FILE", raising=False)
    monkeypatch.delenv("FROM_DEFAULT", raising=False)
    group = ErlenGroup(create_app=lambda: Erlen("e"))
    result = click.testing.CliRunner().invoke(group, ["-e", "my.env", "routes"])
    assert result.exit_code == 0, result.output
    assert os.environ["FROM_ENV_FILE"] == os.environ["FROM_DEFAULT"] == "1"


def test_env_file_option_skips_defaults_when_told(
    fake_dotenv: types.ModuleType, tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("SKIPPED_DEFAULT=1\n")
    monkeypatch.delenv("SKIPPED_DEFAULT", raising=False)
    group = ErlenGroup(create_app=lambda: Erlen("e"), load_dotenv=False)
    click.testing.CliRunner().invoke(group, ["routes"])
    assert "SKIPPED_DEFAULT" not in os.environ


def test_dotenv_sets_app_for_discovery(
    fake_dotenv: types.ModuleType, tmp_path: t.Any
) -> None:
    name = write_module(tmp_path, APP_SOURCE)
    (tmp_path / ".erlenenv").write_text(f"ERLEN_APP={name}\n")
    result = click.testing.CliRunner().invoke(ErlenGroup(), ["hello"])
    assert result.output == "hello from_module\n"


@pytest.mark.parametrize("filename", [".env", ".erlenenv", ".flaskenv"])
def test_without_dotenv_a_tip_is_shown(tmp_path: t.Any, filename: str) -> None:
    (tmp_path / filename).write_text("X=1\n")
    result = click.testing.CliRunner().invoke(
        ErlenGroup(create_app=lambda: Erlen("e")), ["routes"]
    )
    assert "Install python-dotenv to use them." in result.stderr
    assert load_dotenv() is False


def test_without_dotenv_no_files_no_tip() -> None:
    result = click.testing.CliRunner().invoke(
        ErlenGroup(create_app=lambda: Erlen("e")), ["routes"]
    )
    assert result.stderr == ""


def test_without_dotenv_env_file_is_an_error(tmp_path: t.Any) -> None:
    (tmp_path / "x.env").write_text("X=1\n")
    result = click.testing.CliRunner().invoke(
        ErlenGroup(), ["--env-file", "x.env", "routes"]
    )
    assert result.exit_code == 2
    assert "python-dotenv must be installed to load an env file." in result.output


# -- run ---------------------------------------------------------------------------


@pytest.fixture
def run_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, t.Any]]:
    """Record run_simple calls instead of serving."""
    import erlen.serving

    calls: list[dict[str, t.Any]] = []

    def fake_run_simple(host: str, port: int, app: t.Any, **kwargs: t.Any) -> None:
        calls.append({"host": host, "port": port, "app": app, **kwargs})

    monkeypatch.setattr(erlen.serving, "run_simple", fake_run_simple)
    return calls


def test_run_defaults(
    app: Erlen, runner: ErlenCliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    result = runner.invoke(cli, ["run"])
    assert result.exit_code == 0, result.output
    assert run_calls == [
        {
            "host": "127.0.0.1",
            "port": 5000,
            "app": app,
            "use_reloader": False,
            "use_debugger": False,
            "threaded": True,
            "ssl_context": None,
            "extra_files": None,
            "exclude_patterns": None,
        }
    ]
    assert result.output == " * Debug mode: off\n"


def test_run_options(tmp_path: t.Any, run_calls: list[dict[str, t.Any]]) -> None:
    name = write_module(tmp_path, APP_SOURCE)
    (tmp_path / "a.txt").write_text("")
    (tmp_path / "b.txt").write_text("")
    args = [
        "--app",
        name,
        "run",
        "--host",
        "::1",
        "--port",
        "8123",
        "--no-reload",
        "--debugger",
        "--without-threads",
        "--extra-files",
        os.pathsep.join(["a.txt", "b.txt"]),
        "--exclude-patterns",
        "*.tmp",
    ]
    result = click.testing.CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    call = run_calls[0]
    assert (call["host"], call["port"], call["use_reloader"], call["use_debugger"]) == (
        "::1",
        8123,
        False,
        True,
    )
    assert call["threaded"] is False
    assert call["extra_files"] == ["a.txt", "b.txt"]
    assert call["exclude_patterns"] == ["*.tmp"]
    assert f" * Serving Erlen app '{name}'" in result.output


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ERLEN_RUN_PORT": "7001"}, ("127.0.0.1", 7001)),
        ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "7002"}, ("0.0.0.0", 7002)),
        ({"ERLEN_RUN_PORT": "7003", "FLASK_RUN_PORT": "7004"}, ("127.0.0.1", 7003)),
    ],
)
def test_run_reads_environment(
    runner: ErlenCliRunner,
    run_calls: list[dict[str, t.Any]],
    env: dict[str, str],
    expected: tuple[str, int],
) -> None:
    result = runner.invoke(cli, ["run"], env=env)
    assert result.exit_code == 0, result.output
    assert (run_calls[0]["host"], run_calls[0]["port"]) == expected


def test_run_debug_enables_reloader_and_debugger(
    runner: ErlenCliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    result = ErlenCliRunner(Erlen("d")).invoke(cli, ["--debug", "run"], obj=None)
    del result
    result = runner.invoke(cli, ["run", "--debug"])
    assert result.exit_code == 0, result.output
    assert run_calls[-1]["use_reloader"] is True
    assert run_calls[-1]["use_debugger"] is True
    assert " * Debug mode: on" in result.output


@pytest.fixture
def pem_files(tmp_path: t.Any) -> tuple[str, str]:
    cert = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    cert.write_text("cert")
    key.write_text("key")
    return str(cert), str(key)


def test_run_cert_and_key(
    runner: ErlenCliRunner,
    run_calls: list[dict[str, t.Any]],
    pem_files: tuple[str, str],
) -> None:
    cert, key = pem_files
    result = runner.invoke(cli, ["run", "--cert", cert, "--key", key])
    assert result.exit_code == 0, result.output
    assert run_calls[0]["ssl_context"] == (cert, key)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cert", "{cert}"], 'Required when using "--cert".'),
        (["--key", "{key}"], '"--cert" must also be specified.'),
        (["--cert", "adhoc"], "requires the cryptography library"),
        (["--cert", "no_such_module_x.ctx"], "does not exist"),
        (["--cert", "plain"], "does not exist"),
        (["--cert", "ssl.PROTOCOL_TLS_SERVER"], "does not exist"),
    ],
)
def test_run_cert_errors(
    runner: ErlenCliRunner, pem_files: tuple[str, str], args: list[str], message: str
) -> None:
    cert, key = pem_files
    args = [a.format(cert=cert, key=key) for a in args]
    result = runner.invoke(cli, ["run", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.fixture
def fake_cryptography(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("cryptography")
    module.__spec__ = importlib.machinery.ModuleSpec("cryptography", None)
    monkeypatch.setitem(sys.modules, "cryptography", module)


@pytest.mark.usefixtures("fake_cryptography")
def test_run_cert_adhoc(
    runner: ErlenCliRunner,
    run_calls: list[dict[str, t.Any]],
    pem_files: tuple[str, str],
) -> None:
    result = runner.invoke(cli, ["run", "--cert", "ADHOC"])
    assert result.exit_code == 0, result.output
    assert run_calls[0]["ssl_context"] == "adhoc"
    result = runner.invoke(cli, ["run", "--cert", "adhoc", "--key", pem_files[1]])
    assert result.exit_code == 2
    assert 'When "--cert" is "adhoc", "--key" is not used.' in result.output


def test_run_cert_ssl_context_object(
    runner: ErlenCliRunner,
    run_calls: list[dict[str, t.Any]],
    pem_files: tuple[str, str],
    tmp_path: t.Any,
) -> None:
    name = write_module(
        tmp_path, "import ssl\ncontext = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    )
    result = runner.invoke(cli, ["run", "--cert", f"{name}:context"])
    assert result.exit_code == 0, result.output
    assert isinstance(run_calls[0]["ssl_context"], ssl.SSLContext)
    result = runner.invoke(
        cli, ["run", "--cert", f"{name}.context", "--key", pem_files[1]]
    )
    assert (
        'When "--cert" is an SSLContext object, "--key" is not used.' in result.output
    )


def test_run_load_error_is_reported(run_calls: list[dict[str, t.Any]]) -> None:
    result = click.testing.CliRunner().invoke(cli, ["--app", "no_such_app_x", "run"])
    assert result.exit_code == 2
    assert "Could not import 'no_such_app_x'" in result.output
    assert run_calls == []


def test_run_load_error_in_reloader_child_serves_the_error(
    run_calls: list[dict[str, t.Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERLEN_RUN_MAIN", "true")
    result = click.testing.CliRunner().invoke(cli, ["--app", "no_such_app_x", "run"])
    assert result.exit_code == 0, result.output
    assert "Could not import 'no_such_app_x'" in result.stderr
    assert "Serving" not in result.output  # the banner is the parent's job
    failing = run_calls[0]["app"]
    with pytest.raises(NoAppException, match="no_such_app_x"):
        failing({}, lambda *args: None)


# -- app.run -----------------------------------------------------------------------


def test_run_app_defaults_and_server_name(
    run_calls: list[dict[str, t.Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    app = Erlen("served")
    app._got_first_request = True
    run_app(app)
    app.config["SERVER_NAME"] = "example.test:8765"
    run_app(app, debug=True)
    run_app(app, host="0.0.0.0", port=0, use_reloader=False)
    app.config["SERVER_NAME"] = "onlyhost.test"
    run_app(app, port="9000")  # type: ignore[arg-type]
    assert [(c["host"], c["port"]) for c in run_calls] == [
        ("127.0.0.1", 5000),
        ("example.test", 8765),
        ("0.0.0.0", 0),
        ("onlyhost.test", 9000),
    ]
    assert run_calls[0]["use_debugger"] is False
    assert run_calls[1]["use_reloader"] is run_calls[1]["use_debugger"] is True
    assert run_calls[2]["use_reloader"] is False
    assert all(c["threaded"] is True for c in run_calls)
    assert app._got_first_request is False
    assert " * Serving Erlen app 'served'" in capsys.readouterr().out


def test_run_app_under_cli_returns(
    run_calls: list[dict[str, t.Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ERLEN_RUN_FROM_CLI", "true")
    run_app(Erlen("x"))
    assert "Ignoring a call to 'app.run()'" in capsys.readouterr().out
    monkeypatch.setenv("ERLEN_RUN_MAIN", "true")
    run_app(Erlen("x"))
    assert capsys.readouterr().out == ""
    assert run_calls == []


def test_run_app_dotenv_debug(
    run_calls: list[dict[str, t.Any]], fake_dotenv: types.ModuleType, tmp_path: t.Any
) -> None:
    app = Erlen("x")
    (tmp_path / ".env").write_text("ERLEN_DEBUG=1\n")
    seen = []
    run_app(app, load_dotenv=False)
    seen.append(app.debug)
    run_app(app)
    seen.append(app.debug)
    assert seen == [False, True]
    assert run_calls[-1]["use_debugger"] is True


def test_dunder_main_runs_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import runpy

    monkeypatch.setattr(sys, "argv", ["erlen", "--version"])
    monkeypatch.delitem(sys.modules, "erlen.__main__", raising=False)
    with pytest.raises(SystemExit) as info:
        runpy.run_module("erlen", run_name="__main__")
    assert info.value.code == 0
    assert "Erlen 0.1.0" in capsys.readouterr().out
