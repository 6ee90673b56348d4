"""Authentication requests the portal sent and has not seen answered yet.

Kept in Redis (every web process sees them), not in the session: the IdP
posts its answer cross-site, and a session cookie with ``SameSite=Lax`` does
not come along with such a POST. An entry lives ten minutes and is removed
once a response to it is accepted, so a response answers one request once.
"""

from __future__ import annotations

from ckan.lib.redis import connect_to_redis

TTL = 600


def _key(request_id: str) -> str:
    return "angiang:sso:request:" + request_id


def remember(request_id: str, came_from: str) -> None:
    connect_to_redis().set(_key(request_id), came_from, ex=TTL)


def lookup(request_id: str | None) -> str | None:
    """The local page to return to (maybe ""), None for an unknown request."""
    if not request_id or len(request_id) > 256:
        return None
    value = connect_to_redis().get(_key(request_id))
    return value.decode("utf-8") if isinstance(value, bytes) else value


def forget(request_id: str) -> None:
    connect_to_redis().delete(_key(request_id))
