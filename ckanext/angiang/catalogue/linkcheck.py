"""The link checker (Art. 11.1a: the DIC checks each agency's sharing; Art.
12.2: data must be live): every linked (not uploaded) resource of an active
dataset is requested and its status kept in ``angiang_link_status``.

How one link is checked (:func:`check`):

- HEAD, then a GET of the first byte (``Range: bytes=0-0``, body never read)
  when HEAD is refused with an error status: many servers answer HEAD badly.
- Redirects are followed by hand, at most ``max_redirects``, and only to
  ``http``/``https`` addresses: a redirect to ``file://``, ``ftp://`` or any
  other scheme is refused, never followed.
- An SSRF guard: a host that resolves to a private, loopback, link-local,
  reserved or multicast address is refused (the portal's own host, from
  ``ckan.site_url``, excepted) unless ``ckanext.angiang.linkcheck.allow_private``
  is on (tests serve their links from 127.0.0.1).
- Connect and read timeouts, and a time budget for the whole link
  (redirects included): a slow host never blocks the run. Links are checked
  by ``workers`` daemon threads; a link still running when its budget is
  spent is recorded as unreachable and the run goes on without waiting.

The metadata quality scores (:mod:`ckanext.angiang.catalogue.quality`)
read these results instead of requesting the links again.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import logging
import queue
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import requests
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ckanext.angiang.catalogue import model as cm

log = logging.getLogger(__name__)
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "ckanext-angiang link checker (opendata.angiang.gov.vn)"


@dataclasses.dataclass
class Result:
    status: str
    http_status: int | None = None
    detail: str = ""
    elapsed_ms: int = 0


@dataclasses.dataclass(frozen=True)
class Limits:
    connect_timeout: float
    read_timeout: float
    budget: float
    max_redirects: int
    allow_private: bool

    @classmethod
    def from_config(cls) -> Limits:
        c = tk.config.get
        return cls(
            connect_timeout=float(c("ckanext.angiang.linkcheck.connect_timeout")),
            read_timeout=float(c("ckanext.angiang.linkcheck.read_timeout")),
            budget=float(c("ckanext.angiang.linkcheck.budget")),
            max_redirects=int(c("ckanext.angiang.linkcheck.max_redirects")),
            allow_private=tk.asbool(c("ckanext.angiang.linkcheck.allow_private")),
        )


class Refused(Exception):
    """A link the checker will not request (scheme, address)."""


def _own_host() -> tuple[str, int | None]:
    site = urllib.parse.urlsplit(tk.config.get("ckan.site_url") or "")
    return (site.hostname or "", site.port)


def guard(url: str, limits: Limits) -> None:
    """Refuse what the checker must not request: other schemes than HTTP(S),
    and hosts resolving to internal addresses (SSRF)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"not an HTTP address ({parts.scheme or 'no scheme'})")
    if not parts.hostname:
        raise Refused("no host")
    if limits.allow_private or (parts.hostname, parts.port) == _own_host():
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise requests.ConnectionError(f"name not resolved: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise Refused(f"internal address {address}")


def check(url: str, limits: Limits) -> Result:
    """Check one link within ``limits.budget`` seconds (as far as the
    sockets' timeouts allow: :func:`run` does not wait longer)."""
    start = time.monotonic()
    deadline = start + limits.budget

    def done(status: str, http_status: int | None = None, detail: str = "") -> Result:
        return Result(status, http_status, detail, int((time.monotonic() - start) * 1000))

    def timeout():
        left = deadline - time.monotonic()
        if left <= 0:
            raise requests.Timeout("time budget spent")
        return (min(limits.connect_timeout, left), min(limits.read_timeout, left))

    try:
        with requests.Session() as session:
            session.headers["User-Agent"] = USER_AGENT
            session.trust_env = False  # no proxy from the environment
            current = url
            for _hop in range(limits.max_redirects + 1):
                guard(current, limits)
                response = session.head(current, allow_redirects=False, timeout=timeout())
                response.close()
                if response.status_code >= 400 and response.status_code not in REDIRECTS:
                    response = session.get(
                        current,
                        allow_redirects=False,
                        stream=True,
                        headers={"Range": "bytes=0-0"},
                        timeout=timeout(),
                    )
                    response.close()
                code = response.status_code
                if code in REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        return done(cm.LINK_BROKEN, code, "redirect without a Location")
                    current = urllib.parse.urljoin(current, location)
                    continue
                if 200 <= code < 300:
                    return done(cm.LINK_OK, code, "" if current == url else f"→ {current}")
                return done(cm.LINK_BROKEN, code, f"HTTP {code}")
            return done(cm.LINK_BROKEN, None, "too many redirects")
    except Refused as refused:
        return done(cm.LINK_REFUSED, None, str(refused))
    except requests.Timeout as error:
        return done(cm.LINK_UNREACHABLE, None, f"timeout: {_short(error)}")
    except (requests.RequestException, OSError, ValueError) as error:
        return done(cm.LINK_UNREACHABLE, None, f"{type(error).__name__}: {_short(error)}")


def _short(error: Exception) -> str:
    return str(error)[:300]


def check_many(urls: Iterable[str], limits: Limits, workers: int) -> dict[str, Result]:
    """``{url: Result}``; never waits for a link longer than its budget
    (plus a second): a stuck check is left to its daemon thread."""
    todo = list(dict.fromkeys(urls))
    results: dict[str, Result] = {}
    done_q: queue.Queue[tuple[str, Result]] = queue.Queue()
    running: dict[str, float] = {}  # url -> wall deadline

    def work(url: str) -> None:
        try:
            done_q.put((url, check(url, limits)))
        except Exception as error:  # never lose a link: recorded as unreachable
            log.exception("link check of %s failed", url)
            done_q.put((url, Result(cm.LINK_UNREACHABLE, None, type(error).__name__)))

    while todo or running:
        while todo and len(running) < workers:
            url = todo.pop(0)
            running[url] = time.monotonic() + limits.budget + 1
            threading.Thread(target=work, args=(url,), daemon=True).start()
        wait = max(0.0, min(running.values()) - time.monotonic())
        try:
            url, result = done_q.get(timeout=wait)
            if url in running:
                del running[url]
                results[url] = result
        except queue.Empty:
            pass
        now = time.monotonic()
        for url in [u for u, d in running.items() if d <= now]:
            del running[url]
            results[url] = Result(
                cm.LINK_UNREACHABLE,
                None,
                f"no answer within {limits.budget:g} s",
                int(limits.budget * 1000),
            )
    return results


def _linked_resources(package_ids: list[str] | None = None):
    """(resource id, package id, url) of linked resources of active datasets."""
    r = model.resource_table
    return cm.active_resources(
        "url",
        sa.func.coalesce(r.c.url_type, "") == "",
        sa.func.coalesce(r.c.url, "") != "",
        package_ids=package_ids,
    )


def run(package_ids: list[str] | None = None, limits: Limits | None = None) -> dict[str, Any]:
    """Check the links (of ``package_ids`` only, if given), record each
    resource's status, drop the rows of resources no longer linked."""
    limits = limits or Limits.from_config()
    rows = _linked_resources(package_ids)
    results = check_many(
        (row.url for row in rows), limits, int(tk.config.get("ckanext.angiang.linkcheck.workers"))
    )
    now = datetime.datetime.utcnow()
    t = cm.link_status
    counts = {state: 0 for state in cm.LINK_STATES}
    for row in rows:
        result = results[row.url]
        counts[result.status] += 1
        stmt = insert(t).values(
            resource_id=row.id,
            package_id=row.package_id,
            url=row.url,
            status=result.status,
            http_status=result.http_status,
            detail=result.detail,
            checked_at=now,
            elapsed_ms=result.elapsed_ms,
            failures=0 if result.status == cm.LINK_OK else 1,
        )
        model.Session.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.c.resource_id],
                set_={
                    "package_id": stmt.excluded.package_id,
                    "url": stmt.excluded.url,
                    "status": stmt.excluded.status,
                    "http_status": stmt.excluded.http_status,
                    "detail": stmt.excluded.detail,
                    "checked_at": now,
                    "elapsed_ms": stmt.excluded.elapsed_ms,
                    # consecutive failed checks of the same URL
                    "failures": sa.case(
                        (stmt.excluded.status == cm.LINK_OK, 0),
                        (t.c.url != stmt.excluded.url, 1),
                        else_=t.c.failures + 1,
                    ),
                },
            )
        )
    if package_ids is None:
        _forget_unlinked()
    model.Session.commit()
    return {"links": len(rows), "urls": len(results), **counts}


def _forget_unlinked() -> None:
    """Rows of resources deleted, uploaded since, or of deleted datasets."""
    cm.forget_other_resources(
        cm.link_status, sa.func.coalesce(model.resource_table.c.url_type, "") == ""
    )
