"""Checking a SAML response posted to the ACS.

Before pysaml2 sees it, the response is decoded and parsed with defusedxml
(no DTD: no external entities, no entity expansion), its issuer must be an
IdP of the metadata and the signatures the config requires must be present.
pysaml2 then verifies the signatures (xmlsec1), times, audience, recipient
and that it answers a request this session made. Last, the assertion's ID
goes into the replay cache: a second use of the same assertion is refused,
whatever the session or process.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from dataclasses import dataclass, field

import ckan.model as model
import ckan.plugins.toolkit as tk
import saml2.request
import sqlalchemy as sa
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.ident import code as encode_name_id
from saml2.response import IncorrectlySigned, StatusError, UnsolicitedResponse
from saml2.sigver import SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from ckanext.angiang.sso import pending
from ckanext.angiang.sso.errors import SsoError
from ckanext.angiang.sso.tables import assertion_table

log = logging.getLogger(__name__)

SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"


@dataclass
class Identity:
    idp: str
    name_id: str  # pysaml2's code() of the NameID
    assertion_id: str
    expires: dt.datetime
    in_response_to: str | None
    session_index: str | None
    attributes: dict = field(default_factory=dict)
    came_from: str = ""

    def first(self, name: str) -> str:
        values = self.attributes.get(name) or []
        return str(values[0]).strip() if values else ""


def decode(saml_response: str) -> bytes:
    limit = tk.config.get("ckanext.angiang.sso.max_response_kb") * 1024
    if len(saml_response) > limit * 4 // 3 + 4:
        raise SsoError("too_large")
    try:
        return base64.b64decode("".join(saml_response.split()), validate=True)
    except (binascii.Error, ValueError) as e:
        raise SsoError("malformed", str(e)) from e


def precheck(xml: bytes, trusted_idps: list[str]) -> tuple[str, str | None, list[str]]:
    """Structure, issuer and signatures of the response; returns the issuer,
    the request it answers and its assertions' IDs (unverified yet)."""
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as e:
        raise SsoError("forbidden_xml", repr(e)) from e
    except SafeET.ParseError as e:
        raise SsoError("malformed", str(e)) from e
    if root.tag != SAMLP + "Response":
        raise SsoError("malformed", f"root element {root.tag}")
    issuer = root.find(SAML + "Issuer")
    assertions = root.findall(SAML + "Assertion")
    # an encrypted assertion's signature is checked by pysaml2 once decrypted
    encrypted = root.findall(SAML + "EncryptedAssertion")
    if issuer is None and assertions:
        issuer = assertions[0].find(SAML + "Issuer")
    issuer = (issuer.text or "").strip() if issuer is not None else ""
    if issuer not in trusted_idps:
        raise SsoError("unknown_idp", issuer)
    opt = tk.config.get
    response_signed = root.find(DS + "Signature") is not None
    assertions_signed = bool(assertions or encrypted) and all(
        a.find(DS + "Signature") is not None for a in assertions
    )
    if (
        (opt("ckanext.saml2auth.want_response_signed") and not response_signed)
        or (opt("ckanext.saml2auth.want_assertions_signed") and not assertions_signed)
        or not (response_signed or assertions_signed)
    ):
        raise SsoError("unsigned")
    return issuer, root.get("InResponseTo"), [a.get("ID") or "" for a in assertions]


def classify(exc: Exception) -> SsoError:
    if isinstance(exc, (SignatureError, IncorrectlySigned)):
        return SsoError("bad_signature", repr(exc))
    if isinstance(exc, (ResponseLifetimeExceed, ToEarly)):
        return SsoError("expired", repr(exc))
    if isinstance(exc, UnsolicitedResponse):
        return SsoError("unsolicited", repr(exc))
    if isinstance(exc, StatusError):
        return SsoError("idp_refused", repr(exc))
    text = str(exc)
    if "AudienceRestrictions" in text:
        return SsoError("audience", text)
    if "subject confirmation" in text or "Condition not OK" in text:
        return SsoError("expired", text)
    return SsoError("malformed", repr(exc))


