"""Set up a virtual environment and run the demo app or the whole test suite.

Usage (from the project root, needs only Python >= 3.10)::

    python3 scripts/dev.py demo    # create .venv, install erlen, serve examples/hello
    python3 scripts/dev.py test    # create .venv, install test tools, run every check

Standard library only, so it works on a brand-new machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"

# Branch coverage: complete for the I/O-free HTTP layer and the router, at
# least FLOOR percent for the whole package.
FULL_COVERAGE = ["*/erlen/http/*", "*/erlen/routing/*"]
FLOOR = 95


def run(*cmd: str | os.PathLike[str]) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv(extras: str) -> None:
    if not PY.exists():
        venv.create(VENV, with_pip=True)
    spec = f".[{extras}]" if extras else "."
    run(PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", spec)


def demo() -> None:
    ensure_venv("")
    run(PY, ROOT / "examples" / "hello.py")


def test(pytest_args: list[str]) -> None:
    ensure_venv("test,dev")
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    run(PY, "-m", "coverage", "erase")
    run(PY, "-m", "coverage", "run", "-m", "pytest", *pytest_args)
    run(PY, "-m", "coverage", "report", f"--fail-under={FLOOR}")
    for pattern in FULL_COVERAGE:
        run(PY, "-m", "coverage", "report", f"--include={pattern}", "--fail-under=100")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        sys.exit(__doc__)
    if sys.argv[1] == "demo":
        demo()
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
