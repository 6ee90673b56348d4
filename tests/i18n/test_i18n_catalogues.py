"""The translation catalogues: complete in Vietnamese for CKAN core (with our
completion) and for the suite, compilable, placeholders intact; the
extraction keeps existing translations."""

import gettext
import pathlib
import shutil
import subprocess

import polib
import pytest
from babel.messages.catalog import Catalog

from angiang_dev import translation

DATA = pathlib.Path(__file__).parent / "data"
CORE_COMPLETION = translation.po_path(translation.CORE_COMPLETION_DIR, "vi", "ckan")
SUITE_PO = translation.po_path(translation.I18N_DIR, "vi", translation.DOMAIN)


def _show(coverage):
    return "\n".join(["missing:"] + coverage.missing[:50] + ["problems:"] + coverage.problems[:50])


def test_core_catalogue_is_only_partly_translated_upstream():
    # Why the completion exists; if CKAN ever ships a complete catalogue
    # this fails and the completion can be reconsidered.
    upstream = translation.core_coverage("vi", with_completion=False)
    assert upstream.total > 1000
    assert len(upstream.missing) > 100


def test_every_core_msgid_is_translated_with_our_completion():
    coverage = translation.core_coverage("vi")
    assert coverage.complete, _show(coverage)
    assert coverage.translated == coverage.total


def test_every_msgid_of_the_suite_is_translated():
    # Extracted afresh from the code: a `_()` added without a Vietnamese
    # msgstr in ckanext-angiang.po fails here (run `make i18n-coverage`).
    coverage = translation.suite_coverage("vi")
    assert coverage.total > 0
    assert coverage.complete, _show(coverage)


@pytest.mark.parametrize("po", [CORE_COMPLETION, SUITE_PO], ids=["ckan", "ckanext-angiang"])
def test_catalogue_compiles_with_msgfmt_check(po, tmp_path):
    # what compile_catalogs.py compiles: the .po with appended duplicates folded
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt missing: install the Debian package gettext (make install does)"
    folded, _ = translation.load_po(po)
    source = tmp_path / po.name
    source.write_text(str(folded), encoding="utf-8")
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "out.mo"), str(source)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_an_appended_pair_wins_over_an_empty_entry(tmp_path):
    # the workflow of the team: `make i18n-extract` left an empty entry, an
    # engineer appends the translated pair at the end of the file
    po = tmp_path / "vi" / "LC_MESSAGES" / "ckanext-angiang.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: ckanext/angiang/views.py\nmsgid "Agencies"\nmsgstr ""\n\n'
        'msgid "Agencies"\nmsgstr "Cơ quan"\n',
        encoding="utf-8",
    )
    assert translation.compile_po(po) == []
    with po.with_suffix(".mo").open("rb") as f:
        assert gettext.GNUTranslations(f).gettext("Agencies") == "Cơ quan"
    coverage = translation.coverage([(None, "Agencies")], [po], "ckanext-angiang", "vi")
    assert coverage.complete


def test_of_two_appended_translations_the_later_wins(tmp_path):
    po = tmp_path / "vi" / "LC_MESSAGES" / "ckanext-angiang.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Agencies"\nmsgstr "Các cơ quan"\n\n'
        'msgid "Agencies"\nmsgstr "Cơ quan"\n',
        encoding="utf-8",
    )
    errors = translation.compile_po(po)
    assert len(errors) == 1 and "two translations" in errors[0]
    with po.with_suffix(".mo").open("rb") as f:
        assert gettext.GNUTranslations(f).gettext("Agencies") == "Cơ quan"
    coverage = translation.coverage([(None, "Agencies")], [po], "ckanext-angiang", "vi")
    assert coverage.complete and coverage.warnings


def test_completion_keeps_placeholders_and_tags():
    po = polib.pofile(str(CORE_COMPLETION))
    problems = [p for entry in po for p in translation.entry_problems(entry)]
    assert problems == []
    # the catalogue is Vietnamese: one plural form
    assert po.metadata["Plural-Forms"].startswith("nplurals=1")


def test_placeholder_check_catches_a_lost_placeholder():
    entry = polib.POEntry(msgid="Dataset not found: %s", msgstr="Không tìm thấy tập dữ liệu")
    assert translation.entry_problems(entry)
    entry = polib.POEntry(msgid="<b>{n}</b> rows", msgstr="{n} dòng")
    assert any("HTML" in p for p in translation.entry_problems(entry))
    entry = polib.POEntry(msgid="{n} row", msgid_plural="{n} rows", msgstr_plural={0: "{n} dòng"})
    assert translation.entry_problems(entry) == []


