"""A real agency API on 127.0.0.1 for tests and benchmarks.

A threaded ``http.server`` serving an OpenAPI 3 document, a paginated list
of dataset records and each record's data rows, with faults that a test can
switch on for any path: a status (500, 429 with Retry-After), a body that
is not JSON, a slow drip, a silent stall, an oversized body. Every request
is logged (path, query, time) so tests can check what the harvester did.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def openapi_document(title="API dữ liệu đất đai") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0"},
        "paths": {
            "/datasets": {"get": {
                "operationId": "listDatasets", "summary": "Danh sách tập dữ liệu",
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}},
                               {"name": "size", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "OK"}}}},
            "/datasets/{ma}/rows": {"get": {
                "operationId": "getRows", "summary": "Dữ liệu",
                "parameters": [{"name": "ma", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "OK"}}}},
            "/datasets/{ma}": {"post": {
                "operationId": "updateDataset", "responses": {"200": {"description": "OK"}}}},
        },
    }


def record(i: int, **overrides) -> dict:
    r = {
        "ma": f"DD-{i:04d}",
        "ten": f"Bảng giá đất khu vực {i}",
        "mo_ta": f"Bảng giá đất của khu vực {i}, tỉnh An Giang.",
        "giay_phep": "CC-BY-4.0",
        "tan_suat": "Hàng năm",
        "linh_vuc": ["ENVI"],
        "tu_khoa": ["đất đai", "giá đất"],
        "chat_luong": "Số liệu do Sở Nông nghiệp và Môi trường tổng hợp.",
        "ngay_ban_hanh": "2025-06-01",
        "ngay_cap_nhat": "2026-01-15",
    }
    r.update(overrides)
    return r


def rows_for(ma: str, n: int = 3) -> list:
    return [{"stt": k + 1, "ma": ma, "thua": f"{ma}-{k}", "gia": 1000 * (k + 1),
             "vi_tri": {"xa": "Long Xuyên", "to": k}} for k in range(n)]


class AgencyAPI:
    """``with AgencyAPI(records) as api: api.url ...``; mutate ``records``,
    ``rows`` and ``faults`` between harvests."""

    def __init__(self, records=None, page_size_default=50, rows=None):
        self.records = list(records or [])
        self.rows = rows if rows is not None else {}
        self.page_size_default = page_size_default
        self.document = openapi_document()
        self.faults: dict[str, list] = {}   # path -> list of fault dicts (consumed in order)
        self.sticky: dict[str, dict] = {}   # path -> fault dict applied to every request
        self.log: list[tuple[float, str, dict]] = []
        self.required_header = None
        self._server = None
        self._thread = None

    # -- faults ---------------------------------------------------------------
    def fail(self, path: str, times: int = 1, **fault):
        self.faults.setdefault(path, []).extend([fault] * times)

    def always(self, path: str, **fault):
        self.sticky[path] = fault

    def clear(self):
        self.faults.clear()
        self.sticky.clear()

    # -- server ---------------------------------------------------------------
    def __enter__(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                parsed = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                api.log.append((time.monotonic(), parsed.path, query))
                fault = None
                if api.faults.get(parsed.path):
                    fault = api.faults[parsed.path].pop(0)
                elif parsed.path in api.sticky:
                    fault = api.sticky[parsed.path]
                if api.required_header:
                    name, value = api.required_header
                    if self.headers.get(name) != value:
                        return self._send(401, b'{"error": "unauthorized"}')
                if fault:
                    return self._fault(fault)
                status, body = api.route(parsed.path, query)
                self._send(status, json.dumps(body, ensure_ascii=False).encode("utf-8"))

            def _send(self, status, body, headers=None, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _fault(self, f):
                if "status" in f:
                    headers = {}
                    if "retry_after" in f:
                        headers["Retry-After"] = str(f["retry_after"])
                    return self._send(f["status"], f.get("body", b'{"error": "fault"}'), headers)
                if "body" in f:
                    return self._send(200, f["body"])
                if "stall" in f:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    self.wfile.write(b"[")
                    self.wfile.flush()
                    time.sleep(f["stall"])
                    return
                if "drip" in f:  # (bytes, interval): one byte every interval seconds
                    total, interval = f["drip"]
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(total))
                    self.end_headers()
                    try:
                        for _ in range(total):
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(interval)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if "huge" in f:  # n bytes, optionally without Content-Length
                    n = f["huge"]
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    if f.get("declare", True):
                        self.send_header("Content-Length", str(n))
                    else:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        chunk = b" " * 65536
                        sent = 0
                        while sent < n:
                            self.wfile.write(chunk[: n - sent])
                            sent += len(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                raise ValueError(f)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, path: str, query: dict):
        if path == "/openapi.json":
            return 200, self.document
        if path == "/datasets":
            page = int(query.get("page", 1))
            size = int(query.get("size", self.page_size_default))
            items = self.records[(page - 1) * size: page * size]
            return 200, {"data": {"items": items, "page": page, "total": len(self.records)}}
        if path.startswith("/datasets/") and path.endswith("/rows"):
            ma = path[len("/datasets/"):-len("/rows")]
            rows = self.rows.get(ma)
            if rows is None:
                rows = rows_for(ma)
            offset = int(query.get("offset", 0))
            limit = int(query.get("limit", 100))
            return 200, {"rows": rows[offset: offset + limit]}
        return 404, {"error": "not found"}

    def requests_to(self, path: str) -> list:
        return [entry for entry in self.log if entry[1] == path]


def source_config(with_snapshot=True, **overrides) -> dict:
    """The angiang_openapi configuration matching this API."""
    config = {
        "openapi_url": "openapi.json",
        "defaults": {"no_state_secret": True, "language": ["vi"],
                     "license_id": "vn-nd47-2020-dieu-18"},
        "retry_backoff": 0,
        "datasets": [{
            "operation": "listDatasets",
            "records": "data.items",
            "id": "ma",
            "pagination": {"style": "page", "param": "page", "size_param": "size", "size": 50},
            "fields": {"title": "ten", "notes": "mo_ta", "license_id": "giay_phep",
                       "frequency": "tan_suat", "theme": "linh_vuc", "tags": "tu_khoa",
                       "quality_statement": "chat_luong", "issued": "ngay_ban_hanh",
                       "modified": "ngay_cap_nhat"},
            "value_maps": {"frequency": {"Hàng năm": "ANNUAL", "Hàng tháng": "MONTHLY"}},
        }],
    }
    if with_snapshot:
        config["datasets"][0]["snapshot"] = {
            "operation": "getRows", "params": {"ma": "{ma}"}, "records": "rows",
            "pagination": {"style": "offset", "param": "offset", "size_param": "limit",
                           "size": 100},
        }
    config.update(overrides)
    return config