def check(client, saml_response: str) -> Identity:
    """The identity a valid response asserts; :class:`SsoError` otherwise.
    The response must answer a request of :mod:`pending`."""
    xml = decode(saml_response)
    idp, in_response_to, assertion_ids = precheck(xml, list(client.metadata.identity_providers()))
    # a lookup on unverified IDs can only refuse, never accept
    if any(already_used(idp, a) for a in assertion_ids):
        raise SsoError("replayed", ", ".join(assertion_ids))
    came_from = pending.lookup(in_response_to)
    outstanding = {in_response_to: came_from} if came_from is not None else {}
    try:
        parsed = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding
        )
    except Exception as e:  # pysaml2 raises plain Exceptions too: classify all
        log.info("SAML response refused: %r", e)
        raise classify(e) from e
    if parsed is None or parsed.assertion is None:
        raise SsoError("malformed", "no assertion")
    assertion = parsed.assertion
    if parsed.issuer() != idp:
        raise SsoError("unknown_idp", parsed.issuer())
    statements = assertion.authn_statement or []
    expires = dt.datetime.utcnow() + dt.timedelta(hours=1)
    if parsed.not_on_or_after:
        expires = dt.datetime.utcfromtimestamp(parsed.not_on_or_after)
    identity = Identity(
        idp=idp,
        name_id=encode_name_id(parsed.name_id),
        assertion_id=assertion.id,
        expires=expires,
        in_response_to=parsed.in_response_to,
        session_index=statements[0].session_index if statements else None,
        attributes=parsed.get_identity() or {},
        came_from=came_from or "",
    )
    consume(identity)
    pending.forget(in_response_to)
    log.info(
        "SAML response of %s accepted: answers %s, assertion %s, subject %s",
        idp,
        in_response_to,
        assertion.id,
        parsed.name_id.text,
    )
    return identity


def _cache_id(idp: str, assertion_id: str) -> str:
    return f"{idp} {assertion_id}"


def already_used(idp: str, assertion_id: str) -> bool:
    return (
        model.Session.execute(
            sa.select(assertion_table.c.assertion_id).where(
                assertion_table.c.assertion_id == _cache_id(idp, assertion_id)
            )
        ).first()
        is not None
    )


def consume(identity: Identity) -> None:
    """Record the assertion as used, in its own transaction; a second use
    (any session, any process) is refused."""
    conn = model.Session.connection()
    conn.execute(
        sa.delete(assertion_table).where(
            assertion_table.c.expires < dt.datetime.utcnow() - dt.timedelta(days=1)
        )
    )
    inserted = conn.execute(
        sa.text(
            "INSERT INTO angiang_sso_assertion (assertion_id, expires) "
            "VALUES (:id, :expires) ON CONFLICT DO NOTHING"
        ),
        {"id": _cache_id(identity.idp, identity.assertion_id), "expires": identity.expires},
    )
    model.Session.commit()
    if inserted.rowcount != 1:
        raise SsoError("replayed", identity.assertion_id)


def logout_request(client, args) -> saml2.request.LogoutRequest:
    """A LogoutRequest from the IdP (HTTP-Redirect), its signature required
    and verified: pysaml2 checks redirect signatures of requests only for an
    IdP receiving them."""
    from saml2.request import LogoutRequest

    saml_request = args.get("SAMLRequest") or ""
    if len(saml_request) > tk.config.get("ckanext.angiang.sso.max_response_kb") * 1024:
        raise SsoError("too_large")
    if not args.get("Signature") or not args.get("SigAlg"):
        raise SsoError("unsigned")
    receivers = client.config.endpoint("single_logout_service", BINDING_HTTP_REDIRECT, "sp")
    parser = LogoutRequest(
        client.sec,
        receivers,
        client.config.attribute_converters,
        timeslack=client.config.accepted_time_diff or 0,
    )
    try:
        xml = client.unravel(saml_request, BINDING_HTTP_REDIRECT, LogoutRequest.msgtype)
        parsed = parser.loads(
            xml,
            BINDING_HTTP_REDIRECT,
            origdoc=saml_request,
            must=True,
            relay_state=args.get("RelayState"),
            sigalg=args["SigAlg"],
            signature=args["Signature"],
        )
    except Exception as e:  # pysaml2 raises plain Exceptions too
        raise classify(e) from e
    if not parsed or not parsed.verify():
        raise SsoError("malformed", "logout request")
    issuer = parsed.message.issuer.text.strip() if parsed.message.issuer is not None else ""
    if issuer not in list(client.metadata.identity_providers()):
        raise SsoError("unknown_idp", issuer)
    return parsed
