"""The demo app: routing, a URL converter, JSON and a template.

Run it with ``python3 scripts/dev.py demo`` and open http://127.0.0.1:5000/.
"""

from __future__ import annotations

import os

from erlen import Erlen
from erlen import jsonify
from erlen import render_template
from erlen import request
from erlen import url_for

app = Erlen(
    __name__, template_folder=os.path.join(os.path.dirname(__file__), "templates")
)


@app.route("/")
def index() -> str:
    return render_template(
        "index.html",
        name=request.args.get("name", "world"),
        links=[url_for("hello", name="erlen"), url_for("api_info", item_id=7)],
    )


@app.route("/hello/<name>")
def hello(name: str) -> str:
    return f"Hello, {name}!"


@app.get("/api/items/<int:item_id>")
def api_info(item_id: int) -> object:
    return jsonify(id=item_id, double=item_id * 2)


if __name__ == "__main__":
    host = os.environ.get("ERLEN_RUN_HOST", "127.0.0.1")
    port = int(os.environ.get("ERLEN_RUN_PORT", "5000"))
    app.run(host=host, port=port)
