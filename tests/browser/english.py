"""English left on a Vietnamese page.

The visible text of a page is cut into ASCII words; a word is English when
it is in ``UI_WORDS``, a dictionary of the words English user interfaces are
made of (CKAN's, its extensions', the browser's widgets'). Proper nouns and
acronyms the Vietnamese pages keep as they are (CKAN, API, CSV, Creative
Commons...) are allowed by ``ALLOWED`` and ``ALLOWED_PHRASES``. Words that
are also Vietnamese written without diacritics ("an" of An Giang, "in",
"to", "long" of Long Xuyên...) are not in the dictionary.
"""

from __future__ import annotations

import re

UI_WORDS = frozenset(
    """
about access account accounts action actions active activity add added additional address
admin administrator all already and another any apply are ascending author available back
be been before below browse but by cancel change changed changes characters check choose
clear click close collapse column columns comment confirm contact content continue copy
create created current dashboard data dataset datasets date delete deleted descending
description details developer disabled documentation download draft drag drop edit editor
email embed empty english enter entries error explore extent extra failed feed field fields
file files filter filtered filters find first follow followers following for forgot format
formats found from full go group groups has have help here hide history home image import
include info information into is it items key language last latest learn license licenses
link links list load loaded loading location log login logout maintainer manage map member
members menu message metadata modified more most name navigation new news next not of
off open or order organization organizations other our page pages password please popular
powered preview previous private processing public published read recent records register
relevance remember remove removed required reset resource resources result results return
rows save search second see select send session settings share show showing sign site size
skip social sort source start state status stream submit success table tag tags terms that
the there these this title toggle token tokens total type unfollow untitled update updated
upload uploaded url user username users value version view views visibility visit warning
was welcome what when where which will with without yes you your zoom
""".split()
)

#: Proper nouns and acronyms a Vietnamese page keeps (compared case-sensitively).
ALLOWED = frozenset(
    """
CKAN API APIs DCAT CSV TSV XLSX XLS JSON GeoJSON XML RDF PDF REST HTML URL URI ID SHA UTF OpenAPI
English Swagger OpenStreetMap Leaflet DataTables Facebook X Zalo Google Excel UBND QĐ ODC ODbL
CC BY SA CC0 PDDL ZIP WMS WFS KML ISO MIME
""".split()
)
ALLOWED_PHRASES = (
    "Creative Commons",
    "Open Data Commons",
    "Open Database License",
    "Public Domain Dedication",
    "Attribution License",
    "Open Data",
    "Open Knowledge",
    "Try it out",
)

#: addresses, e-mail addresses and paths (a word with a "/": /licenses,
#: 127.0.0.1:5000/dataset/<dataset>) are not prose
_URLS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+|\b[\w.-]+\.(?:vn|org|com|net)\b|\S*/\S*")
_WORD = re.compile(r"(?<![\w])[A-Za-z]+(?![\w])")


def english_words(text: str) -> list[str]:
    """The English UI words of ``text``, each with its surrounding text."""
    text = _URLS.sub(" ", text)
    for phrase in ALLOWED_PHRASES:
        text = text.replace(phrase, " ")
    found = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word in ALLOWED or word.lower() not in UI_WORDS:
            continue
        context = text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ⏎ ")
        found.append(f"{word!r} in …{context}…")
    return found


#: The text a visitor reads or hears: the rendered text, the names of
#: controls (aria-label, title, alt, placeholder, button values).
VISIBLE_TEXT_JS = """() => {
  const parts = [document.body.innerText];
  const named = '[aria-label], [title], img[alt], [placeholder], '
      + 'input[type=submit][value], input[type=button][value]';
  for (const el of document.querySelectorAll(named)) {
    if (el.closest('[hidden], [aria-hidden=true]')) continue;
    for (const a of ['aria-label', 'title', 'alt', 'placeholder']) {
      if (el.hasAttribute(a)) parts.push(el.getAttribute(a));
    }
    if (el.matches('input[type=submit], input[type=button]')) parts.push(el.value);
  }
  parts.push(document.title);
  return parts.join('\\n');
}"""
