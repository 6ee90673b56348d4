"""Following an agency API's pagination to the last page.

Styles (``pagination.style`` in the source configuration):

- ``none``: one request;
- ``page``: ``?page=1,2,3...`` (``param``, ``start``, optional ``size_param``/``size``);
- ``offset``: ``?offset=0,100,200...`` (``param``, ``size_param``, ``size``);
- ``next``: a next-page URL read from the response at ``path`` (e.g. ``links.next``);
- ``link_header``: the ``Link: <...>; rel="next"`` header (RFC 8288).

Paging stops at an empty page, a page shorter than ``size``, or no next
link. A page identical to the previous one (pagination ignored by the API)
or more than ``max_pages`` pages is a problem, never an endless loop.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from urllib.parse import urljoin

from ckanext.angiang.harvesters import mapping
from ckanext.angiang.harvesters.fetch import Client
from ckanext.angiang.harvesters.problems import problem

_LINK_NEXT = re.compile(r'<([^>]*)>\s*;[^,]*rel="?next"?', re.IGNORECASE)


def records_at(body, path: str, url: str) -> list:
    """The list of records at ``path`` in a response body."""
    found = mapping.get_path(body, path) if path else body
    if not isinstance(found, list):
        raise problem(
            "unexpected_shape",
            "Phản hồi của {url} không có danh sách bản ghi tại “{path}” (nhận được {got}). "
            "Hãy sửa khóa “records” trong cấu hình nguồn cho đúng cấu trúc phản hồi.",
            "The response of {url} has no list of records at “{path}” (got {got}). Fix "
            "“records” in the source configuration to match the response.",
            url=url,
            path=path or "(root)",
            got=mapping.json_type_name(found),
        )
    return found


def pages(
    client: Client,
    url: str,
    params: dict | None,
    pagination: dict | None,
    records_path: str,
    max_pages: int,
) -> Iterator[tuple[int, str, list]]:
    """Yield ``(page number, page URL, records)`` for every page."""
    pagination = pagination or {}
    style = pagination.get("style", "none")
    params = dict(params or {})
    size = pagination.get("size")
    if style in ("page", "offset") and size and pagination.get("size_param"):
        params[pagination["size_param"]] = size
    position = pagination.get("start", 1 if style == "page" else 0)
    next_url: str | None = url
    previous_digest = None
    number = 0
    while next_url:
        number += 1
        if number > max_pages:
            raise problem(
                "too_many_pages",
                "API tại {url} có hơn {n} trang; cổng dừng lại để không chạy mãi. Hãy kiểm "
                "tra phân trang của API hoặc tăng max_pages của nguồn.",
                "The API at {url} has more than {n} pages; the portal stopped rather than "
                "run forever. Check the API's pagination or raise the source's max_pages.",
                url=url,
                n=max_pages,
            )
        page_params = dict(params) if next_url == url or style in ("page", "offset") else None
        if page_params is not None and style in ("page", "offset"):
            page_params[pagination["param"]] = position
        body, response = client.get_json(next_url, params=page_params)
        digest = hashlib.sha256(response.body).digest()
        if previous_digest == digest:
            raise problem(
                "paging_ignored",
                "Trang {n} của {url} giống hệt trang trước: API bỏ qua tham số phân trang. "
                "Hãy sửa “pagination” trong cấu hình nguồn.",
                "Page {n} of {url} is identical to the previous page: the API ignores the "
                "pagination parameter. Fix “pagination” in the source configuration.",
                n=number,
                url=url,
            )
        previous_digest = digest
        records = records_at(body, records_path, response.url)
        yield number, response.url, records
        if style in ("page", "offset"):
            if not records or (size and len(records) < size):
                break
            position += 1 if style == "page" else len(records)
        elif style == "next":
            link = mapping.get_path(body, pagination["path"])
            next_url = urljoin(response.url, link) if isinstance(link, str) and link else None
        elif style == "link_header":
            m = _LINK_NEXT.search(response.headers.get("Link", ""))
            next_url = urljoin(response.url, m.group(1)) if m else None
        else:
            break
