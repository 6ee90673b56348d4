"""A real HTTP server on 127.0.0.1 for the link checker's tests: working,
missing and failing pages, redirects (to http, file://, ftp://, in a
loop), a HEAD-refusing server, a host that never answers and one that
drips its headers. Slow handlers wait on an event the fixture sets at the
end, so nothing sleeps a fixed time."""

from __future__ import annotations

import http.server
import threading


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _reply(self, code: int, headers: dict | None = None, body: bytes = b"ok"):
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _route(self):
        path = self.path
        self.server.seen.append((self.command, path, self.headers.get("Range")))
        release = self.server.release
        if path == "/ok":
            return self._reply(200)
        if path == "/no-head":
            if self.command == "HEAD":
                return self._reply(405)
            return self._reply(206 if self.headers.get("Range") else 200, body=b"o")
        if path in ("/404", "/500"):
            return self._reply(int(path[1:]))
        redirects = {
            "/to-ok": "/ok",
            "/to-file": "file:///etc/passwd",
            "/to-ftp": "ftp://127.0.0.1/data.csv",
            "/loop": "/loop",
            "/to-404": "/404",
        }
        if path == "/to-localhost":
            port = self.server.server_address[1]
            return self._reply(302, {"Location": f"http://localhost:{port}/ok"})
        if path in redirects:
            return self._reply(302, {"Location": redirects[path]})
        if path == "/slow":  # accepts, never answers until released
            release.wait(30)
            return self._reply(200)
        if path == "/drip":  # answers a header line, then another, ... forever
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            while not release.wait(0.2):
                try:
                    self.wfile.write(b"X-Drip: 1\r\n")
                    self.wfile.flush()
                except OSError:
                    return
            return
        return self._reply(404)

    do_HEAD = do_GET = _route


class LinkServer:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.release = threading.Event()
        self.httpd.seen = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def seen(self):
        return self.httpd.seen

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
