"""A real SAML2 identity provider (pysaml2's ``Server``) served over HTTP on
127.0.0.1 by the tests: it publishes its metadata, checks the portal's signed
AuthnRequests, signs its responses with xmlsec1 and answers single logout.

``IdP.person`` is who "signs in" next; ``IdP.mutate`` (a function of the
unsigned ``samlp.Response``) lets a test forge what a broken or hostile IdP
would send, before the signatures are computed; ``IdP.sign`` chooses what is
signed, ``IdP.tamper`` edits the signed XML. Every message is appended to ``IdP.log``.
"""

from __future__ import annotations

import base64
import html
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import pre_signature_part
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

log = logging.getLogger(__name__)
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
RESPONSE = "urn:oasis:names:tc:SAML:2.0:protocol:Response"


class IdP:
    def __init__(self, key_file: str, cert_file: str, name: str = "idp"):
        self.key_file, self.cert_file, self.name = key_file, cert_file, name
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.entity_id = f"{self.base}/{name}/metadata"
        # where it says requests must be sent (a rogue IdP answering a request
        # meant for another IdP says that one's)
        self.sso_url = f"{self.base}/sso"
        self.sp_metadata: str | None = None
        self._server: Server | None = None
        self.person = {
            "uid": "nguyenvana",
            "email": "nguyenvana@angiang.gov.vn",
            "displayName": "Nguyễn Văn A",
            "agencyCode": "000.00.01.H01",
        }
        self.sign = {"response": True, "assertion": True}
        self.mutate = None
        self.tamper = None  # str -> str, applied after signing
        self.log: list[str] = []
        self.requests: list = []
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    # configuration -----------------------------------------------------
    def settings(self) -> dict:
        settings = {
            "entityid": self.entity_id,
            "key_file": self.key_file,
            "cert_file": self.cert_file,
            "service": {
                "idp": {
                    "name": f"Test IdP {self.name}",
                    "endpoints": {
                        "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{self.base}/slo", BINDING_HTTP_REDIRECT)],
                    },
                    "want_authn_requests_signed": True,
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {
                        "default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}
                    },
                }
            },
            "accepted_time_diff": 60,
            "delete_tmpfiles": True,
        }
        if self.sp_metadata:
            settings["metadata"] = {"inline": [self.sp_metadata]}
        return settings

    def metadata_xml(self) -> str:
        config = IdPConfig()
        config.load(self.settings())
        xml = create_metadata_string(None, config=config, sign=False)
        return xml.decode("utf-8") if isinstance(xml, bytes) else xml

    def trust(self, sp_metadata: str) -> None:
        """Load the portal's metadata (its ACS, SLO and certificate)."""
        self.sp_metadata = sp_metadata
        config = IdPConfig()
        config.load(self.settings())
        self._server = Server(config=config)

    def start(self) -> IdP:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    # messages ----------------------------------------------------------
    def authn_response(self, request) -> tuple[str, str]:
        """(ACS URL, base64 SAMLResponse) answering an AuthnRequest."""
        server = self._server
        sp_entity = request.issuer.text
        destination = request.assertion_consumer_service_url
        name_id = NameID(
            format=NAMEID_FORMAT_PERSISTENT,
            text=self.person["uid"],
            sp_name_qualifier=sp_entity,
            name_qualifier=self.entity_id,
        )
        identity = {k: [v] for k, v in self.person.items() if k != "uid" and v is not None}
        response = server.create_authn_response(
            identity,
            request.id,
            destination,
            sp_entity,
            name_id=name_id,
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_response=False,
            sign_assertion=False,
        )
        if self.mutate:
            self.mutate(response)
        signed = self.sign_response(response)
        if self.tamper:
            signed = self.tamper(signed)
        self.log.append(f"IdP: response {response.id} to {sp_entity} for {self.person['uid']}")
        return destination, base64.b64encode(signed.encode("utf-8")).decode("ascii")

    def sign_response(self, response) -> str:
        sec = self._server.sec
        to_sign = []
        if self.sign["assertion"]:
            response.assertion.signature = pre_signature_part(
                response.assertion.id,
                sec.my_cert,
                1,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
            )
            to_sign.append((ASSERTION, response.assertion.id))
        if self.sign["response"]:
            response.signature = pre_signature_part(
                response.id, sec.my_cert, 2, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
            )
            to_sign.append((RESPONSE, response.id))
        xml = response.to_string().decode("utf-8")
        for node, node_id in to_sign:
            xml = sec.sign_statement(xml, node_name=node, node_id=node_id)
        return xml

    def logout_request_url(self, sp_entity: str, uid: str) -> str:
        """An IdP-initiated, signed LogoutRequest to the portal (HTTP-Redirect)."""
        destination = self._server.metadata.single_logout_service(
            sp_entity, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        name_id = NameID(
            format=NAMEID_FORMAT_PERSISTENT,
            text=uid,
            sp_name_qualifier=sp_entity,
            name_qualifier=self.entity_id,
        )
        _id, req = self._server.create_logout_request(
            destination, sp_entity, name_id=name_id, sign=False
        )
        info = self._server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(req),
            destination,
            relay_state="",
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        self.log.append(f"IdP: logout request {req.id} for {uid} sent to {sp_entity}")
        return dict(info["headers"])["Location"]

    def logout_answer(self, query: dict) -> str:
        """Check a signed LogoutRequest (HTTP-Redirect); the URL of the answer."""
        req = self._server.parse_logout_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        self.requests.append(req.message)
        self.log.append(f"IdP: logout request {req.message.id} for {req.message.name_id.text}")
        answer = self._server.create_logout_response(req.message, [BINDING_HTTP_REDIRECT])
        destination = self._server.metadata.single_logout_service(
            req.message.issuer.text, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        info = self._server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(answer),
            destination,
            relay_state="",
            response=True,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return dict(info["headers"])["Location"]


def _handler(idp: IdP):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            idp.log.append("IdP HTTP: " + fmt % args)

        def _send(self, status: int, body: str, ctype="text/html; charset=utf-8", headers=()):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                if url.path == f"/{idp.name}/metadata":
                    return self._send(200, idp.metadata_xml(), "application/samlmetadata+xml")
                if url.path == "/sso":
                    req = idp._server.parse_authn_request(
                        query["SAMLRequest"],
                        BINDING_HTTP_REDIRECT,
                        relay_state=query.get("RelayState"),
                        sigalg=query.get("SigAlg"),
                        signature=query.get("Signature"),
                    )
                    idp.requests.append(req.message)
                    idp.log.append(f"IdP: signed AuthnRequest {req.message.id} verified")
                    acs, saml = idp.authn_response(req.message)
                    form = (
                        f'<form method="post" action="{html.escape(acs)}">'
                        f'<input type="hidden" name="SAMLResponse" value="{saml}"/>'
                        f'<input type="hidden" name="RelayState" '
                        f'value="{html.escape(query.get("RelayState", ""))}"/></form>'
                    )
                    return self._send(200, form)
                if url.path == "/slo":
                    return self._send(302, "", headers=[("Location", idp.logout_answer(query))])
            except Exception as e:  # a test IdP says why
                idp.log.append(f"IdP: refused {url.path}: {e!r}")
                return self._send(400, f"refused: {e!r}", "text/plain")
            return self._send(404, "not found", "text/plain")

    return Handler
