"""Fetching from agency APIs without trusting them.

Every request has a connect timeout, a read timeout (silence between two
packets), a total deadline (a server that drips one byte at a time never
trips the read timeout) and a size limit checked both on ``Content-Length``
and while streaming. HTTP 429 and 503 are retried after ``Retry-After``
when it is within the source's limit; other 5xx answers and refused
connections are retried a few times. Anything that still fails becomes a
:class:`~ckanext.angiang.harvesters.problems.HarvestProblem` with a message
the agency can act on (Art. 8.3, 9.2).
"""

from __future__ import annotations

import dataclasses
import email.utils
import errno
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import requests

from ckanext.angiang.harvesters.problems import HarvestProblem, problem

log = logging.getLogger(__name__)

USER_AGENT = "ckanext-angiang-harvester (An Giang open data portal)"
RETRY_STATUSES = {500, 502, 503, 504}
READ_SIZE = 64 * 1024


@dataclasses.dataclass(frozen=True)
class Limits:
    """How long and how much one source may take."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    max_bytes: int = 20 * 1024 * 1024
    max_retries: int = 2
    max_retry_after: float = 60.0
    retry_backoff: float = 1.0


@dataclasses.dataclass
class Response:
    url: str
    status: int
    headers: dict
    body: bytes
    attempts: int

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise problem(
                "malformed_json",
                "Phản hồi của {url} không phải văn bản UTF-8 (byte lỗi ở vị trí {pos}). "
                "API phải trả JSON mã hóa UTF-8.",
                "The response of {url} is not UTF-8 text (bad byte at position {pos}). "
                "The API must return UTF-8 encoded JSON.",
                url=self.url,
                pos=e.start,
            ) from None
        except json.JSONDecodeError as e:
            raise problem(
                "malformed_json",
                "Phản hồi của {url} không phải JSON hợp lệ: {msg} (dòng {line}, cột {col}). "
                "Hãy kiểm tra API trả đúng JSON.",
                "The response of {url} is not valid JSON: {msg} (line {line}, column {col}). "
                "Check that the API returns well-formed JSON.",
                url=self.url,
                msg=e.msg,
                line=e.lineno,
                col=e.colno,
            ) from None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an
    HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _is_refused(exc: BaseException) -> bool:
    """Whether a requests/urllib3 exception chain ends in ECONNREFUSED."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ConnectionRefusedError) or (
            isinstance(e, OSError) and e.errno == errno.ECONNREFUSED
        ):
            return True
        todo.extend([e.__cause__, e.__context__, getattr(e, "reason", None)])
        todo.extend(a for a in e.args if isinstance(a, BaseException))
    return False