def test_completion_uses_the_portal_terms():
    po = {e.msgid: e.msgstr for e in polib.pofile(str(CORE_COMPLETION))}
    assert po["Dataset"] == "Tập dữ liệu"
    assert po["Organizations"] == "Cơ quan"
    assert po["Resources"] == "Tài nguyên"
    assert po["Tags"] == "Từ khóa"
    assert po["License"] == "Giấy phép"
    assert po["Sysadmins"] == "Quản trị hệ thống"


# --- extraction of scheming YAML --------------------------------------------


def _extract(path):
    with path.open("rb") as f:
        return list(translation.extract_scheming_labels(f, None, (), {}))


def test_yaml_extractor_gives_plain_labels_as_msgids_and_bilingual_ones_with_context():
    found = _extract(DATA / "schema.yaml")
    plain = {msg for _, func, msg, _ in found if func is None}
    bilingual = {msg: comments for _, func, msg, comments in found if func == "pgettext"}
    assert plain == {"Plain gettext label", "https://"}
    assert bilingual[("schema.yaml:dataset_fields/title/label", "Title")] == ["vi: Tên tập dữ liệu"]
    assert bilingual[("schema.yaml:dataset_fields/frequency/choices/DAILY/label", "Daily")] == [
        "vi: Hằng ngày"
    ]


def test_yaml_extractor_reports_half_bilingual_and_comma_split_texts():
    found = {
        msg[0]: comments
        for _, func, msg, comments in _extract(DATA / "schema.yaml")
        if func == "pgettext"
    }
    assert found["schema.yaml:dataset_fields/notes/form_placeholder"] == [
        "vi: Nội dung",
        "problem: unexpected keys ['phạm vi và cách dùng'] (quote texts containing commas)",
    ]
    assert "problem: no vi text" in found["schema.yaml:dataset_fields/frequency/help_text"]


def test_merge_keeps_translations_revives_obsolete_ones_and_syncs_yaml_labels(tmp_path):
    po_path = tmp_path / "vi" / "LC_MESSAGES" / "ckanext-angiang.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Kept"\nmsgstr "Được giữ"\n\n'
        'msgid "Appended by hand"\nmsgstr "Thêm tay"\n\n'
        '#~ msgid "Back again"\n#~ msgstr "Đã quay lại"\n\n'
        'msgid "Gone from the code"\nmsgstr "Đã bỏ"\n\n'
        'msgctxt "schema.yaml:f/label"\nmsgid "Label"\nmsgstr "Nhãn cũ"\n',
        encoding="utf-8",
    )
    template = Catalog()
    template.add("Kept", locations=[("ckanext/angiang/views.py", 1)])
    template.add("Appended by hand", locations=[("ckanext/angiang/views.py", 2)])
    template.add("Back again", locations=[("ckanext/angiang/views.py", 3)])
    template.add("New one", locations=[("ckanext/angiang/views.py", 4)])
    template.add(
        "Label",
        locations=[("ckanext/angiang/schemas/schema.yaml", 5)],
        auto_comments=["vi: Nhãn mới"],
        context="schema.yaml:f/label",
    )

    stats = translation.merge_template(template, po_path, "vi")

    po = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(po_path))}
    assert po[(None, "Kept")].msgstr == "Được giữ"
    assert po[(None, "Appended by hand")].msgstr == "Thêm tay"
    assert po[(None, "Back again")].msgstr == "Đã quay lại"
    assert po[(None, "New one")].msgstr == ""
    assert po[("schema.yaml:f/label", "Label")].msgstr == "Nhãn mới"
    assert po[(None, "Gone from the code")].obsolete
    assert po[(None, "Gone from the code")].msgstr == "Đã bỏ"
    assert stats == {"revived": 1, "obsolete": 1}


def test_merge_keeps_a_msgid_only_a_run_time_value_uses(tmp_path):
    """``_(title)`` (facet titles, source types): no extractor sees the
    msgid; marked in the .po, it stays a live entry (it became obsolete, and
    "Frequency" English on Vietnamese pages, before)."""
    po_path = tmp_path / "vi" / "LC_MESSAGES" / "ckanext-angiang.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f"#. {translation.RUNTIME_COMMENT} (tk._(name))\n"
        'msgid "Frequency"\nmsgstr "Tần suất"\n\n'
        'msgid "Gone from the code"\nmsgstr "Đã bỏ"\n',
        encoding="utf-8",
    )
    template = Catalog()
    template.add("Kept", locations=[("ckanext/angiang/views.py", 1)])

    translation.merge_template(template, po_path, "vi")

    po = {e.msgid: e for e in polib.pofile(str(po_path))}
    assert not po["Frequency"].obsolete and po["Frequency"].msgstr == "Tần suất"
    assert po["Gone from the code"].obsolete


def test_suite_template_has_the_schema_labels_and_python_strings():
    template = translation.extract_suite_template()
    files = {path for message in template for path, _ in message.locations}
    assert any(path.endswith(".py") for path in files)
    assert any("/schemas/" in path for path in files), "scheming labels must reach the .pot"
