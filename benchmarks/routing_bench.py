"""Time ``Map.match_path`` and count the calls it makes.

Run with ``python benchmarks/routing_bench.py``. Werkzeug's ``MapAdapter.match``
is timed on the same map for comparison when it is installed.
"""

from __future__ import annotations

import sys
import timeit
import typing as t

from erlen.routing import Map
from erlen.routing import Rule

CASES = [
    ("static", "/", "GET"),
    ("static deep", "/api/v1/status", "GET"),
    ("dynamic", "/api/v1/items/12345/sub47", "GET"),
    ("dynamic first", "/api/v1/items/12345/sub0", "GET"),
    ("not found", "/api/v1/items/12345/nope", "GET"),
]


def make_rules(rule_class: t.Any) -> list[t.Any]:
    """Return the benchmark app's rules: a few static ones and 50 dynamic ones."""
    rules = [
        rule_class("/", endpoint="index"),
        rule_class("/about", endpoint="about"),
        rule_class("/api/v1/status", endpoint="status"),
        rule_class("/api/v1/items", endpoint="items"),
        rule_class("/static/<path:filename>", endpoint="static"),
        rule_class("/api/v1/items/<int:id>", endpoint="item"),
    ]
    rules += [
        rule_class(f"/api/v1/items/<int:id>/sub{n}", endpoint=f"sub{n}")
        for n in range(50)
    ]
    return rules


def count_calls(func: t.Callable[[], object]) -> tuple[int, int]:
    """Return (Python calls, C calls) made by ``func()``, excluding ``func``."""
    counts = {"call": 0, "c_call": 0}

    def profile(frame: t.Any, event: str, arg: object) -> None:
        if event in counts:
            counts[event] += 1

    sys.setprofile(profile)
    try:
        func()
    except Exception:  # a 404 is an expected outcome here
        pass
    finally:
        sys.setprofile(None)
    # The lambda wrapper itself is one Python call; setprofile(None) one C call.
    return counts["call"] - 1, counts["c_call"] - 1


def main() -> None:
    """Print timings and call counts for every case."""
    url_map = Map(make_rules(Rule))
    url_map.match_path("/", "GET")  # compile outside the measurement
    print(url_map.describe().splitlines()[0])
    print(f"{'case':<14} {'erlen us':>9} {'py calls':>9} {'c calls':>8}")
    for name, path, method in CASES:

        def run(path: str = path, method: str = method) -> None:
            try:
                url_map.match_path(path, method)
            except Exception:  # the 404 case raises NotFound
                pass

        seconds = min(timeit.repeat(run, number=20000, repeat=5)) / 20000
        py_calls, c_calls = count_calls(run)
        print(f"{name:<14} {seconds * 1e6:>9.2f} {py_calls:>9} {c_calls:>8}")
    try:
        import werkzeug.routing as wz
    except ImportError:
        return
    adapter = wz.Map(make_rules(wz.Rule)).bind("localhost")
    for name, path, method in CASES:

        def run_wz(path: str = path, method: str = method) -> None:
            try:
                adapter.match(path, method)
            except Exception:  # the 404 case raises NotFound
                pass

        seconds = min(timeit.repeat(run_wz, number=20000, repeat=5)) / 20000
        print(f"werkzeug {name:<14} {seconds * 1e6:>9.2f} us")


if __name__ == "__main__":
    main()
