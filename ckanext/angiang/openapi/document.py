"""The portal's OpenAPI 3.1 document (Art. 3.5, 8.3 name OpenAPI as the
standard for connecting systems).

Data-driven, from two sources:

- the hand-written specs in ``spec/``: each action's parameters, request body
  and result schema (``actions.yaml``), the DCAT endpoints
  (``endpoints.yaml``) and the shared schemas and responses
  (``components.yaml``), with every text in Vietnamese and English;
- the running portal: an action is documented only when it is registered
  (its plugin is enabled), its HTTP method follows the registered function
  (GET for side-effect-free actions, POST with a JSON body and an API token
  otherwise), and the DCAT paths appear when the ``dcat`` plugin serves them.

So the document never lists an operation the portal does not answer, and
parameters and schemas stay reviewable as data. :func:`build` is pure: the
view passes what it reads from CKAN.
"""

from __future__ import annotations

import copy
import functools
import pathlib
from collections.abc import Callable, Iterable
from typing import Any

import yaml

SPEC_DIR = pathlib.Path(__file__).parent / "spec"
OPENAPI_VERSION = "3.1.0"
ACTION_PATH = "/api/3/action/{name}"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
ERROR_RESPONSES = {"400": "BadRequest", "403": "Forbidden", "404": "NotFound", "409": "Conflict"}
CKAN_ACTION_DOCS = "https://docs.ckan.org/en/2.11/api/index.html#{module}.{name}"


class Text(dict):
    """A text in several languages (``!t {vi: ..., en: ...}`` in the specs)."""


class _SpecLoader(yaml.SafeLoader):
    pass


def _text(loader: yaml.SafeLoader, node: yaml.Node) -> Text:
    return Text(loader.construct_mapping(node, deep=True))


_SpecLoader.add_constructor("!t", _text)


@functools.cache
def _read(name: str) -> dict:
    with (SPEC_DIR / name).open(encoding="utf-8") as f:
        return yaml.load(f, Loader=_SpecLoader)  # noqa: S506 (a SafeLoader subclass)


def specs() -> dict[str, dict]:
    """The three spec files, parsed (a fresh copy: callers may change it)."""
    return copy.deepcopy(
        {name: _read(f"{name}.yaml") for name in ("components", "actions", "endpoints")}
    )


def specs_action_names() -> tuple[str, ...]:
    """The actions the spec documents (read once, not copied)."""
    return tuple(_read("actions.yaml")["actions"])


def dcat_plugin() -> str:
    return _read("endpoints.yaml")["dcat"]["plugin"]


def localize(node: Any, lang: str) -> Any:
    """``node`` with every :class:`Text` replaced by its ``lang`` text
    (Vietnamese when it has none)."""
    if isinstance(node, Text):
        return node.get(lang) or node[DEFAULT_LANGUAGE]
    if isinstance(node, dict):
        return {key: localize(value, lang) for key, value in node.items()}
    if isinstance(node, list):
        return [localize(value, lang) for value in node]
    return node


def texts(node: Any) -> Iterable[Text]:
    """Every :class:`Text` in ``node`` (for the completeness test)."""
    if isinstance(node, Text):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from texts(value)


def _envelope(result: dict) -> dict:
    return {
        "type": "object",
        "required": ["help", "success", "result"],
        "properties": {"help": {"type": "string"}, "success": {"const": True}, "result": result},
    }


def _errors(codes: Iterable[str]) -> dict:
    return {code: {"$ref": f"#/components/responses/{ERROR_RESPONSES[code]}"} for code in codes}


def _parameters(entry: dict, shared: dict) -> list[dict]:
    """The action's parameters; a shared one (``$ref``) the action gives an
    example for (``examples: {name: value}``) is copied with it."""
    examples = entry.get("examples") or {}
    result = []
    for param in entry.get("parameters") or []:
        ref = param.get("$ref", "")
        key = ref.rsplit("/", 1)[-1]
        if ref and shared.get(key, {}).get("name") in examples:
            param = dict(shared[key], example=examples[shared[key]["name"]])
        result.append(param)
    return result