class Client:
    """A small HTTP client for one harvest source.

    ``headers`` are sent with every request (the API key header, if any);
    ``sleep`` is injectable only so that the wait for ``Retry-After`` is
    the real one in production and tests alike (it defaults to time.sleep).
    """

    def __init__(
        self,
        limits: Limits,
        headers: dict | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.limits = limits
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.session.headers.update(headers or {})
        self.sleep = sleep
        self.secret_values = [v for v in (headers or {}).values() if v]

    def close(self):
        self.session.close()

    def _redact(self, text: str) -> str:
        for secret in self.secret_values:
            text = text.replace(secret, "***")
        return text

    def get_json(self, url: str, params: dict | None = None) -> tuple[Any, Response]:
        response = self.get(url, params=params)
        return response.json(), response

    def get(self, url: str, params: dict | None = None) -> Response:
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self._get_once(url, params)
            except HarvestProblem as p:
                if (
                    p.kind in ("connection_refused", "connection_error")
                    and attempts <= self.limits.max_retries
                ):
                    log.info("retrying %s after %s", url, p.kind)
                    self.sleep(self.limits.retry_backoff * attempts)
                    continue
                raise
            status = response.status
            if status < 400:
                response.attempts = attempts
                return response
            wait = None
            if status in (429, 503):
                wait = parse_retry_after(response.headers.get("Retry-After"))
                if wait is not None and wait > self.limits.max_retry_after:
                    raise problem(
                        "retry_after_too_long",
                        "API tại {url} trả HTTP {status} và yêu cầu chờ {wait:.0f} giây "
                        "(Retry-After), vượt giới hạn {max:.0f} giây của nguồn. Hãy nới "
                        "giới hạn truy cập cho cổng dữ liệu hoặc tăng max_retry_after.",
                        "The API at {url} answered HTTP {status} asking to wait {wait:.0f} s "
                        "(Retry-After), more than the source's limit of {max:.0f} s. Raise the "
                        "portal's rate limit on the API or increase max_retry_after.",
                        url=response.url,
                        status=status,
                        wait=wait,
                        max=self.limits.max_retry_after,
                    )
            if (status == 429 or status in RETRY_STATUSES) and attempts <= self.limits.max_retries:
                if wait is None:
                    wait = self.limits.retry_backoff * attempts
                log.info("HTTP %s from %s; retrying in %.1f s", status, url, wait)
                self.sleep(wait)
                continue
            raise self._status_problem(response, attempts)

    def _status_problem(self, response: Response, attempts: int) -> HarvestProblem:
        status = response.status
        snippet = self._redact(response.body[:200].decode("utf-8", "replace")).strip()
        params = dict(url=response.url, status=status, attempts=attempts, body=snippet)
        if status in (401, 403):
            return problem(
                "http_auth",
                "API tại {url} từ chối truy cập (HTTP {status}). Hãy kiểm tra khóa API "
                "(api_key) trong cấu hình nguồn thu thập.",
                "The API at {url} refused access (HTTP {status}). Check the API key "
                "(api_key) in the harvest source configuration.",
                **params,
            )
        if status == 404:
            return problem(
                "http_not_found",
                "Không tìm thấy {url} (HTTP 404). Hãy kiểm tra địa chỉ nguồn và tài liệu OpenAPI.",
                "{url} was not found (HTTP 404). Check the source URL and the OpenAPI document.",
                **params,
            )
        if status == 429:
            return problem(
                "http_rate_limited",
                "API tại {url} vẫn từ chối vì quá nhiều yêu cầu (HTTP 429) sau {attempts} "
                "lần thử. Hãy nới giới hạn truy cập cho cổng dữ liệu.",
                "The API at {url} still refused with Too Many Requests (HTTP 429) after "
                "{attempts} attempts. Raise the portal's rate limit on the API.",
                **params,
            )
        if status >= 500:
            return problem(
                "http_server_error",
                "Máy chủ API của cơ quan gặp lỗi (HTTP {status}) tại {url} sau {attempts} "
                "lần thử: {body}. Hãy kiểm tra nhật ký lỗi của máy chủ API.",
                "The agency API server failed (HTTP {status}) at {url} after {attempts} "
                "attempts: {body}. Check the API server's error log.",
                **params,
            )
        return problem(
            "http_client_error",
            "API tại {url} trả lỗi HTTP {status}: {body}. Hãy kiểm tra cấu hình nguồn "
            "(tham số, đường dẫn).",
            "The API at {url} answered HTTP {status}: {body}. Check the source "
            "configuration (parameters, paths).",
            **params,
        )

    def _get_once(self, url: str, params: dict | None) -> Response:
        limits = self.limits
        started = time.monotonic()
        deadline = started + limits.total_timeout
        try:
            r = self.session.get(
                url,
                params=params,
                stream=True,
                allow_redirects=True,
                timeout=(limits.connect_timeout, limits.read_timeout),
            )
        except requests.exceptions.ConnectTimeout:
            raise problem(
                "connect_timeout",
                "Không kết nối được tới API tại {url} trong {t:.0f} giây. Hãy kiểm tra máy "
                "chủ API và tường lửa.",
                "Could not connect to the API at {url} within {t:.0f} s. Check the API "
                "server and the firewall.",
                url=url,
                t=limits.connect_timeout,
            ) from None
        except requests.exceptions.ReadTimeout:
            raise problem(
                "timeout",
                "API tại {url} không trả lời trong {t:.0f} giây. Hãy kiểm tra tải và hiệu "
                "năng của máy chủ API.",
                "The API at {url} did not answer within {t:.0f} s. Check the load and "
                "performance of the API server.",
                url=url,
                t=limits.read_timeout,
            ) from None
        except requests.exceptions.ConnectionError as e:
            if _is_refused(e):
                raise problem(
                    "connection_refused",
                    "Không kết nối được tới API của cơ quan tại {url}: máy chủ từ chối kết "
                    "nối. Hãy kiểm tra máy chủ API đang hoạt động và địa chỉ nguồn thu thập.",
                    "Could not connect to the agency API at {url}: connection refused. "
                    "Check that the API server is running and that the harvest source URL "
                    "is right.",
                    url=url,
                ) from None
            raise problem(
                "connection_error",
                "Lỗi kết nối tới API tại {url}: {err}. Hãy kiểm tra địa chỉ nguồn và mạng.",
                "Connection error to the API at {url}: {err}. Check the source URL and "
                "the network.",
                url=url,
                err=self._redact(str(e))[:300],
            ) from None
        except requests.exceptions.RequestException as e:
            raise problem(
                "request_error",
                "Không gửi được yêu cầu tới {url}: {err}. Hãy kiểm tra địa chỉ nguồn.",
                "Could not send the request to {url}: {err}. Check the source URL.",
                url=url,
                err=self._redact(str(e))[:300],
            ) from None

        final_url = self._redact(r.url)
        try:
            length = r.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limits.max_bytes:
                raise self._too_large(final_url, int(length))
            chunks, received = [], 0
            while True:
                try:
                    chunk = r.raw.read1(READ_SIZE, decode_content=True)
                except Exception as e:  # urllib3 wraps socket timeouts in several classes
                    if "timed out" in str(e).lower() or isinstance(e, TimeoutError):
                        raise problem(
                            "timeout",
                            "API tại {url} ngừng gửi dữ liệu quá {t:.0f} giây giữa chừng "
                            "(đã nhận {n} byte). Hãy kiểm tra máy chủ API.",
                            "The API at {url} stopped sending for more than {t:.0f} s "
                            "mid-response ({n} bytes received). Check the API server.",
                            url=final_url,
                            t=limits.read_timeout,
                            n=received,
                        ) from None
                    raise problem(
                        "connection_error",
                        "Kết nối tới {url} bị ngắt giữa chừng (đã nhận {n} byte): {err}.",
                        "The connection to {url} broke mid-response ({n} bytes received): {err}.",
                        url=final_url,
                        n=received,
                        err=str(e)[:200],
                    ) from None
                if not chunk:
                    break
                received += len(chunk)
                if received > limits.max_bytes:
                    raise self._too_large(final_url, None)
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise problem(
                        "too_slow",
                        "API tại {url} trả dữ liệu quá chậm: chưa xong sau {t:.0f} giây (mới "
                        "nhận {n} byte). Hãy kiểm tra hiệu năng máy chủ API hoặc dùng phân "
                        "trang nhỏ hơn.",
                        "The API at {url} sends too slowly: not finished after {t:.0f} s "
                        "({n} bytes received). Check the API server's performance or use "
                        "smaller pages.",
                        url=final_url,
                        t=limits.total_timeout,
                        n=received,
                    )
            return Response(
                url=final_url,
                status=r.status_code,
                headers=dict(r.headers),
                body=b"".join(chunks),
                attempts=1,
            )
        finally:
            r.close()

    def _too_large(self, url: str, length: int | None) -> HarvestProblem:
        return problem(
            "too_large",
            "Phản hồi của {url} lớn hơn giới hạn {limit} MB{declared}. Hãy dùng phân trang "
            "với trang nhỏ hơn, hoặc tăng max_response_mb của nguồn.",
            "The response of {url} is larger than the {limit} MB limit{declared_en}. Use "
            "pagination with smaller pages, or raise the source's max_response_mb.",
            url=url,
            limit=_mb(self.limits.max_bytes),
            declared=f" (Content-Length {length} byte)" if length else "",
            declared_en=f" (Content-Length {length} bytes)" if length else "",
        )
