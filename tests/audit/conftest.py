"""A stand-in CDN on 127.0.0.1 for self-hosting, and the real-build fixtures of tests/plugin."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.plugin.conftest import build_site  # noqa: F401  (a fixture used here too)

SCRIPT = b"window.fromTheCdn = true;\n"
FONT = b"wOF2 not really a font, but bytes that must arrive unchanged"
IMAGE = b"\x89PNG\r\n\x1a\n stand-in image"


def sri(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


@dataclass
class StandInCdn:
    """What the CDN serves and how often each path was asked for."""

    origin: str = ""
    requests: Counter = field(default_factory=Counter)

    def files(self) -> dict[str, tuple[str, bytes]]:
        origin = self.origin
        fonts_css = (
            "/* latin */\n@font-face { font-family: 'Stand In'; font-style: normal;\n"
            f"  src: url({origin}/fonts/s/standin.woff2) format('woff2'); }}\n"
        )
        style_css = (
            '@import "theme.css";\n.hero { background: url(../img/hero.png) }\n'
            "/* url(/never/fetched.png) */\n"
        )
        return {
            "/fonts/css": ("text/css; charset=utf-8", fonts_css.encode()),
            "/fonts/s/standin.woff2": ("font/woff2", FONT),
            "/lib/style.css": ("text/css", style_css.encode()),
            "/lib/theme.css": ("text/css", b"body { color: #222 }\n"),
            "/img/hero.png": ("image/png", IMAGE),
            "/img/photo.png": ("image/png", IMAGE),
            "/lib/app.js": ("application/javascript", SCRIPT),
        }


@pytest.fixture
def cdn() -> Iterator[StandInCdn]:
    state = StandInCdn()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            state.requests[path] += 1
            found = state.files().get(path)
            if found is None:
                self.send_error(404)
                return
            content_type, body = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test output is for assertions."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
