"""The portal's pages (issue #13 item 1): about the portal and its legal
basis, how to use the data, licences, the API guide and the contact of the
portal's operator, each in Vietnamese and English, edited by sysadmins.

ckanext-pages is not on PyPI (the only Python registry the project installs
from) and declares no CKAN 2.12 support, so this is the least that does the
job: five fixed pages, Markdown rendered by CKAN's sanitising
``render_markdown``, stored as one JSON row per page and language in CKAN's
``system_info`` table (no migration; every process reads the row on each
view, so an edit shows everywhere at once). Defaults (``data/pages.yaml``)
are written by ``ckan angiang demo load`` where a page has none yet.

Actions (``check → validate → act``): ``angiang_page_show`` (anyone),
``angiang_page_list`` (anyone), ``angiang_page_update`` (sysadmins only).
"""

from __future__ import annotations

import json
import os

import ckan.model as model
import ckan.plugins.toolkit as tk
import yaml
from ckan.model.system_info import SystemInfo

#: The pages, in the footer's order.
PAGES = ("about", "using-data", "licences", "api-guide", "contact")
LANGUAGES = ("vi", "en")
TITLE_MAX = 200
CONTENT_MAX = 100_000
DEFAULTS_FILE = os.path.join(os.path.dirname(__file__), "data", "pages.yaml")

__all__ = ["angiang_page_show", "angiang_page_list", "angiang_page_update"]


def _key(name: str, lang: str) -> str:
    return f"angiang.page.{name}.{lang}"


def defaults() -> dict[str, dict[str, dict[str, str]]]:
    """``{name: {lang: {title, content}}}`` shipped with the portal."""
    with open(DEFAULTS_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def read(name: str, lang: str) -> dict[str, str] | None:
    # not model.get_system_info, which commits the caller's transaction
    row = model.Session.query(SystemInfo).filter_by(key=_key(name, lang)).first()
    raw = row.value if row is not None else None
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# --- validation ---------------------------------------------------------------


def _one_of(choices):
    def check(value, context):
        if value not in choices:
            raise tk.Invalid(tk._("Must be one of: {choices}").format(choices=", ".join(choices)))
        return value

    return check


def _max_length(n):
    def check(value, context):
        if len(value) > n:
            raise tk.Invalid(tk._("At most {n} characters").format(n=n))
        return value

    return check


def _show_schema():
    not_empty, unicode_safe = tk.get_validator("not_empty"), tk.get_validator("unicode_safe")
    default = tk.get_validator("default")
    return {
        "name": [not_empty, unicode_safe, _one_of(PAGES)],
        "lang": [default("vi"), unicode_safe, _one_of(LANGUAGES)],
    }


def _update_schema():
    not_empty, unicode_safe = tk.get_validator("not_empty"), tk.get_validator("unicode_safe")
    strip = tk.get_validator("strip_value")
    default = tk.get_validator("default")
    return {
        **_show_schema(),
        "title": [not_empty, unicode_safe, strip, _max_length(TITLE_MAX)],
        "content": [default(""), unicode_safe, _max_length(CONTENT_MAX)],
    }


def _validate(data_dict, schema, context):
    data, errors = tk.navl_validate(dict(data_dict), schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


# --- actions ------------------------------------------------------------------


@tk.side_effect_free
def angiang_page_show(context, data_dict):
    """One page in one language: ``{name, lang, title, content, stored}``
    (``stored`` false: nobody wrote it yet; title and content are empty).

    :param name: one of about, using-data, licences, api-guide, contact
    :param lang: vi (default) or en
    """
    tk.check_access("angiang_page_show", context, data_dict)
    data = _validate(data_dict, _show_schema(), context)
    page = read(data["name"], data["lang"])
    return {
        "name": data["name"],
        "lang": data["lang"],
        "title": (page or {}).get("title", ""),
        "content": (page or {}).get("content", ""),
        "stored": page is not None,
    }


@tk.side_effect_free
def angiang_page_list(context, data_dict):
    """Every page in ``lang`` (vi by default), in the footer's order."""
    tk.check_access("angiang_page_list", context, data_dict)
    lang = data_dict.get("lang") or "vi"
    return [angiang_page_show(context, {"name": n, "lang": lang}) for n in PAGES]


def angiang_page_update(context, data_dict):
    """Write one page in one language (sysadmins).

    :param name: the page
    :param lang: vi or en
    :param title: at most 200 characters
    :param content: Markdown, at most 100,000 characters
    """
    tk.check_access("angiang_page_update", context, data_dict)
    data = _validate(data_dict, _update_schema(), context)
    model.set_system_info(
        _key(data["name"], data["lang"]),
        json.dumps({"title": data["title"], "content": data["content"]}, ensure_ascii=False),
    )
    return angiang_page_show(context, {"name": data["name"], "lang": data["lang"]})


def seed(user: str) -> int:
    """Write the shipped defaults of every page and language that has none
    (``ckan angiang demo load``); how many were written."""
    written = 0
    for name, langs in defaults().items():
        for lang, page in langs.items():
            if read(name, lang) is None:
                tk.get_action("angiang_page_update")(
                    {"user": user}, {"name": name, "lang": lang, **page}
                )
                written += 1
    return written
