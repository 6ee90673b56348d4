"""Login throttling, in Redis so that every worker process counts together.

CKAN 2.12 has none (``ckan/lib/authenticator.py`` only sends the
``failed_login`` signal). Failed logins are counted per account and per
client address over a window; an account or address that reaches its limit
is refused for a while, with the time to wait, before any password is
checked (HTTP 429 and the login form with the message).

An account is counted by user id when the login names one (by name or
e-mail), else by the login as typed, so a lock does not tell whether an
account exists. A successful login clears its account's count, never its
address's.
"""

from __future__ import annotations

import math

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from flask import request

_PREFIX = "angiang:login"


def _option(name: str) -> int:
    return tk.config.get(f"ckanext.angiang.security.login_throttle.{name}")


def client_address() -> str:
    """The client's address: the socket's peer, or, behind the number of
    proxies ``...trusted_proxy_count`` says, the address the outermost one
    saw (``X-Forwarded-For`` from the right; the rest is client-made)."""
    proxies = tk.config.get("ckanext.angiang.security.trusted_proxy_count")
    if proxies:
        hops = [
            h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.remote_addr or "unknown"


def _account(login: str) -> str:
    login = (login or "").strip()
    user = model.User.by_name(login) or model.User.by_email(login) if login else None
    return user.id if user is not None else login.lower()


def _keys(login: str, address: str) -> list[tuple[str, str, int]]:
    """(count key, lock key, limit) of the account and of the address."""
    out = []
    for kind, who, limit in (
        ("account", _account(login), _option("max_failures")),
        ("address", address, _option("max_failures_per_address")),
    ):
        if who and limit > 0:
            out.append((f"{_PREFIX}:fail:{kind}:{who}", f"{_PREFIX}:lock:{kind}:{who}", limit))
    return out


def seconds_locked(login: str, address: str | None = None) -> int:
    """How long the account or the address is still refused (0: not)."""
    redis = connect_to_redis()
    address = address or client_address()
    ttls = [redis.ttl(lock) for _count, lock, _limit in _keys(login, address)]
    return max([t for t in ttls if t and t > 0] or [0])


def record_failure(login: str, address: str | None = None) -> None:
    """Count one failed login; lock what reached its limit."""
    redis = connect_to_redis()
    address = address or client_address()
    window, lockout = _option("window"), _option("lockout")
    for count_key, lock_key, limit in _keys(login, address):
        pipe = redis.pipeline()
        pipe.set(count_key, 0, ex=window, nx=True)
        pipe.incr(count_key)
        count = pipe.execute()[1]
        if count >= limit:
            redis.set(lock_key, 1, ex=lockout)
            redis.delete(count_key)


def clear_account(login: str) -> None:
    redis = connect_to_redis()
    who = _account(login)
    redis.delete(f"{_PREFIX}:fail:account:{who}", f"{_PREFIX}:lock:account:{who}")


def refusal_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return tk._(
        "Too many failed logins for this account or from this address. "
        "Try again in {minutes} minute(s)."
    ).format(minutes=minutes)


# --- the hooks ---------------------------------------------------------------------

# Signal receivers stay connected for the life of the process: they act only
# while the plugin is loaded (tests load and unload plugins).
_PLUGIN = "angiang_security"


def on_failed_login(login: str, **_kwargs) -> None:
    """Receiver of CKAN's ``failed_login`` signal (sender: the login)."""
    if p.plugin_loaded(_PLUGIN):
        record_failure(login)


def on_logged_in(_app, user=None, **_kwargs) -> None:
    """Receiver of CKAN's ``user_logged_in`` signal."""
    if p.plugin_loaded(_PLUGIN) and user is not None and getattr(user, "name", None):
        clear_account(user.name)


def refuse_if_locked():
    """``IAuthenticator.login``: a POST while locked gets the login form
    with the waiting time and HTTP 429; otherwise None (CKAN goes on)."""
    if request.method != "POST":
        return None
    seconds = seconds_locked(request.form.get("login") or "")
    if not seconds:
        return None
    tk.h.flash_error(refusal_message(seconds))
    return tk.render("user/login.html", {}), 429, {"Retry-After": str(seconds)}
