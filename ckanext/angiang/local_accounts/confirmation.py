"""E-mail confirmation of a self-registered account.

A person who registers (anonymous ``user_create``: the registration form or
the API) gets a ``pending`` account and an e-mail with a link; the account
becomes active when the link is opened; so does an account a signed-in
non-sysadmin creates. Accounts created by a sysadmin, by SSO or by the
portal's own commands are active at once.
"""

from __future__ import annotations

import hmac
import logging

import ckan.lib.mailer as mailer
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.plugins.toolkit import _

log = logging.getLogger(__name__)


def is_self_registration(context: dict) -> bool:
    """Whether the new account must confirm its e-mail: every account made by
    anyone but a sysadmin (or the portal itself), including one made by a
    signed-in citizen, who cannot vouch for somebody else's address."""
    if context.get("ignore_auth"):
        return False
    user = context.get("user")
    actor = model.User.get(user) if user else None
    return actor is None or not actor.sysadmin


def send_confirmation(user: model.User) -> None:
    user.reset_key = mailer.make_key()
    model.Session.commit()
    link = tk.url_for("angiang_accounts.confirm", id=user.id, key=user.reset_key, qualified=True)
    site = tk.config.get("ckan.site_title")
    body = "\n\n".join(
        [
            _("Hello {name},").format(name=user.fullname or user.name),
            _("You registered an account on {site}. Open this link to activate it:").format(
                site=site
            ),
            link,
            _("If you did not register, ignore this e-mail: the account stays inactive."),
        ]
    )
    mailer.mail_user(user, _("Confirm your account on {site}").format(site=site), body)


@tk.chained_action
def user_create(up_func, context, data_dict):
    """CKAN's user_create; a self-registration waits for its e-mail."""
    self_registration = is_self_registration(context)
    result = up_func(context, data_dict)
    if not (self_registration and tk.config.get("ckanext.angiang.accounts.email_confirmation")):
        return result
    user = model.User.get(result["id"])
    user.state = model.State.PENDING
    model.Session.commit()
    try:
        send_confirmation(user)
    except mailer.MailerException as e:
        # the account stays pending: "forgot password" sends a new link
        log.error("Confirmation e-mail to %s not sent: %s", user.name, e)
    result["state"] = model.State.PENDING
    try:
        tk.h.flash_notice(_("We sent you an e-mail: open its link to activate your account."))
    except RuntimeError:  # no request (a command): nothing to show
        pass
    return result


def confirm(user_id: str, key: str | None) -> model.User | None:
    """Activate the pending account ``user_id`` if ``key`` is its key."""
    user = model.User.get(user_id)
    if (
        user is None
        or user.state != model.State.PENDING
        or not key
        or not key.isascii()
        or not user.reset_key
        or not hmac.compare_digest(key, user.reset_key)
    ):
        return None
    user.state = model.State.ACTIVE
    user.reset_key = None
    model.Session.commit()
    return user
