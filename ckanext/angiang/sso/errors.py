"""Why a single sign-on was refused: one reason, one HTTP status, one message
shown to the person (Vietnamese first, English under /en)."""

from __future__ import annotations

from ckan.plugins.toolkit import _


def _messages() -> dict[str, str]:
    return {
        "unavailable": _(
            "Single sign-on is not available right now. Please try again later "
            "or contact the portal's administrator."
        ),
        "malformed": _("The sign-in response is not a valid SAML message."),
        "too_large": _("The sign-in response is too large."),
        "forbidden_xml": _(
            "The sign-in response contains forbidden XML (a document type declaration or entities)."
        ),
        "unknown_idp": _(
            "The sign-in response comes from an identity provider this portal does not trust."
        ),
        "unsigned": _("The sign-in response is not signed by the identity provider."),
        "bad_signature": _(
            "The signature of the sign-in response is not valid: the message "
            "was altered or not signed by the identity provider."
        ),
        "expired": _("The sign-in response has expired. Please sign in again."),
        "audience": _("The sign-in response was issued for another service, not this portal."),
        "replayed": _("This sign-in response has already been used. Please sign in again."),
        "unsolicited": _(
            "This portal did not ask for this sign-in, or the request has "
            "expired. Please sign in again."
        ),
        "idp_refused": _("The identity provider did not sign you in."),
        "no_email": _("The identity provider did not send your e-mail address."),
        "unknown_agency": _(
            "Your agency code is not registered on the portal. Please ask "
            "the portal's administrator to add it to your agency."
        ),
        "email_taken": _(
            "A local account already uses your e-mail address. Please ask the "
            "portal's administrator to link it to your single sign-on account."
        ),
        "account_blocked": _("Your portal account is disabled."),
    }


STATUS = {
    "unavailable": 503,
    "too_large": 413,
    "unknown_idp": 403,
    "unknown_agency": 403,
    "email_taken": 409,
    "account_blocked": 403,
}


class SsoError(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason

    @property
    def status(self) -> int:
        return STATUS.get(self.reason, 400)

    @property
    def message(self) -> str:
        return _messages()[self.reason]
