"""The slug preview of the dataset and agency forms transliterates Vietnamese
like the server does (ckanext/angiang/slug.py): "Đất đai" -> dat-dai.

The JavaScript runs for real in Node.js (Debian package ``nodejs``, in the
Makefile's APT_PACKAGES): CKAN's own jquery.url-helpers.js, then our
override, either from the source tree or as the bundle the app serves."""

import json
import pathlib
import re
import shutil
import subprocess

import pytest
from ckan.tests import factories

from ckanext.angiang.slug import title_to_name

CKAN_URL_HELPERS = (
    pathlib.Path(__import__("ckan").__file__).parent
    / "public"
    / "base"
    / "javascript"
    / "plugins"
    / "jquery.url-helpers.js"
)
OVERRIDE = (
    pathlib.Path(__import__("ckanext.angiang", fromlist=["x"]).__file__).parent
    / "assets"
    / "js"
    / "slugify-vi.js"
)

# Runs each script file in one context (as a page would), then slugifies the
# titles given as JSON on stdin.
RUNNER = r"""
const vm = require('vm'); const fs = require('fs');
const context = vm.createContext({jQuery: {}});
for (const file of process.argv.slice(1)) {
  vm.runInContext(fs.readFileSync(file, 'utf8'), context, {filename: file});
}
const titles = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(titles.map(t => context.jQuery.url.slugify(t))));
"""

TITLES = [
    "Đất đai",
    "Sở Nông nghiệp và Môi trường",
    "Ủy ban nhân dân tỉnh An Giang",
    "ĐƯỜNG Nguyễn Huệ",
    "Dữ liệu dân số năm 2024",
    "Giá đất: Bảng giá 2025/2026",
    "Thủy lợi & phòng chống thiên tai (ĐBSCL)",
    "Trường THPT Thoại Ngọc Hầu",
]


def slugify(*scripts, titles=TITLES):
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "Node.js missing: install the Debian package nodejs (make install does)"
    result = subprocess.run(
        [node, "-e", RUNNER, *map(str, scripts)],
        input=json.dumps(titles),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(zip(titles, json.loads(result.stdout), strict=True))


def test_ckan_alone_mangles_vietnamese():
    slugs = slugify(CKAN_URL_HELPERS)
    assert slugs["Đất đai"] != "dat-dai"
    assert slugs["Sở Nông nghiệp và Môi trường"] != "so-nong-nghiep-va-moi-truong"


def test_override_previews_what_the_server_will_store():
    slugs = slugify(CKAN_URL_HELPERS, OVERRIDE)
    assert slugs["Đất đai"] == "dat-dai"
    assert slugs["Ủy ban nhân dân tỉnh An Giang"] == "uy-ban-nhan-dan-tinh-an-giang"
    for title, slug in slugs.items():
        assert slug == title_to_name(title), title


def test_override_keeps_ckan_rules_for_the_untrimmed_form():
    # jquery.slug.js calls slugify(value, false) while the user types the
    # name itself: hyphens are kept as typed, letters still transliterated
    node_out = slugify(CKAN_URL_HELPERS, OVERRIDE, titles=["Đất--đai "])
    assert node_out["Đất--đai "] == "dat-dai"


# the dataset form without any agency yet: allow unowned datasets
@pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True)
@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.parametrize("url", ["/organization/new", "/dataset/new"])
def test_forms_load_the_served_override(app, url, tmp_path):
    sysadmin = factories.SysadminWithToken()
    body = app.get(url, headers={"Authorization": sysadmin["token"]}).get_data(as_text=True)
    assert 'data-module="slug-preview-slug"' in body
    scripts = re.findall(r'<script src="([^"]+)"', body)
    main = [s for s in scripts if s.endswith("_main.js")]
    ours = [s for s in scripts if s.endswith("_slugify.js")]
    assert main and ours, scripts
    # loaded after CKAN's main bundle, which defines $.url
    assert scripts.index(ours[0]) > scripts.index(main[0])
    bundle = tmp_path / "slugify.js"
    bundle.write_bytes(app.get(ours[0].split("?")[0]).get_data())
    assert slugify(CKAN_URL_HELPERS, bundle)["Đất đai"] == "dat-dai"
