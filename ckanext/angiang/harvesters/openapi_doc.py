"""An agency's OpenAPI 3 document: checked, and its operations looked up.

Art. 3.2, 3.5, 8.3 name OpenAPI as the standard of agency APIs the portal
connects to. The check here is structural (what the harvester relies on):
an ``openapi: 3.x`` document with ``info`` and ``paths``, unique
``operationId`` values, and every operation the source configuration names
present and readable with GET.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urljoin

import yaml

from ckanext.angiang.harvesters.problems import HarvestProblem, problem

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclasses.dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    summary: str
    description: str

    def url(self, base_url: str, path_params: dict | None = None) -> str:
        path = self.path
        for name, value in (path_params or {}).items():
            path = path.replace("{" + name + "}", _quote(str(value)))
        return base_url.rstrip("/") + path

    def path_param_names(self) -> list[str]:
        import re

        return re.findall(r"\{([^{}]+)\}", self.path)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@dataclasses.dataclass
class Document:
    url: str
    title: str
    version: str
    operations: dict[str, Operation]


def resolve_url(source_url: str, openapi_url: str) -> str:
    """The OpenAPI document's URL: absolute, or relative to the source URL."""
    base = source_url if source_url.endswith("/") else source_url + "/"
    return urljoin(
        base, openapi_url.lstrip("/") if not openapi_url.startswith("http") else openapi_url
    )


def _invalid(url: str, what_vi: str, what_en: str) -> HarvestProblem:
    return problem(
        "invalid_openapi",
        "Tài liệu OpenAPI tại {url} không hợp lệ: {what_vi}. Hãy sửa tài liệu theo chuẩn "
        "OpenAPI 3.",
        "The OpenAPI document at {url} is invalid: {what_en}. Fix the document to follow "
        "OpenAPI 3.",
        url=url,
        what_vi=what_vi,
        what_en=what_en,
    )


def parse(url: str, body: bytes, content_type: str = "") -> Document:
    """Parse and check an OpenAPI 3 document (JSON or YAML)."""
    text = body.decode("utf-8", "replace")
    doc: Any
    looks_yaml = "yaml" in content_type or url.rsplit("?", 1)[0].endswith((".yaml", ".yml"))
    try:
        doc = yaml.safe_load(text) if looks_yaml else json.loads(text)
    except json.JSONDecodeError as e:
        raise _invalid(
            url,
            f"không phải JSON hợp lệ ({e.msg}, dòng {e.lineno}, cột {e.colno})",
            f"not valid JSON ({e.msg}, line {e.lineno}, column {e.colno})",
        ) from None
    except yaml.YAMLError as e:
        raise _invalid(url, f"không phải YAML hợp lệ ({e})", f"not valid YAML ({e})") from None
    if not isinstance(doc, dict):
        raise _invalid(url, "gốc tài liệu phải là một đối tượng", "the root must be an object")
    problems_vi, problems_en = [], []

    def bad(vi, en):
        problems_vi.append(vi)
        problems_en.append(en)

    version = doc.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        if "swagger" in doc:
            bad(
                "đây là Swagger/OpenAPI 2, cần OpenAPI 3 (trường “openapi”: “3.x”)",
                "this is Swagger/OpenAPI 2; OpenAPI 3 is needed (field “openapi”: “3.x”)",
            )
        else:
            bad(
                "thiếu trường “openapi” với giá trị “3.x”",
                "the “openapi” field with a “3.x” value is missing",
            )
    info = doc.get("info")
    if (
        not isinstance(info, dict)
        or not isinstance(info.get("title"), str)
        or not isinstance(info.get("version"), (str, int, float))
    ):
        bad("thiếu “info” với “title” và “version”", "“info” with “title” and “version” is missing")
        info = info if isinstance(info, dict) else {}
    paths = doc.get("paths")
    operations: dict[str, Operation] = {}
    if not isinstance(paths, dict):
        bad("thiếu đối tượng “paths”", "the “paths” object is missing")
        paths = {}
    for path, item in paths.items():
        if not isinstance(path, str) or not path.startswith("/"):
            bad(f"đường dẫn “{path}” phải bắt đầu bằng “/”", f"path “{path}” must start with “/”")
            continue
        if not isinstance(item, dict):
            bad(f"“paths.{path}” phải là một đối tượng", f"“paths.{path}” must be an object")
            continue
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            if not isinstance(op, dict):
                bad(
                    f"“{method.upper()} {path}” phải là một đối tượng",
                    f"“{method.upper()} {path}” must be an object",
                )
                continue
            op_id = op.get("operationId")
            if op_id is None:
                continue
            if not isinstance(op_id, str):
                bad(
                    f"operationId của “{method.upper()} {path}” phải là chuỗi",
                    f"the operationId of “{method.upper()} {path}” must be a string",
                )
                continue
            if op_id in operations:
                bad(f"operationId “{op_id}” bị trùng", f"operationId “{op_id}” is used twice")
                continue
            summary, description = op.get("summary"), op.get("description")
            operations[op_id] = Operation(
                op_id,
                method,
                path,
                summary if isinstance(summary, str) else "",
                description if isinstance(description, str) else "",
            )
    if problems_vi:
        raise _invalid(url, "; ".join(problems_vi), "; ".join(problems_en))
    return Document(
        url=url,
        title=info.get("title", ""),
        version=str(info.get("version", "")),
        operations=operations,
    )


def operation(doc: Document, operation_id: str, where: str) -> Operation:
    """The GET operation ``operation_id``, or a problem naming ``where`` in
    the source configuration it was asked for."""
    op = doc.operations.get(operation_id)
    if op is None:
        known = ", ".join(sorted(doc.operations)) or "—"
        raise problem(
            "unknown_operation",
            "Thao tác “{op}” ({where}) không có trong tài liệu OpenAPI {url}. Các operationId "
            "có: {known}. Hãy sửa cấu hình nguồn hoặc tài liệu OpenAPI.",
            "Operation “{op}” ({where}) is not in the OpenAPI document {url}. Its "
            "operationIds are: {known}. Fix the source configuration or the OpenAPI document.",
            op=operation_id,
            where=where,
            url=doc.url,
            known=known,
        )
    if op.method != "get":
        raise problem(
            "operation_not_get",
            "Thao tác “{op}” ({where}) là {method}; cổng chỉ đọc dữ liệu bằng GET.",
            "Operation “{op}” ({where}) is {method}; the portal only reads data with GET.",
            op=operation_id,
            where=where,
            method=op.method.upper(),
        )
    return op
