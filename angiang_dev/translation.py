"""The portal's translation catalogues: where they live, how complete they
are, and how the scheming schemas' labels reach the suite's ``.pot``.

Two gettext domains are served in Vietnamese (wired in ``plugins/i18n.py``
and ``plugins/core.py``):

- ``ckan``: CKAN core's own strings. Core ships ``ckan/i18n/vi`` only half
  translated (596 of 1,213 msgids in 2.12.0) and with inconsistent terms
  ("Dữ liệu"/"Bộ dữ liệu" for dataset, "Nguồn" for resource).
  ``i18n/core/vi/LC_MESSAGES/ckan.po`` is our complete Vietnamese catalogue of
  core's msgids; flask-babel merges it after core's (later catalogues win) and
  ``ckan translation js`` reads it after core's for the JavaScript strings.
- ``ckanext-angiang``: the suite's own strings (Python, templates, JS and the
  scheming YAML labels), ``i18n/ckanext-angiang.pot`` and
  ``i18n/vi/LC_MESSAGES/ckanext-angiang.po``.

Nothing here needs a CKAN config: the scripts in ``scripts/`` use it before
any site exists. Build tooling, so not in the runtime package: the
``angiang_i18n`` plugin serves the catalogues without it.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib.util
import io
import pathlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import polib


def _package_dir() -> pathlib.Path:
    """ckanext/angiang (found without importing it, nor CKAN)."""
    spec = importlib.util.find_spec("ckanext.angiang")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("ckanext-angiang is not installed (pip install -e .)")
    return pathlib.Path(list(spec.submodule_search_locations)[0])


I18N_DIR = _package_dir() / "i18n"
DOMAIN = "ckanext-angiang"
CORE_DOMAIN = "ckan"
# Our completion of CKAN core's catalogue: a directory of its own, because
# CKAN's JS translation builder keys catalogues by directory.
CORE_COMPLETION_DIR = I18N_DIR / "core"
LOCALES = ("vi",)

# How `make i18n-extract` finds the suite's msgids (Babel method map).
# ``ckan`` is CKAN's Jinja2 extractor (its ``{% trans %}`` and ``_()``).
EXTRACTION_MAP = [
    ("**/i18n/**", "ignore"),
    ("**/tests/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "ckan.lib.extract:extract_ckan"),
    ("**/assets/**.js", "javascript"),
    ("**/schemas/**.yaml", "angiang_dev.translation:extract_scheming_labels"),
    ("**/schemas/**.yml", "angiang_dev.translation:extract_scheming_labels"),
    ("**/data/**.yaml", "angiang_dev.translation:extract_scheming_labels"),
]

# Scheming keys whose values the user reads (field, choice and schema level).
SCHEMING_TEXT_KEYS = frozenset(
    {
        "label",
        "help_text",
        "form_placeholder",
        "repeating_label",
        "upload_label",
        "form_alert_warning",
        "label_time",
        "label_tz",
    }
)
SCHEMING_VI_COMMENT = "vi: "


def core_i18n_dir() -> pathlib.Path:
    """CKAN core's own ``i18n`` directory (without importing CKAN's config)."""
    spec = importlib.util.find_spec("ckan")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("CKAN is not installed")
    return pathlib.Path(list(spec.submodule_search_locations)[0]) / "i18n"


def po_path(directory: pathlib.Path, locale: str, domain: str) -> pathlib.Path:
    return directory / locale / "LC_MESSAGES" / f"{domain}.po"


def suite_pot_path() -> pathlib.Path:
    return I18N_DIR / f"{DOMAIN}.pot"


# --- placeholders -------------------------------------------------------------

_PLACEHOLDER_RE = re.compile(
    r"%\([A-Za-z0-9_]+\)[-+ #0-9.]*[sdifrxX]"  # %(name)s
    r"|%[-+ #0-9.]*[sdifrxX]"  # %s %i %d
    r"|\{[A-Za-z0-9_.]*(?:![rsa])?(?::[^{}]*)?\}"  # {name} {0} {}
)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")


def _placeholders(text: str) -> Counter:
    return Counter(_PLACEHOLDER_RE.findall(text.replace("%%", "")))


def _tags(text: str) -> Counter:
    return Counter(_TAG_RE.findall(text))


def entry_problems(entry: polib.POEntry) -> list[str]:
    """Placeholders or HTML tags of ``entry``'s msgid missing from (or added
    to) its translation. With one plural form (Vietnamese), msgstr[0] is used
    for every count, so it is checked against the plural msgid."""
    problems = []
    if entry.msgid_plural:
        source = entry.msgid_plural
        targets = [s for _, s in sorted(entry.msgstr_plural.items())]
    else:
        source = entry.msgid
        targets = [entry.msgstr]
    for target in targets:
        if not target:
            continue
        if _placeholders(source) != _placeholders(target):
            problems.append(
                f"placeholders differ: {entry.msgid!r} has "
                f"{sorted(_placeholders(source).elements())}, translation has "
                f"{sorted(_placeholders(target).elements())}"
            )
        if _tags(source) != _tags(target):
            problems.append(f"HTML tags differ: {entry.msgid!r} -> {target!r}")
    return problems


# --- coverage -----------------------------------------------------------------


def is_translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def load_po(path: pathlib.Path) -> tuple[polib.POFile, list[str]]:
    """Read a .po, folding duplicate msgids the way the team's workflow
    produces them (an engineer appends a translated msgid/msgstr pair at the
    end while an empty entry of the same msgid is already there): the
    translated entry wins, and of two translated ones the later. Returns the
    catalogue and the conflicts (two different non-empty translations)."""
    po = polib.pofile(str(path), wrapwidth=76)
    kept: dict[tuple, polib.POEntry] = {}
    conflicts: list[str] = []
    for entry in list(po):
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        first = kept.get(key)
        if first is None:
            kept[key] = entry
            continue
        if (
            is_translated(first)
            and is_translated(entry)
            and (first.msgstr != entry.msgstr or first.msgstr_plural != entry.msgstr_plural)
        ):
            conflicts.append(
                f"{path.name}: two translations of {entry.msgid!r}, "
                f"the later one ({entry.msgstr or entry.msgstr_plural!r}) wins"
            )
        keep, drop = (
            (entry, first) if is_translated(entry) or not is_translated(first) else (first, entry)
        )
        for occurrence in drop.occurrences:
            if occurrence not in keep.occurrences:
                keep.occurrences.append(occurrence)
        po.remove(drop)
        kept[key] = keep
    return po, conflicts


@dataclasses.dataclass
class Coverage:
    domain: str
    locale: str
    total: int
    translated: int
    missing: list[str]
    problems: list[str]
    # duplicate msgids with different translations: the later wins, as when
    # compiled; `make i18n-extract` folds them
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def complete(self) -> bool:
        return not self.missing and not self.problems


# A message is identified by its context and msgid (the context is None for
# almost every message; scheming's bilingual labels carry one).
Key = tuple  # (msgctxt | None, msgid)


def _label(key: Key) -> str:
    context, msgid = key
    return f"[{context}] {msgid}" if context else msgid


def coverage(
    keys: Iterable[Key], catalogues: Iterable[pathlib.Path], domain: str, locale: str
) -> Coverage:
    """How many of ``keys`` are translated by the merge of ``catalogues``
    (later ones win, as flask-babel merges them)."""
    merged: dict[Key, polib.POEntry] = {}
    warnings: list[str] = []
    for path in catalogues:
        if not path.exists():
            continue
        po, conflicts = load_po(path)
        warnings += conflicts
        for entry in po:
            if not entry.obsolete and is_translated(entry):
                merged[(entry.msgctxt, entry.msgid)] = entry
    keys = list(dict.fromkeys(keys))
    missing = [_label(k) for k in keys if k not in merged]
    problems = [p for k in keys if k in merged for p in entry_problems(merged[k])]
    return Coverage(
        domain, locale, len(keys), len(keys) - len(missing), missing, problems, warnings
    )


def core_coverage(locale: str = "vi", with_completion: bool = True) -> Coverage:
    """CKAN core's msgids (its ckan.pot) against core's catalogue, merged
    with our completion unless ``with_completion`` is false."""
    core = core_i18n_dir()
    catalogues = [po_path(core, locale, CORE_DOMAIN)]
    if with_completion:
        catalogues.append(po_path(CORE_COMPLETION_DIR, locale, CORE_DOMAIN))
    keys = [
        (e.msgctxt, e.msgid)
        for e in polib.pofile(str(core / f"{CORE_DOMAIN}.pot"))
        if not e.obsolete and e.msgid
    ]
    return coverage(keys, catalogues, CORE_DOMAIN, locale)


def suite_coverage(locale: str = "vi", package_dir: pathlib.Path | None = None) -> Coverage:
    """The suite's msgids, extracted afresh from the code (so a string added
    without running ``make i18n-extract`` counts too), against what is served:
    CKAN core's catalogue, our completion of it, then our .po (a template of
    ours may reuse a core msgid). Problems of bilingual scheming texts (a
    missing language) count too."""
    template = extract_suite_template(package_dir)
    keys = [(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id]
    catalogues = [
        po_path(core_i18n_dir(), locale, CORE_DOMAIN),
        po_path(CORE_COMPLETION_DIR, locale, CORE_DOMAIN),
        po_path(I18N_DIR, locale, DOMAIN),
    ]
    result = coverage(keys, catalogues, DOMAIN, locale)
    for message in template:
        for comment in message.auto_comments:
            if comment.startswith("problem: "):
                where = ", ".join(path for path, _ in message.locations)
                result.problems.append(
                    f"{where}: [{message.context}] {comment[len('problem: ') :]}"
                )
    return result


# Other domains kept in i18n/ by other plugins of the suite, with the .pot of
# the package whose strings they translate.
OTHER_DOMAIN_TEMPLATES = {
    "ckanext-angiang-harvest": ("ckanext.harvest", "i18n/ckanext-harvest.pot"),
}


def other_coverages(locale: str = "vi") -> list[Coverage]:
    """Coverage of the other catalogues of i18n/<locale> (e.g. the harvest
    UI's): against the translated package's .pot when known, else against
    the msgids of the .po itself."""
    results = []
    for path in sorted((I18N_DIR / locale / "LC_MESSAGES").glob("*.po")):
        domain = path.stem
        if domain == DOMAIN:
            continue
        keys = None
        package, relative = OTHER_DOMAIN_TEMPLATES.get(domain, (None, None))
        spec = importlib.util.find_spec(package) if package else None
        if spec and spec.submodule_search_locations:
            pot = pathlib.Path(list(spec.submodule_search_locations)[0]) / relative
            if pot.exists():
                keys = [(e.msgctxt, e.msgid) for e in polib.pofile(str(pot)) if e.msgid]
        if keys is None:
            keys = [
                (e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if e.msgid and not e.obsolete
            ]
        results.append(coverage(keys, [path], domain, locale))
    return results


def catalogue_paths() -> Iterator[pathlib.Path]:
    """Every .po file kept in the repository (both domains, all locales)."""
    yield from sorted(I18N_DIR.glob("**/LC_MESSAGES/*.po"))


# --- scheming YAML labels -----------------------------------------------------

# Keys naming an item of a YAML list, used to build a stable msgctxt path.
_ITEM_ID_KEYS = ("field_name", "preset_name", "value", "id")


def _scalar_text(node: Any) -> str | None:
    import yaml

    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
        return node.value.strip() or None
    return None


def _item_id(node: Any) -> str | None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        keys = {_scalar_text(k): v for k, v in node.value}
        for key in _ITEM_ID_KEYS:
            if key in keys and isinstance(keys[key], yaml.ScalarNode):
                return keys[key].value
    return None


def _walk_labels(
    node: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[int, str, str, dict[str, str] | None]]:
    """(line, path, text, langs) for every user-facing scheming text under
    ``node``. ``langs`` is None for a plain string (scheming passes it to
    ``_()``, so it is a gettext msgid) and the ``{vi:, en:}`` dict of a
    bilingual text (scheming picks the language itself)."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = _scalar_text(key) or ""
            here = path + (name,)
            if name in SCHEMING_TEXT_KEYS:
                text = _scalar_text(value)
                if text:
                    yield value.start_mark.line + 1, "/".join(here), text, None
                    continue
                if isinstance(value, yaml.MappingNode):
                    langs = {_scalar_text(k) or "": _scalar_text(v) or "" for k, v in value.value}
                    yield value.start_mark.line + 1, "/".join(here), langs.get("en", ""), langs
                    continue
            yield from _walk_labels(value, here)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk_labels(item, path + (_item_id(item) or str(index),))


def scheming_texts(fileobj) -> list[tuple[int, str, str, dict[str, str] | None]]:
    import yaml

    root = yaml.compose(fileobj, Loader=yaml.SafeLoader)
    return list(_walk_labels(root)) if root is not None else []


def bilingual_problems(langs: dict[str, str]) -> list[str]:
    """What is wrong with a ``{vi:, en:}`` text: a missing language, or keys
    that are no language (a comma inside an unquoted flow mapping splits the
    text into extra keys)."""
    problems = [f"no {lang} text" for lang in ("vi", "en") if not langs.get(lang)]
    extra = sorted(k for k in langs if k not in ("vi", "en"))
    if extra:
        problems.append(f"unexpected keys {extra} (quote texts containing commas)")
    return problems


def extract_scheming_labels(fileobj, keywords, comment_tags, options):
    """Babel extractor for scheming YAML (see EXTRACTION_MAP).

    A plain string is a gettext msgid. A bilingual ``{vi:, en:}`` text is not
    looked up with gettext at runtime; it is recorded with its English as
    msgid, a msgctxt naming where it is (``dataset.yaml:dataset_fields/
    title/label``, so it can never override a core translation of the same
    English) and its Vietnamese as an extracted comment ``vi: ...``, which
    ``update_suite_catalogues`` copies into the .po."""
    stem = pathlib.Path(getattr(fileobj, "name", "schema.yaml")).name
    for line, path, text, langs in scheming_texts(fileobj):
        if langs is None:
            yield line, None, text, []
            continue
        comments = [SCHEMING_VI_COMMENT + langs["vi"]] if langs.get("vi") else []
        comments += [f"problem: {p}" for p in bilingual_problems(langs)]
        yield line, "pgettext", (f"{stem}:{path}", text or "(no English text)"), comments


# --- extraction and catalogue update (``make i18n-extract``) -------------------


def _is_yaml_only(message) -> bool:
    return bool(message.locations) and all(
        path.endswith((".yaml", ".yml")) for path, _ in message.locations
    )


def extract_suite_template(package_dir: pathlib.Path | None = None):
    """A Babel catalogue of every msgid of the suite (Python, templates, JS,
    scheming YAML), read from the package directory (or ``package_dir``, e.g.
    a checkout of another commit)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    template = Catalog(
        project="ckanext-angiang",
        domain=DOMAIN,
        msgid_bugs_address="opendata@angiang.gov.vn",
        charset="utf-8",
        fuzzy=False,
    )
    package_dir = package_dir or I18N_DIR.parent
    for filename, lineno, message, comments, context in extract_from_dir(
        str(package_dir),
        method_map=EXTRACTION_MAP,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        template.add(
            message,
            None,
            [(f"ckanext/angiang/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


CORE_TRANSLATED_COMMENT = "translated by the ckan domain (core + i18n/core); leave empty"


def _core_translations(locale: str) -> set[str]:
    msgids: set[str] = set()
    for path in (
        po_path(core_i18n_dir(), locale, CORE_DOMAIN),
        po_path(CORE_COMPLETION_DIR, locale, CORE_DOMAIN),
    ):
        if path.exists():
            msgids.update(e.msgid for e in polib.pofile(str(path)) if is_translated(e))
    return msgids


def _has_string(message) -> bool:
    string = message.string
    return any(string) if isinstance(string, (tuple, list)) else bool(string)


#: The extracted comment of a msgid only a run-time value uses (``_(name)``):
#: :func:`merge_template` keeps it although the extractor cannot see it.
RUNTIME_COMMENT = "Used with a run-time value"


def merge_template(template, path: pathlib.Path, locale: str) -> dict[str, int]:
    """Merge ``template`` (a Babel catalogue) into the .po at ``path`` without
    losing a translation: existing msgstrs are kept, msgids no longer in the
    code are kept as obsolete (``#~``) entries and revived if they come back,
    and texts that exist only as bilingual scheming dicts take their
    Vietnamese from the YAML (the runtime source)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    if path.exists():
        po, _ = load_po(path)  # fold appended duplicates first
        catalog = read_po(io.BytesIO(str(po).encode("utf-8")), locale=locale, domain=DOMAIN)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=locale, domain=DOMAIN, project="ckanext-angiang", fuzzy=False)
    previous = {m.id: m.string for m in catalog.obsolete.values() if _has_string(m)}
    previous.update({m.id: m.string for m in catalog if m.id and _has_string(m)})
    # msgids the code translates with a run-time value (``_(title)``), which
    # no extractor sees: marked so in the .po, they stay live entries
    runtime = [
        m for m in catalog if m.id and any(c.startswith(RUNTIME_COMMENT) for c in m.auto_comments)
    ]
    catalog.update(template, no_fuzzy_matching=True)
    for message in runtime:
        if message.id not in catalog:
            catalog[message.id] = message
            catalog.obsolete.pop(message.id, None)
    catalog.revision_date = datetime.datetime.now(datetime.UTC)
    catalog.last_translator = "ckanext-angiang <opendata@angiang.gov.vn>"
    catalog.language_team = "An Giang open data portal"
    revived = 0
    core = _core_translations(locale)
    for message in catalog:
        if not message.id:
            continue
        message.user_comments = [c for c in message.user_comments if c != CORE_TRANSLATED_COMMENT]
        vi_text = next(
            (
                c[len(SCHEMING_VI_COMMENT) :]
                for c in message.auto_comments
                if c.startswith(SCHEMING_VI_COMMENT)
            ),
            None,
        )
        if locale == "vi" and vi_text and _is_yaml_only(message):
            message.string = vi_text
        elif not _has_string(message) and message.id in previous:
            message.string = previous[message.id]
            revived += 1
        if not message.context and not _has_string(message) and message.id in core:
            message.user_comments.append(CORE_TRANSLATED_COMMENT)
    # obsolete entries keep translations only; one whose msgid is back is
    # not written twice
    catalog.obsolete = {
        k: v for k, v in catalog.obsolete.items() if k not in catalog and _has_string(v)
    }
    with path.open("wb") as f:
        write_po(f, catalog, width=76, include_lineno=False)
    return {"revived": revived, "obsolete": len(catalog.obsolete)}


def update_suite_catalogues(
    locales: Iterable[str] = LOCALES, package_dir: pathlib.Path | None = None
) -> dict[str, int]:
    """``make i18n-extract``: regenerate the .pot from the code and merge it
    into each locale's .po (see ``merge_template``)."""
    from babel.messages.pofile import write_po

    template = extract_suite_template(package_dir)
    with suite_pot_path().open("wb") as f:
        write_po(f, template, width=76, include_lineno=False)
    stats = {"msgids": len(template)}
    for locale in locales:
        merged = merge_template(template, po_path(I18N_DIR, locale, DOMAIN), locale)
        stats.update({f"{locale}.{k}": v for k, v in merged.items()})
    return stats


def compile_po(path: pathlib.Path) -> list[str]:
    """Write the .mo next to the .po at ``path`` (duplicates folded as in
    ``load_po``); return Babel's checker errors and translation conflicts."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po, conflicts = load_po(path)
    catalog = read_po(io.BytesIO(str(po).encode("utf-8")), locale=path.parent.parent.name)
    errors = conflicts + [
        f"{path.name}: {message.id!r}: {error}"
        for message, errs in catalog.check()
        for error in errs
    ]
    with path.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)
    return errors
