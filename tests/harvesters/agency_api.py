"""A real agency API on 127.0.0.1 for tests and benchmarks.

A threaded ``http.server`` serving an OpenAPI 3 document, a paginated list
of dataset records and each record's data rows, with faults that a test can
switch on for any path: a status (500, 429 with Retry-After), a body that
is not JSON, a slow drip, a silent stall, an oversized body. Every request
is logged (path, query, time) so tests can check what the harvester did.
"""

from __future__ import annotations

import json
import time

from .local_http import LocalServer, send


def openapi_document(title="API dữ liệu đất đai") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0"},
        "paths": {
            "/datasets": {
                "get": {
                    "operationId": "listDatasets",
                    "summary": "Danh sách tập dữ liệu",
                    "parameters": [
                        {"name": "page", "in": "query", "schema": {"type": "integer"}},
                        {"name": "size", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "responses": {"200": {"description": "OK"}},
                }
            },
            "/datasets/{ma}/rows": {
                "get": {
                    "operationId": "getRows",
                    "summary": "Dữ liệu",
                    "parameters": [
                        {"name": "ma", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "OK"}},
                }
            },
            "/datasets/{ma}": {
                "post": {
                    "operationId": "updateDataset",
                    "responses": {"200": {"description": "OK"}},
                }
            },
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
    return [
        {
            "stt": k + 1,
            "ma": ma,
            "thua": f"{ma}-{k}",
            "gia": 1000 * (k + 1),
            "vi_tri": {"xa": "Long Xuyên", "to": k},
        }
        for k in range(n)
    ]


class AgencyAPI(LocalServer):
    """``with AgencyAPI(records) as api: api.url ...``; mutate ``records``,
    ``rows`` and ``faults`` between harvests."""

    def __init__(self, records=None, page_size_default=50, rows=None):
        self.records = list(records or [])
        self.rows = rows if rows is not None else {}
        self.page_size_default = page_size_default
        self.document = openapi_document()
        self.faults: dict[str, list] = {}  # path -> list of fault dicts (consumed in order)
        self.sticky: dict[str, dict] = {}  # path -> fault dict applied to every request
        self.log: list[tuple[float, str, dict]] = []
        self.required_header = None

    # -- faults ---------------------------------------------------------------
    def fail(self, path: str, times: int = 1, **fault):
        self.faults.setdefault(path, []).extend([fault] * times)

    def always(self, path: str, **fault):
        self.sticky[path] = fault

    def clear(self):
        self.faults.clear()
        self.sticky.clear()

    # -- server ---------------------------------------------------------------
    def respond(self, handler, path: str, query: dict):
        self.log.append((time.monotonic(), path, query))
        fault = None
        if self.faults.get(path):
            fault = self.faults[path].pop(0)
        elif path in self.sticky:
            fault = self.sticky[path]
        if self.required_header:
            name, value = self.required_header
            if handler.headers.get(name) != value:
                return send(handler, 401, b'{"error": "unauthorized"}')
        if fault:
            return _fault(handler, fault)
        status, body = self.route(path, query)
        send(handler, status, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def route(self, path: str, query: dict):
        if path == "/openapi.json":
            return 200, self.document
        if path == "/datasets":
            page = int(query.get("page", 1))
            size = int(query.get("size", self.page_size_default))
            items = self.records[(page - 1) * size : page * size]
            return 200, {"data": {"items": items, "page": page, "total": len(self.records)}}
        if path.startswith("/datasets/") and path.endswith("/rows"):
            ma = path[len("/datasets/") : -len("/rows")]
            rows = self.rows.get(ma)
            if rows is None:
                rows = rows_for(ma)
            offset = int(query.get("offset", 0))
            limit = int(query.get("limit", 100))
            return 200, {"rows": rows[offset : offset + limit]}
        return 404, {"error": "not found"}

    def requests_to(self, path: str) -> list:
        return [entry for entry in self.log if entry[1] == path]


def _head(handler, headers: dict):
    """A 200 JSON status line and headers, the body left to the caller."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.end_headers()


def _fault(handler, f):
    """Misbehave as the fault ``f`` says (see :meth:`AgencyAPI.fail`)."""
    if "status" in f:
        headers = {}
        if "retry_after" in f:
            headers["Retry-After"] = str(f["retry_after"])
        return send(handler, f["status"], f.get("body", b'{"error": "fault"}'), headers=headers)
    if "body" in f:
        return send(handler, 200, f["body"])
    if "stall" in f:
        _head(handler, {"Content-Length": "100"})
        handler.wfile.write(b"[")
        handler.wfile.flush()
        time.sleep(f["stall"])
        return
    if "drip" in f:  # (bytes, interval): one byte every interval seconds
        total, interval = f["drip"]
        _head(handler, {"Content-Length": str(total)})
        try:
            for _ in range(total):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(interval)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return
    if "huge" in f:  # n bytes, optionally without Content-Length
        n = f["huge"]
        _head(
            handler,
            {"Content-Length": str(n)} if f.get("declare", True) else {"Connection": "close"},
        )
        try:
            chunk = b" " * 65536
            sent = 0
            while sent < n:
                handler.wfile.write(chunk[: n - sent])
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True
        return
    raise ValueError(f)


def source_config(with_snapshot=True, **overrides) -> dict:
    """The angiang_openapi configuration matching this API."""
    config = {
        "openapi_url": "openapi.json",
        "defaults": {
            "no_state_secret": True,
            "language": ["vi"],
            "license_id": "vn-nd47-2020-dieu-18",
        },
        "retry_backoff": 0,
        "datasets": [
            {
                "operation": "listDatasets",
                "records": "data.items",
                "id": "ma",
                "pagination": {"style": "page", "param": "page", "size_param": "size", "size": 50},
                "fields": {
                    "title": "ten",
                    "notes": "mo_ta",
                    "license_id": "giay_phep",
                    "frequency": "tan_suat",
                    "theme": "linh_vuc",
                    "tags": "tu_khoa",
                    "quality_statement": "chat_luong",
                    "issued": "ngay_ban_hanh",
                    "modified": "ngay_cap_nhat",
                },
                "value_maps": {"frequency": {"Hàng năm": "ANNUAL", "Hàng tháng": "MONTHLY"}},
            }
        ],
    }
    if with_snapshot:
        config["datasets"][0]["snapshot"] = {
            "operation": "getRows",
            "params": {"ma": "{ma}"},
            "records": "rows",
            "pagination": {
                "style": "offset",
                "param": "offset",
                "size_param": "limit",
                "size": 100,
            },
        }
    config.update(overrides)
    return config
