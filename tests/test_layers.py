"""The layer rule: ``erlen.http`` imports nothing but the standard library."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, pkgutil, sys
import erlen.http
for info in pkgutil.iter_modules(erlen.http.__path__, "erlen.http."):
    __import__(info.name)
print(json.dumps(sorted(sys.modules)))
"""

_FORBIDDEN_TOP_LEVEL = {
    "jinja2",
    "itsdangerous",
    "click",
    "blinker",
    "werkzeug",
    "flask",
}


def _modules_after_importing_erlen_http() -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=True,
    )
    modules: list[str] = json.loads(result.stdout)
    return modules


def test_erlen_http_loads_no_other_erlen_module() -> None:
    modules = _modules_after_importing_erlen_http()
    erlen_modules = [name for name in modules if name.split(".")[0] == "erlen"]
    assert "erlen.http.headers" in erlen_modules
    outside = [
        name
        for name in erlen_modules
        if name not in ("erlen", "erlen.http") and not name.startswith("erlen.http.")
    ]
    assert outside == []


def test_erlen_http_loads_no_third_party_package() -> None:
    modules = _modules_after_importing_erlen_http()
    loaded = {name.split(".")[0] for name in modules} & _FORBIDDEN_TOP_LEVEL
    assert loaded == set()
