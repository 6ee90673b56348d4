"""English on Vietnamese pages (issue #13 item 4): ckanext-harvest ships no
Vietnamese catalogue; every string its templates translate has a Vietnamese
entry in the portal's catalogues (merged into one at run time), and the
portal's own new strings are translated."""

import glob
import os
import re

from babel.messages.pofile import read_po

import ckanext.angiang
import ckanext.harvest

ANGIANG = os.path.dirname(ckanext.angiang.__file__)
CATALOGUES = [
    os.path.join(ANGIANG, "i18n", "vi", "LC_MESSAGES", "ckanext-angiang.po"),
    os.path.join(ANGIANG, "i18n", "vi", "LC_MESSAGES", "ckanext-angiang-harvest.po"),
    os.path.join(ANGIANG, "i18n", "core", "vi", "LC_MESSAGES", "ckan.po"),
]
MSGID = re.compile(r"""(?:\b_|ungettext)\(\s*(['"])((?:\\.|(?!\1).)*)\1""")


def _translated() -> set[str]:
    out = set()
    for path in CATALOGUES:
        with open(path, "rb") as f:
            for m in read_po(f):
                if m.id and (m.string if isinstance(m.string, str) else any(m.string)):
                    out.add(m.id if isinstance(m.id, str) else m.id[0])
    return out


def _msgids(pattern: str) -> set[str]:
    ids = set()
    for path in glob.glob(pattern, recursive=True):
        with open(path, encoding="utf-8") as f:
            ids.update(m.group(2).replace("\\'", "'") for m in MSGID.finditer(f.read()))
    return ids


def test_harvest_pages_are_translated():
    harvest = os.path.dirname(ckanext.harvest.__file__)
    wanted = _msgids(os.path.join(harvest, "templates", "**", "*.html"))
    assert len(wanted) > 50
    missing = sorted(wanted - _translated())
    assert missing == []
    # the facet titles it gives untranslated; the portal's facet list translates them
    assert {"Frequency", "Source type"} <= _translated()


def test_portal_strings_are_translated():
    portal = os.path.join(ANGIANG, "portal")
    wanted = _msgids(os.path.join(portal, "**", "*.html")) | _msgids(os.path.join(portal, "*.py"))
    assert "Newest datasets" in wanted
    assert sorted(wanted - _translated()) == []
