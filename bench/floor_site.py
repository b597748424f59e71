"""The floor of `foi publish`: Jinja2 rendering a template, writing the same files.

    python bench/floor_site.py MANIFEST.json OUT_DIR

MANIFEST holds [path, size] for every file a `foi publish` wrote; this writes each of them
under OUT_DIR at the same size, from one Jinja2 template (autoescaped, as foi's are), with
plain writes. It reads no database: it is what any static-site generator pays to write the
same bytes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jinja2 import Environment, select_autoescape

TEMPLATE = """<!doctype html><html lang="en"><head><title>{{ title }}</title></head>
<body><main>{% for chunk in chunks %}<p>{{ chunk }}</p>{% endfor %}</main></body></html>"""


def main() -> None:
    manifest, out = Path(sys.argv[1]), Path(sys.argv[2])
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(TEMPLATE)
    for rel, size in json.loads(manifest.read_text()):
        words = max(0, size - 120) // 80 + 1
        page = template.render(title=rel, chunks=("x" * 73 for _ in range(words)))
        data = page.encode("utf-8")[:size].ljust(size, b" ")
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


if __name__ == "__main__":
    main()
