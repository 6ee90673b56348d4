"""The password policy, as CKAN's ``user_password_validator`` (the name the
user schemas ask for, so registration, profile edit and password reset all
apply it)."""

from __future__ import annotations

import re

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import Missing
from ckan.plugins.toolkit import _

# Passwords people pick first (international and Vietnamese); the length rule
# already stops the shorter ones.
COMMON = frozenset(
    """
password123 password1234 1234567890 12345678910 123456789a 0123456789 qwerty1234
qwertyuiop abc1234567 iloveyou123 matkhau123 matkhau1234 anhyeuem123 anhyeuem1
123456789abc admin12345 administrator 1q2w3e4r5t zaq12wsxcde vietnam123 angiang123
""".split()
)


def problems(password: str, name: str = "", email: str = "") -> list[str]:
    """What is wrong with ``password`` (empty when it follows the policy)."""
    found = []
    minimum = tk.config.get("ckanext.angiang.accounts.password_min_length")
    if len(password) < minimum:
        found.append(_("Your password must be at least {n} characters long.").format(n=minimum))
    if not re.search(r"[^\W\d_]", password) or not re.search(r"[\d\W_]", password):
        found.append(_("Your password must contain letters and at least one digit or symbol."))
    lowered = password.lower()
    personal = [p for p in (name, email.split("@")[0] if email else "") if p and len(p) >= 4]
    if any(p.lower() in lowered for p in personal):
        found.append(_("Your password must not contain your user name or e-mail address."))
    if lowered in COMMON:
        found.append(_("This password is too common. Please choose another one."))
    return found


def angiang_password_validator(key, data, errors, context):
    value = data[key]
    if isinstance(value, Missing) or value == "":
        return
    if not isinstance(value, str):
        errors[key].append(_("Passwords must be strings"))
        return
    name = data.get(("name",))
    email = data.get(("email",))
    errors[key].extend(
        problems(
            value, name if isinstance(name, str) else "", email if isinstance(email, str) else ""
        )
    )


def get_validators():
    # replaces core's check (8 characters) wherever CKAN's schemas use it
    return {"user_password_validator": angiang_password_validator}