def action_operation(
    name: str,
    entry: dict,
    side_effect_free: bool,
    module: str | None = None,
    shared: dict | None = None,
) -> tuple[str, dict]:
    """(HTTP method, OpenAPI operation) of one documented action; ``shared``:
    the shared parameters (components/parameters)."""
    op: dict[str, Any] = {
        "operationId": name,
        "tags": [entry["tag"]],
        "summary": entry["summary"],
    }
    description = entry.get("description")
    if module and module.startswith("ckan."):
        link = CKAN_ACTION_DOCS.format(module=module, name=name)
        description = f"{description}\n\n{link}" if description else link
    if description:
        op["description"] = description
    ok = {
        "description": "OK",
        "content": {"application/json": {"schema": _envelope(entry.get("result", {}))}},
    }
    op["responses"] = {"200": ok, **_errors(ERROR_RESPONSES)}
    if side_effect_free:
        parameters = _parameters(entry, shared or {})
        if parameters:
            op["parameters"] = parameters
        # anonymous, or with a token to see what the account may see
        op["security"] = [{}, {"apiToken": []}]
        return "get", op
    op["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": entry.get("body", {"type": "object"})}},
    }
    op["security"] = [{"apiToken": []}]
    return "post", op


def _rdf_schema(media_type: str) -> dict:
    # JSON-LD is JSON (an object, or a list of nodes); the other formats text
    if media_type.endswith("json"):
        return {"type": ["object", "array"]}
    return {"type": "string"}


def dcat_paths(spec: dict) -> dict:
    """One path per format for the catalogue and for one dataset."""
    paths: dict[str, dict] = {}
    for kind, template in (("catalog", "/catalog.{fmt}"), ("dataset", "/dataset/{{id}}.{fmt}")):
        part = spec[kind]
        for fmt, media_type in spec["formats"].items():
            op = {
                "operationId": f"dcat_{kind}_{fmt}",
                "tags": ["dcat"],
                "summary": Text(
                    {lang: text.replace("{format}", fmt) for lang, text in part["summary"].items()}
                ),
                "description": part["description"],
                "parameters": part["parameters"],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {media_type: {"schema": _rdf_schema(media_type)}},
                    },
                    **{
                        str(code): {"$ref": "#/components/responses/HtmlError"}
                        for code in part.get("errors", [])
                    },
                },
            }
            paths[template.format(fmt=fmt)] = {"get": op}
    return paths


def build(
    lang: str,
    server_url: str,
    version: str,
    action_info: Callable[[str], tuple[bool, str] | None],
    plugin_loaded: Callable[[str], bool],
) -> dict:
    """The document in ``lang``.

    ``action_info(name)``: None when no such action is registered, else
    (side-effect-free, module of the function). ``plugin_loaded(name)``:
    whether a CKAN plugin is enabled.
    """
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    spec = specs()
    actions = spec["actions"]
    paths: dict[str, dict] = {}
    for name, entry in actions["actions"].items():
        info = action_info(name)
        if info is None:
            continue
        method, op = action_operation(name, entry, *info, shared=actions["parameters"])
        paths[ACTION_PATH.format(name=name)] = {method: op}
    dcat = spec["endpoints"]["dcat"]
    if plugin_loaded(dcat["plugin"]):
        paths.update(dcat_paths(dcat))
    used_tags = {tag for item in paths.values() for op in item.values() for tag in op["tags"]}
    components = dict(spec["components"])
    components["parameters"] = actions["parameters"]
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": Text(
                vi="API của Cổng dữ liệu mở tỉnh An Giang",
                en="An Giang province open data portal API",
            ),
            "version": version,
            "description": Text(
                vi="Action API của CKAN 2.12 và danh mục DCAT-AP 3 của cổng. Đọc dữ liệu "
                "công khai không cần mã API; thao tác ghi cần mã API trong tiêu đề "
                "`Authorization` và quyền của cơ quan (Điều 8.2). Mọi phản hồi của "
                "Action API có dạng `{help, success, result}`; lỗi có dạng "
                "`{success: false, error: {__type, message}}`.",
                en="CKAN 2.12's Action API and the portal's DCAT-AP 3 catalogue. Reading "
                "public data needs no token; writing needs an API token in the "
                "`Authorization` header and the agency's rights (Art. 8.2). Every "
                "Action API response is `{help, success, result}`; errors are "
                "`{success: false, error: {__type, message}}`.",
            ),
        },
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "tags": [tag for tag in actions["tags"] if tag["name"] in used_tags],
        "paths": dict(sorted(paths.items())),
        "components": components,
    }
    return localize(document, lang)
