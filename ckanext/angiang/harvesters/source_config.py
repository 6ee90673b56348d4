"""The configuration of an OpenAPI agency source: its schema and validation.

A harvest source of type ``angiang_openapi`` is an agency API's base URL
(the source URL) plus this JSON configuration::

    {
      "openapi_url": "openapi.json",              # absolute, or relative to the source URL
      "api_key": {"header": "X-API-Key", "value": "${DAT_DAI_API_KEY}"},   # optional;
                                                  # ${NAME}: from the workers' environment
      "private": false,                           # harvested datasets private? (default false)
      "defaults": {"license_id": "cc-by-4.0",     # source-level values for records lacking them
                   "frequency": "MONTHLY", "no_state_secret": true},
      "timeout": 30, "total_timeout": 120, "max_response_mb": 20,   # optional limits
      "max_retries": 2, "max_retry_after": 60, "retry_backoff": 1, "max_pages": 1000,
      "datasets": [                               # which operations list datasets
        {
          "operation": "listDatasets",            # operationId of a GET operation
          "records": "data.items",                # where the records are in a response
          "id": "ma",                             # record key holding the upstream identifier
          "params": {"linh_vuc": "dat-dai"},      # constant query parameters (optional)
          "pagination": {"style": "page", "param": "page", "size_param": "size", "size": 100},
          "fields": {"title": "ten", "notes": "mo_ta", "license_id": "giay_phep", ...},
          "value_maps": {"frequency": {"Hàng tháng": "MONTHLY"}},
          "endpoint": "/datasets/{ma}",           # API-service resource URL (optional)
          "snapshot": {                           # a copy of the data (optional)
            "operation": "getDatasetRows", "params": {"ma": "{ma}"},
            "records": "rows", "pagination": {"style": "offset", "param": "offset",
                                               "size_param": "limit", "size": 500},
            "max_rows": 100000
          }
        }
      ]
    }

Every problem is reported at once, each with its JSON path, in Vietnamese and
English (Art. 8.3: an agency must be able to fix its own source).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.angiang.harvesters import mapping
from ckanext.angiang.harvesters.fetch import Limits

PAGINATION_STYLES = ("none", "page", "offset", "next", "link_header")
_HEADER_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")

# (option, type, minimum, maximum); maxima keep a source from hogging a consumer.
LIMIT_OPTIONS = {
    "timeout": (float, 1, 600),
    "total_timeout": (float, 1, 3600),
    "max_response_mb": (float, 0.001, 1024),
    "max_retries": (int, 0, 10),
    "max_retry_after": (float, 0, 3600),
    "retry_backoff": (float, 0, 60),
    "max_pages": (int, 1, 100000),
}


class ConfigErrors(ValueError):
    """All problems found in a source configuration, each ``(path, vi, en)``."""

    def __init__(self, errors: list[tuple[str, str, str]]):
        self.errors = errors
        super().__init__(self.text())

    def text(self, lang: str | None = None) -> str:
        lines = []
        for path, vi, en in self.errors:
            if lang == "vi":
                lines.append(f"{path}: {vi}")
            elif lang == "en":
                lines.append(f"{path}: {en}")
            else:
                lines.append(f"{path}: {vi} / {en}")
        return "; ".join(lines)


class _Collector:
    def __init__(self):
        self.errors: list[tuple[str, str, str]] = []

    def add(self, path: str, vi_template: str, en_template: str, /, **params):
        self.errors.append((path, vi_template.format(**params), en_template.format(**params)))


_TYPE_NAMES = {
    str: ("chuỗi", "a string"),
    dict: ("đối tượng JSON", "a JSON object"),
    list: ("danh sách", "a list"),
    bool: ("true/false", "true/false"),
    int: ("số nguyên", "an integer"),
    float: ("số", "a number"),
}


def _json_type(value: Any) -> str:
    return mapping.json_type_name(value)


def _expect(c: _Collector, path: str, value: Any, kind: type) -> bool:
    ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        vi, en = _TYPE_NAMES[kind]
        c.add(
            path,
            "phải là {vi}, nhận được {got}",
            "must be {en}, got {got}",
            vi=vi,
            en=en,
            got=_json_type(value),
        )
    return ok


def _nonempty_str(c: _Collector, path: str, value: Any) -> bool:
    if not _expect(c, path, value, str):
        return False
    if not value.strip():
        c.add(path, "không được để trống", "must not be empty")
        return False
    return True


def _unknown_keys(c: _Collector, path: str, obj: dict, allowed: set):
    for key in obj:
        if key not in allowed:
            c.add(
                f"{path}.{key}" if path else key,
                "khóa không được hỗ trợ (các khóa hợp lệ: {keys})",
                "unsupported key (valid keys: {keys})",
                keys=", ".join(sorted(allowed)),
            )


def _not_a_field(c: _Collector, path: str):
    c.add(
        path,
        "không phải trường có thể ánh xạ (các trường: {fields})",
        "is not a field that can be mapped (fields: {fields})",
        fields=", ".join(sorted(mapping.FIELDS)),
    )


def _check_pagination(c: _Collector, path: str, value: Any):
    if not _expect(c, path, value, dict):
        return
    style = value.get("style", "none")
    if style not in PAGINATION_STYLES:
        c.add(
            f"{path}.style",
            "phải là một trong: {styles}",
            "must be one of: {styles}",
            styles=", ".join(PAGINATION_STYLES),
        )
        return
    allowed = {"style"}
    if style in ("page", "offset"):
        allowed |= {"param", "size_param", "size", "start"}
        if not _nonempty_str(c, f"{path}.param", value.get("param")):
            pass
        if "size_param" in value:
            _nonempty_str(c, f"{path}.size_param", value["size_param"])
        if "size" in value and _expect(c, f"{path}.size", value["size"], int) and value["size"] < 1:
            c.add(f"{path}.size", "phải ≥ 1", "must be ≥ 1")
        if "start" in value:
            _expect(c, f"{path}.start", value["start"], int)
    elif style == "next":
        allowed |= {"path"}
        _nonempty_str(c, f"{path}.path", value.get("path"))
    _unknown_keys(c, path, value, allowed)


def _check_params(c: _Collector, path: str, value: Any, templates: bool):
    if not _expect(c, path, value, dict):
        return
    for key, v in value.items():
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            c.add(
                f"{path}.{key}",
                "phải là chuỗi hoặc số, nhận được {got}",
                "must be a string or a number, got {got}",
                got=_json_type(v),
            )
        elif not templates and isinstance(v, str) and _TEMPLATE.search(v):
            c.add(
                f"{path}.{key}",
                "không dùng được {{...}} ở đây",
                "{{...}} templates cannot be used here",
            )


def _check_dataset(c: _Collector, path: str, entry: Any):
    if not _expect(c, path, entry, dict):
        return
    _unknown_keys(
        c,
        path,
        entry,
        {
            "operation",
            "records",
            "id",
            "params",
            "pagination",
            "fields",
            "value_maps",
            "endpoint",
            "snapshot",
        },
    )
    _nonempty_str(c, f"{path}.operation", entry.get("operation"))
    if "records" in entry:
        _expect(c, f"{path}.records", entry["records"], str)
    _nonempty_str(c, f"{path}.id", entry.get("id"))
    if "params" in entry:
        _check_params(c, f"{path}.params", entry["params"], templates=False)
    if "pagination" in entry:
        _check_pagination(c, f"{path}.pagination", entry["pagination"])
    fields = entry.get("fields")
    if _expect(c, f"{path}.fields", fields, dict):
        for target, source in fields.items():
            if target not in mapping.FIELDS:
                _not_a_field(c, f"{path}.fields.{target}")
            else:
                _nonempty_str(c, f"{path}.fields.{target}", source)
        if "title" not in fields:
            c.add(
                f"{path}.fields.title",
                "bắt buộc: tiêu đề tập dữ liệu lấy từ khóa nào",
                "required: which record key holds the dataset title",
            )
    if "value_maps" in entry and _expect(c, f"{path}.value_maps", entry["value_maps"], dict):
        for target, table in entry["value_maps"].items():
            p = f"{path}.value_maps.{target}"
            if target not in mapping.FIELDS:
                c.add(p, "không phải trường có thể ánh xạ", "is not a field that can be mapped")
            elif _expect(c, p, table, dict):
                for k, v in table.items():
                    if not isinstance(v, (str, bool)):
                        c.add(f"{p}.{k}", "phải là chuỗi", "must be a string")
    if "endpoint" in entry:
        _nonempty_str(c, f"{path}.endpoint", entry["endpoint"])
    snapshot = entry.get("snapshot")
    if snapshot is not None and _expect(c, f"{path}.snapshot", snapshot, dict):
        sp = f"{path}.snapshot"
        _unknown_keys(c, sp, snapshot, {"operation", "params", "records", "pagination", "max_rows"})
        _nonempty_str(c, f"{sp}.operation", snapshot.get("operation"))
        if "params" in snapshot:
            _check_params(c, f"{sp}.params", snapshot["params"], templates=True)
        if "records" in snapshot:
            _expect(c, f"{sp}.records", snapshot["records"], str)
        if "pagination" in snapshot:
            _check_pagination(c, f"{sp}.pagination", snapshot["pagination"])
        if (
            "max_rows" in snapshot
            and _expect(c, f"{sp}.max_rows", snapshot["max_rows"], int)
            and snapshot["max_rows"] < 1
        ):
            c.add(f"{sp}.max_rows", "phải ≥ 1", "must be ≥ 1")


def _check_common(c: _Collector, config: dict, check_licenses: bool):
    """The keys every portal harvester's configuration shares: ``private``,
    ``defaults`` (fields the records lack, coerced like mapped values) and
    the limits."""
    if "private" in config:
        _expect(c, "private", config["private"], bool)
    defaults = config.get("defaults", {})
    if _expect(c, "defaults", defaults, dict):
        for target, value in defaults.items():
            if target not in mapping.FIELDS:
                _not_a_field(c, f"defaults.{target}")
                continue
            _, problem = mapping.coerce(target, value)
            if problem:
                c.add(f"defaults.{target}", *problem)
        if check_licenses and isinstance(defaults.get("license_id"), str):
            known = license_ids()
            if known and defaults["license_id"] not in known:
                c.add(
                    "defaults.license_id",
                    "giấy phép “{lic}” không có trong danh sách giấy phép của cổng",
                    "licence “{lic}” is not in the portal's licence list",
                    lic=defaults["license_id"],
                )
    for option, (kind, low, high) in LIMIT_OPTIONS.items():
        if option in config and _expect(c, option, config[option], kind):
            if not (low <= config[option] <= high):
                c.add(
                    option,
                    "phải trong khoảng {low}–{high}",
                    "must be within {low}–{high}",
                    low=low,
                    high=high,
                )


def parse(config_str: str | None, check_licenses: bool = True) -> dict:
    """Parse and check a source configuration; raise :class:`ConfigErrors`
    listing every problem, or return the configuration as a dict."""
    c = _Collector()
    if not config_str or not config_str.strip():
        c.add(
            "config",
            "cần cấu hình JSON: openapi_url và datasets",
            "a JSON configuration is needed: openapi_url and datasets",
        )
        raise ConfigErrors(c.errors)
    try:
        config = json.loads(config_str)
    except json.JSONDecodeError as e:
        c.add(
            "config",
            "không phải JSON hợp lệ: {msg} (dòng {line}, cột {col})",
            "is not valid JSON: {msg} (line {line}, column {col})",
            msg=e.msg,
            line=e.lineno,
            col=e.colno,
        )
        raise ConfigErrors(c.errors) from None
    if not isinstance(config, dict):
        c.add("config", "phải là một đối tượng JSON {{...}}", "must be a JSON object {{...}}")
        raise ConfigErrors(c.errors)

    _unknown_keys(
        c, "", config, {"openapi_url", "api_key", "private", "defaults", "datasets", *LIMIT_OPTIONS}
    )
    _nonempty_str(c, "openapi_url", config.get("openapi_url"))
    api_key = config.get("api_key")
    if api_key is not None and _expect(c, "api_key", api_key, dict):
        _unknown_keys(c, "api_key", api_key, {"header", "value"})
        if _nonempty_str(c, "api_key.header", api_key.get("header")) and not _HEADER_TOKEN.match(
            api_key["header"]
        ):
            c.add(
                "api_key.header",
                "không phải tên tiêu đề HTTP hợp lệ",
                "is not a valid HTTP header name",
            )
        _nonempty_str(c, "api_key.value", api_key.get("value"))
    _check_common(c, config, check_licenses)
    datasets = config.get("datasets")
    if _expect(c, "datasets", datasets, list):
        if not datasets:
            c.add(
                "datasets",
                "cần ít nhất một thao tác (operation) liệt kê tập dữ liệu",
                "at least one operation listing datasets is needed",
            )
        seen = set()
        for i, entry in enumerate(datasets or []):
            _check_dataset(c, f"datasets[{i}]", entry)
            if isinstance(entry, dict) and isinstance(entry.get("operation"), str):
                if entry["operation"] in seen:
                    c.add(
                        f"datasets[{i}].operation",
                        "thao tác “{op}” đã khai báo ở trên",
                        "operation “{op}” is already listed above",
                        op=entry["operation"],
                    )
                seen.add(entry["operation"])
    if c.errors:
        raise ConfigErrors(c.errors)
    return config


def license_ids() -> set:
    """Ids of the licences the portal knows (its licence register)."""
    import ckan.model as model

    try:
        return {lic.id for lic in model.Package.get_license_register().values()}
    except Exception:  # the register needs a configured app; validation then skips it
        return set()


def _option(key: str, default):
    """A ``ckanext.angiang.harvest.*`` option; its declared default when the
    declaring plugin (angiang_openapi_harvester) is not enabled."""
    value = tk.config.get(key)
    return default if value in (None, "") else value


def limits(config: dict) -> Limits:
    """The source's limits: its own settings within the portal's defaults."""
    d = Limits()
    prefix = "ckanext.angiang.harvest."
    return Limits(
        connect_timeout=float(_option(prefix + "connect_timeout", d.connect_timeout)),
        read_timeout=float(config.get("timeout", _option(prefix + "timeout", d.read_timeout))),
        total_timeout=float(
            config.get("total_timeout", _option(prefix + "total_timeout", d.total_timeout))
        ),
        max_bytes=int(
            float(
                config.get(
                    "max_response_mb",
                    _option(prefix + "max_response_mb", d.max_bytes / (1024 * 1024)),
                )
            )
            * 1024
            * 1024
        ),
        max_retries=int(config.get("max_retries", _option(prefix + "max_retries", d.max_retries))),
        max_retry_after=float(
            config.get("max_retry_after", _option(prefix + "max_retry_after", d.max_retry_after))
        ),
        retry_backoff=float(
            config.get("retry_backoff", _option(prefix + "retry_backoff", d.retry_backoff))
        ),
    )


def max_pages(config: dict) -> int:
    return int(config.get("max_pages", _option("ckanext.angiang.harvest.max_pages", 1000)))


_ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


def api_key_headers(config: dict) -> dict:
    """The API key header of a source. ``"value": "${NAME}"`` reads the key
    from the workers' environment at harvest time, so that it is not stored
    in the source configuration (which anyone who can see the source can
    read); raises KeyError(NAME) when that variable is not set."""
    api_key = config.get("api_key")
    if not api_key:
        return {}
    value = api_key["value"]
    m = _ENV_REF.match(value)
    if m:
        value = os.environ[m.group(1)]
    return {api_key["header"]: value}


def template_keys(template: str) -> list[str]:
    return _TEMPLATE.findall(template)


def fill_template(template: str, record: dict) -> tuple[str | None, str | None]:
    """Fill ``{path}`` placeholders from ``record``; (value, missing path)."""
    missing = []

    def sub(m):
        value = mapping.get_path(record, m.group(1))
        if value is None or isinstance(value, (dict, list)):
            missing.append(m.group(1))
            return ""
        return str(value)

    result = _TEMPLATE.sub(sub, template)
    return (None, missing[0]) if missing else (result, None)


REMOTE_KEYS = {"defaults", "license_map", "private", *LIMIT_OPTIONS}


def parse_remote(config_obj: dict) -> dict:
    """Check the keys the portal adds to the CKAN and DCAT harvesters'
    configurations (``defaults``, ``license_map``, ``private`` and the
    limits); their own keys are checked by their own validate_config."""
    c = _Collector()
    _check_common(c, config_obj, check_licenses=False)
    license_map = config_obj.get("license_map", {})
    if _expect(c, "license_map", license_map, dict):
        for k, v in license_map.items():
            _expect(c, f"license_map.{k}", v, str)
    if c.errors:
        raise ConfigErrors(c.errors)
    return config_obj
