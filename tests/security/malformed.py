"""The malformed inputs of the bad-input sweep (issue 17, item 8).

``cases(w)`` builds them for a world ``w`` (ids of a public and a private
dataset, a resource, two agencies). Each case is a :class:`Case`: who sends
it, how, and whether it must be refused with a 4xx (the inputs the issue
saw answered with a 500, and whatever cannot be valid); every other case
must only avoid 5xx and internals (a search for ``((`` may well answer 200).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

NUL = "\x00"
BIG = 10**30
DEEP = "[" * 10000 + "]" * 10000


@dataclass
class Case:
    label: str
    method: str  # GET, JSON, RAW, FORM
    path: str
    who: str = "anonymous"  # anonymous, sysadmin, member_of_a
    body: Any = None
    content_type: str | None = None
    refuse: bool = False  # must answer 4xx
    headers: dict = field(default_factory=dict)


def get(path, who="anonymous", refuse=False, label=None):
    return Case(label or f"GET {path[:70]}", "GET", path, who, refuse=refuse)


def post(action, body, who="sysadmin", refuse=True, label=None):
    shown = body
    if isinstance(body, dict) and "quality_statement" in body:  # a whole dataset: its odd fields
        shown = _odd(body)
    return Case(
        label or f"POST {action} {_short(shown) if isinstance(shown, dict) else shown}",
        "JSON",
        f"/api/action/{action}",
        who,
        body,
        refuse=refuse,
    )


#: fields a case changes in an otherwise valid dataset (shown in its label)
ODD_FIELDS = (
    "name",
    "title",
    "notes",
    "tags",
    "resources",
    "extras",
    "groups",
    "owner_org",
    "private",
    "license_id",
    "theme",
    "frequency",
    "no_state_secret",
    "issued",
    "spatial_code",
    "id",
)


def raw(path, data, content_type="application/json", who="sysadmin", label=None):
    return Case(
        label or f"RAW {path} {data[:40]!r}", "RAW", path, who, data, content_type, refuse=True
    )


def form(path, data, who="sysadmin", refuse=False, label=None):
    shown = _odd(data) if "quality_statement" in data else data
    return Case(label or f"FORM {path} {_short(shown)}", "FORM", path, who, data, refuse=refuse)


def _odd(body: dict) -> dict:
    """The fields of a dataset body that differ from a valid dataset's."""
    valid = {"title": "Danh sách trường học năm 2025", "notes": "Các trường học trên địa bàn tỉnh."}
    odd = {k: body[k] for k in ODD_FIELDS if k in body and body[k] != valid.get(k, object())}
    if isinstance(odd.get("owner_org"), str) and odd["owner_org"].count("-") == 4:
        del odd["owner_org"]  # an agency's id: not what the case is about
    return odd


def q(value: Any) -> str:
    return quote(str(value), safe="")


SEARCH_Q = [
    "a\x00b",
    "((",
    "))",
    "title:",
    ":",
    "*:*)",
    '"unterminated',
    "[a TO",
    "{!func}x",
    "title:[* TO",
    "AND",
    "OR OR",
    "NOT",
    "-",
    "+",
    "\\",
    "?",
    "~",
    "^",
    "name:*",
    "metadata_modified:[NOW-1DAY TO garbage]",
    "metadata_modified:[2020-13-45 TO *]",
    "x" * 20000,
    "(" * 3000 + "a" + ")" * 3000,
    "a " * 3000,
    "title:" + "x" * 3000,
    "\u202e",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "%",
    "'; DROP TABLE package; --",
    'tags:"',
    "res_format:(",
    "metadata_modified:[* TO NOW+99999999999YEARS]",
    "*" * 500,
    "title:a~abc",
    "a^abc",
]
SEARCH_FQ = [
    "a\x00b",
    "title:(",
    "+state:deleted",
    "capacity:private",
    "permission_labels:*",
    "{!frange l=0}x",
    "{!field f=x}",
    "-",
    "+",
    "((((",
    "[* TO *]",
    "metadata_modified:[x TO y]",
    "id:" + "x" * 5000,
    "{!bbox}",
    "+dataset_type:(",
]
#: (query string, must be refused)
SEARCH_PARAMS = [
    ("defType=edismax&mm=abc%25&q=a+b+c", True),
    ("defType=edismax&mm=inf%25&q=a+b", True),
    ("defType=edismax&mm=1e400%25&q=a+b", True),
    ("defType=edismax&mm=nan%25&q=a+b", True),
    ("defType=dismax&mm=2<abc&q=a+b+c", True),
    ("defType=edismax&mm=<&q=a+b", True),
    ("defType=edismax&mm=3<-&q=a+b", False),
    ("defType=edismax&mm=%25&q=a+b", True),
    ("defType=edismax&mm=-&q=a+b", True),
    ("defType=nonsense&q=a", False),
    ("include_private=maybe", True),
    ("include_drafts=maybe", True),
    ("include_deleted=2x", True),
    ("use_default_schema=xyz", True),
    ("rows=abc", True),
    ("rows=-1", True),
    ("rows=1e3", True),
    (f"rows={BIG}", True),
    ("rows=1&rows=2", True),
    ("rows=", False),
    ("start=abc", True),
    ("start=-1", False),
    (f"start={BIG}", True),
    ("start=1.5", True),
    ("start=1&start=2", True),
    ("q=a&q=b", True),
    ("fq=a&fq=b", True),
    ("sort=nonsense", True),
    ("sort=title", True),
    ("sort=title+asc,+", False),
    ("sort=score+desc;", True),
    ("sort=" + "x" * 1000, True),
    ("sort=title+asc&sort=name+asc", True),
    ("facet.field=notjson", True),
    ("facet.field=[1,2]", True),
    ("facet.field=" + q('{"a":1}'), True),
    ("facet.field=" + q('["' + "x" * 1000 + '"]'), False),
    ("facet.field=" + q('["tags"]') + "&facet.limit=abc", True),
    ("facet.mincount=abc", True),
    ("facet.limit=-5", False),
    (f"facet.limit={BIG}", False),
    ("fl=*,nonexistent", False),
    ("fl=score", False),
    ("fl=", False),
    ("q.op=XOR", False),
    ("ext_bbox=a,b,c,d", True),
    ("ext_bbox=1,2,3", True),
    # out of range and NaN boxes are searched as given (no match, or no filter): no error
    ("ext_bbox=200,100,300,400", False),
    ("ext_bbox=nan,nan,nan,nan", False),
    ("facet=maybe", False),
    ("qf=title^abc&defType=edismax&q=a", False),
]


def search_cases() -> list[Case]:
    out = [get(f"/api/action/package_search?q={q(v)}", refuse=NUL in v) for v in SEARCH_Q]
    out += [get(f"/api/action/package_search?fq={q(v)}", refuse=NUL in v) for v in SEARCH_FQ]
    out += [get(f"/api/action/package_search?{v}", refuse=refuse) for v, refuse in SEARCH_PARAMS]
    for body in [
        {"rows": [1, 2]},
        {"rows": {"a": 1}},
        {"q": ["a"]},
        {"q": {"a": 1}},
        {"fq_list": "x:y"},
        {"fq_list": [1]},
        {"include_private": "maybe"},
        {"include_private": [True]},
        {"facet.field": [1]},
        {"start": 1e308},
        {"rows": 1e308},
        {"sort": ["title asc"]},
    ]:
        # a huge start or rows is a count like another (no result, or all of them)
        out.append(
            post(
                "package_search",
                body,
                who="anonymous",
                refuse=body.get("fq_list") != "x:y"
                and "start" not in body
                and "rows" not in body
                or isinstance(body.get("rows"), (list, dict)),
            )
        )
    return out


def dataset_body(w, **fields) -> dict:
    body = dict(w["dataset_dict"])
    body.update(fields)
    return body


def _short(fields: dict) -> str:
    return json.dumps(
        {
            k: (v[:40] + "..." if isinstance(v, str) and len(v) > 40 else v)
            for k, v in fields.items()
        },
        ensure_ascii=False,
        default=str,
    )[:120]


def write_cases(w) -> list[Case]:
    long_notes = " ".join(f"w{i}" for i in range(200000))
    out = [
        post("package_create", dataset_body(w, name="nul-title", title="a\x00b")),
        post("package_create", dataset_body(w, name="nul-notes", notes="a\x00b")),
        post("package_create", dataset_body(w, name="long-title", title="Tiêu đề " * 100)),
        post(
            "package_create",
            dataset_body(w, name="huge-title", title="từ " * 400000),
            label="POST package_create title 1.2M characters",
        ),
        post(
            "package_create",
            dataset_body(w, name="huge-notes", notes=long_notes),
            label="POST package_create notes of 200,000 distinct words",
        ),
        post(
            "package_create",
            dataset_body(w, name="huge-notes-2", notes="đất " * 600000),
            label="POST package_create notes 2.4M characters",
        ),
        post("package_create", dataset_body(w, name="a\x00b")),
        post("package_create", dataset_body(w, name=["a", "b"])),
        post("package_create", dataset_body(w, name={"a": 1})),
        post("package_create", dataset_body(w, name="tags-str", tags="a,b")),
        post("package_create", dataset_body(w, name="tags-strs", tags=["a", "b"])),
        post("package_create", dataset_body(w, name="tags-nul", tags=[{"name": "a\x00"}])),
        post("package_create", dataset_body(w, name="tags-long", tags=[{"name": "x" * 200}])),
        post("package_create", dataset_body(w, name="tags-nested", tags=[{"name": {"a": 1}}])),
        post("package_create", dataset_body(w, name="res-str", resources="x")),
        post("package_create", dataset_body(w, name="res-int", resources=[1])),
        post(
            "package_create",
            dataset_body(
                w,
                name="res-size",
                resources=[{"url": "https://a.gov.vn/a.csv", "format": "CSV", "size": BIG}],
            ),
        ),
        post(
            "package_create",
            dataset_body(
                w,
                name="res-size-str",
                resources=[{"url": "https://a.gov.vn/a.csv", "format": "CSV", "size": "abc"}],
            ),
        ),
        post("package_create", dataset_body(w, name="extras-str", extras="x")),
        post("package_create", dataset_body(w, name="groups-str", groups="x")),
        post("package_create", dataset_body(w, name="org-list", owner_org=[w["org_a"]])),
        post("package_create", dataset_body(w, name="org-none", owner_org="khong-ton-tai")),
        post("package_create", dataset_body(w, name="priv-maybe", private="maybe")),
        post("package_create", dataset_body(w, name="lic-list", license_id=["CC-BY-4.0"])),
        post("package_create", dataset_body(w, name="theme-str", theme="KHONG")),
        post("package_create", dataset_body(w, name="freq-int", frequency=123)),
        post("package_create", dataset_body(w, name="secret-maybe", no_state_secret="maybe")),
        post("package_create", dataset_body(w, name="issued-bad", issued="2025-13-45")),
        post("package_create", dataset_body(w, name="spatial-bad", spatial_code="99999")),
        post(
            "package_create",
            dataset_body(w, name="deep-title", title=json.loads("[" * 50 + "]" * 50)),
        ),
        post("package_create", dataset_body(w, name="anon"), who="anonymous"),
        post(
            "package_create",
            dataset_body(w, name="other-agency", owner_org=w["org_b"]),
            who="member_of_a",
        ),
        post("package_update", {"id": "khong-ton-tai", "title": "x"}),
        post("package_update", {"id": [w["pub"]], "title": "x"}),
        post("package_update", {"title": "x"}),
        post("package_update", dataset_body(w, id=w["pub"], tags="a,b")),
        post("package_update", dataset_body(w, id=w["pub"], title="a\x00b")),
        post("package_patch", {"id": [w["pub"]], "title": "x"}),
        post("package_patch", {"id": {"a": 1}}),
        post("package_patch", {"id": w["pub"], "tags": "a,b"}),
        post("package_patch", {"id": w["pub"], "private": "maybe"}),
        post("package_patch", {"id": w["pub"], "resources": "x"}),
        post(
            "package_patch",
            {"id": w["pub"], "notes": "đất " * 600000},
            label="POST package_patch notes 2.4M characters",
        ),
        post("resource_create", {"url": "https://a.gov.vn/a.csv", "format": "CSV"}),
        post("resource_create", {"package_id": [w["pub"]], "url": "https://a.gov.vn/a.csv"}),
        post(
            "resource_create",
            {"package_id": w["pub"], "url": "https://a.gov.vn/a.csv", "format": "CSV", "size": BIG},
        ),
        post(
            "resource_create",
            {"package_id": w["pub"], "url": "https://a.gov.vn/a.csv", "format": "CSV", "size": -1},
        ),
        post(
            "resource_create",
            {
                "package_id": w["pub"],
                "url": "https://a.gov.vn/a.csv",
                "format": "CSV",
                "size": "abc",
            },
        ),
        post("resource_create", {"package_id": w["pub"], "url": ["x"], "format": "CSV"}),
        post(
            "resource_create",
            {"package_id": w["pub"], "url": "https://a.gov.vn/a.csv", "format": {"a": 1}},
        ),
        post(
            "resource_create",
            {
                "package_id": w["pub"],
                "url": "https://a.gov.vn/a.csv",
                "format": "CSV",
                "name": "a\x00b",
            },
        ),
        post("resource_update", {"url": "https://a.gov.vn/b.csv"}),
        post("resource_update", {"id": "khong-ton-tai", "url": "https://a.gov.vn/b.csv"}),
        post(
            "resource_update",
            {"id": w["res"], "url": "https://a.gov.vn/b.csv", "format": "CSV", "size": BIG},
        ),
        post("resource_patch", {"id": w["res"], "size": BIG}),
        post("resource_delete", {"id": [w["res"]]}),
        post("bulk_update_public", {"datasets": w["priv"], "org_id": w["org_b"]}),
        post("bulk_update_public", {"datasets": 5, "org_id": w["org_b"]}),
        post("bulk_update_public", {"datasets": {"a": 1}, "org_id": w["org_b"]}),
        post("bulk_update_public", {"datasets": [1, 2], "org_id": w["org_b"]}),
        post("bulk_update_public", {"datasets": [w["priv"]]}),
        post("bulk_update_public", {"datasets": [w["priv"]], "org_id": [w["org_b"]]}),
        post("bulk_update_public", {"org_id": w["org_b"]}),
        post(
            "bulk_update_public", {"datasets": [w["priv"]], "org_id": "khong-ton-tai"}, refuse=False
        ),
        post("bulk_update_public", {"datasets": w["priv"], "org_id": w["org_b"]}, who="anonymous"),
        post("bulk_update_private", {"datasets": w["pub"], "org_id": w["org_b"]}),
        post("bulk_update_delete", {"datasets": w["pub"], "org_id": w["org_b"]}),
        post("organization_create", {"name": "org-users", "title": "T", "users": "x"}),
        post("organization_create", {"name": "org-extras", "title": "T", "extras": "x"}),
        post("organization_create", {"name": ["a"], "title": "T"}),
        post("organization_create", {"name": "org-nul", "title": "a\x00b"}),
        post("organization_create", {"name": "org-long", "title": "Sở " * 300}),
        post("group_create", {"name": "grp-pkgs", "title": "T", "packages": "x"}),
        post("group_create", {"name": "grp-groups", "title": "T", "groups": 5}),
        post("organization_member_create", {"id": w["org_a"], "username": "x", "role": "god"}),
        post("organization_member_create", {"id": w["org_a"], "username": ["x"], "role": "editor"}),
        post("package_collaborator_create", {"id": w["pub"], "user_id": "x", "capacity": "god"}),
        post("dataset_purge", {"id": [w["pub"]]}),
        post("dataset_purge", {}),
        post("user_create", {"name": "a\x00b", "email": "a@b.vn", "password": "12345678abc"}),
        post("user_create", {"name": "u-list", "email": ["a@b.vn"], "password": "12345678abc"}),
        post("user_create", {"name": "u-pw", "email": "a@b.vn", "password": ["x"]}),
        post("api_token_create", {"user": ["x"], "name": "t"}),
        post(
            "member_create",
            {"id": w["org_a"], "object": w["pub"], "object_type": "weird", "capacity": "public"},
        ),
        post(
            "resource_view_create", {"resource_id": w["res"], "view_type": "khong-co", "title": "x"}
        ),
        post("vocabulary_create", {"name": "v", "tags": "x"}),
        post("package_collaborator_list", {"id": w["pub"]}, who="anonymous"),
        post("package_collaborator_list", {"id": "khong-ton-tai"}, who="member_of_a"),
        post("package_collaborator_list", {"id": [w["pub"]]}, who="member_of_a"),
        raw("/api/action/package_search", DEEP, label="RAW package_search JSON nested 10,000 deep"),
        raw(
            "/api/action/package_create",
            '{"title": ' + DEEP + "}",
            label="RAW package_create title nested 10,000 deep",
        ),
        raw(
            "/api/action/package_create",
            '{"extras": [' + "{" * 0 + DEEP + "]}",
            label="RAW package_create extras nested 10,000 deep",
        ),
        raw("/api/action/package_search", "{", label="RAW invalid JSON"),
        raw("/api/action/package_search", "[]", label="RAW top-level array"),
        raw("/api/action/package_search", '"x"', label="RAW top-level string"),
        raw("/api/action/package_search", '{"q": "a\\u0000b"}', label="RAW escaped NUL in q"),
        raw("/api/action/package_search", '{"q": "a\x00b"}', label="RAW raw NUL byte in q"),
        raw(
            "/api/action/resource_create",
            '{"package_id": "' + w["pub"] + '", "url": "https://a.gov.vn/x.csv", "format": "CSV", '
            '"size": 1e400}',
            label="RAW resource size 1e400",
        ),
        raw(
            "/api/action/resource_create",
            '{"package_id": "' + w["pub"] + '", "url": "https://a.gov.vn/x.csv", "format": "CSV", '
            '"size": NaN}',
            label="RAW resource size NaN",
        ),
        Case(
            "RAW body with a byte order mark (read as JSON)",
            "RAW",
            "/api/action/package_search",
            "sysadmin",
            "\ufeff{}",
            "application/json",
        ),
        raw(
            "/api/action/package_search",
            q(DEEP),
            "application/x-www-form-urlencoded",
            label="RAW form body whose key is JSON nested 10,000 deep",
        ),
    ]
    out += [
        post(
            "angiang_page_update", {"name": "khong-co", "lang": "vi", "title": "a", "content": "b"}
        ),
        post("angiang_page_update", {"name": "about", "lang": "xx", "title": "a", "content": "b"}),
        post("angiang_page_update", {"name": ["about"], "lang": "vi", "title": "a"}),
        post(
            "angiang_page_update", {"name": "about", "lang": "vi", "title": "a\x00", "content": "b"}
        ),
        post(
            "angiang_page_update",
            {"name": "about", "lang": "vi", "title": "a", "content": "b"},
            who="member_of_a",
        ),
        post("angiang_review_source_exempt", {"source": ["x"]}),
        post("angiang_review_source_exempt", {"source": w["pub"], "exempt": "maybe"}),
        post("angiang_review_source_exempt", {"source": "khong-ton-tai"}),
        post("angiang_review_approve", {"id": "khong-ton-tai"}),
        post("angiang_review_approve", {"id": w["priv"]}, who="member_of_a"),
        post("angiang_review_reject", {"id": {"a": 1}}),
        post("angiang_review_policy_update", {"agency": w["org_b"], "required": "maybe"}),
        post(
            "angiang_review_policy_update",
            {"agency": w["org_b"], "required": False},
            who="member_of_a",
        ),
        post(
            "angiang_catalogue_entry_create",
            {
                "code": "X.1",
                "title": "a",
                "agency": w["org_b"],
                "frequency": "whenever",
                "due_date": "2026-13-40",
            },
        ),
        post("angiang_catalogue_entry_create", {"code": "a\x00b", "title": "a", "agency": "khong"}),
        post(
            "angiang_catalogue_entry_create",
            {"code": "X.2", "title": "a", "agency": w["org_b"]},
            who="member_of_a",
        ),
        post("angiang_catalogue_entry_update", {"code": "KHONG.CO", "title": "a"}),
        post("angiang_catalogue_entry_withdraw", {"code": "KHONG.CO"}),
        post("angiang_catalogue_import", {"decision_number": "1/QĐ", "decision_date": "x"}),
    ]
    return out


def read_cases(w) -> list[Case]:
    a = "/api/action/"
    paths = [
        (f"{a}package_show?id=x%00", True),
        (f"{a}package_show?id=a&id=b", True),
        (f"{a}package_show", True),
        (f"{a}package_show?id=", True),
        (f"{a}resource_show?id=khong-ton-tai", True),
        (f"{a}resource_show?id=%00", True),
        (f"{a}organization_show?id=%00", True),
        (f"{a}organization_show?id={w['org_b']}&include_datasets=maybe", False),
        (f"{a}organization_list?limit=abc", True),
        (f"{a}organization_list?offset=-1", True),
        (f"{a}organization_list?sort=garbage", False),
        (f"{a}organization_list?all_fields=maybe", False),
        (f"{a}group_list?limit={BIG}", False),
        (f"{a}tag_list?vocabulary_id=%00", True),
        (f"{a}tag_list?vocabulary_id=khong-ton-tai", True),
        (f"{a}tag_show?id=khong-ton-tai", True),
        (f"{a}tag_autocomplete?q=%00", True),
        (f"{a}tag_autocomplete?q=a&limit=abc", True),
        (f"{a}package_autocomplete?q=%00", True),
        (f"{a}package_autocomplete?q=a&limit=abc", True),
        (f"{a}package_autocomplete?q=a&limit=-1", False),
        (f"{a}user_show?id=%00", True),
        (f"{a}user_list?q=%00", True),
        (f"{a}user_list?limit=abc", True),
        (f"{a}user_list?order_by=khong", False),
        (f"{a}member_list?id={w['org_b']}&object_type=%00", True),
        (f"{a}member_list?id={w['org_b']}&capacity=weird", False),
        (f"{a}member_list?id=khong", True),
        (f"{a}package_collaborator_list?id={w['pub']}", True),
        (f"{a}package_collaborator_list?id=khong-ton-tai", True),
        (f"{a}package_activity_list?id={w['pub']}&limit=abc", True),
        (f"{a}package_activity_list?id={w['pub']}&offset=-1", False),
        (f"{a}package_activity_list?id={w['pub']}&limit={BIG}", False),
        (f"{a}user_activity_list?id=khong-ton-tai", True),
        (f"{a}recently_changed_packages_activity_list?limit=abc", True),
        (f"{a}recently_changed_packages_activity_list?offset=x", True),
        (f"{a}organization_activity_list?id=khong", True),
        (f"{a}dashboard_activity_list", True),
        (f"{a}current_package_list_with_resources?limit=abc", True),
        (f"{a}current_package_list_with_resources?offset=-1", True),
        (f"{a}package_list?limit=-1", True),
        (f"{a}package_list?limit=abc", True),
        (f"{a}package_list?limit=", True),
        (f"{a}package_list?offset=", True),
        (f"{a}current_package_list_with_resources?limit=", True),
        (f"{a}package_activity_list?id={w['pub']}&limit=", True),
        (f"{a}package_activity_list?id={w['pub']}&offset=", True),
        (f"{a}organization_activity_list?id={w['org_b']}&limit=", True),
        (f"{a}recently_changed_packages_activity_list?limit=", True),
        (f"{a}format_autocomplete?q=%00", True),
        (f"{a}help_show?name=khong", True),
        (f"{a}status_show?x=%00", True),
        (f"{a}khong_co_action", True),
        (f"{a}dcat_catalog_search?page=abc", True),
        (f"{a}dcat_catalog_search?page=-1", True),
        (f"{a}dcat_catalog_show?format=nonsense", True),
        (f"{a}dcat_dataset_show?id={w['pub']}&format=nonsense", True),
        (f"{a}dcat_dataset_show?id={w['priv']}&format=ttl", True),
        (f"{a}angiang_agency_tree?x=%00", True),
        (f"{a}package_search?q=&rows=1000000", False),
        # the portal's own actions: the catalogue, usage, pages, review
        (f"{a}angiang_catalogue_entry_list?publication_status=khong", True),
        (f"{a}angiang_catalogue_entry_list?agency=%00", True),
        (f"{a}angiang_catalogue_entry_list?include_withdrawn=maybe", True),
        (f"{a}angiang_catalogue_entry_show?code=%00", True),
        (f"{a}angiang_catalogue_entry_show?code=a&code=b", True),
        (f"{a}angiang_catalogue_entry_show", True),
        (f"{a}angiang_catalogue_decision_list?x=%00", False),
        (f"{a}angiang_usage_top?limit=abc", True),
        (f"{a}angiang_usage_top?limit=-1", True),
        (f"{a}angiang_usage_top?limit={BIG}", False),
        (f"{a}angiang_usage_top?period=2026H3", True),
        (f"{a}angiang_usage_summary?id=khong-ton-tai", True),
        (f"{a}angiang_usage_summary?id={w['priv']}", True),
        (f"{a}angiang_usage_summary?agency=%00", True),
        (f"{a}angiang_compliance_summary", True),
        (f"{a}angiang_compliance_summary?agency=%00", True),
        (f"{a}angiang_integrity_report", True),
        (f"{a}angiang_report_show?period=2026H1", True),
        (f"{a}angiang_review_list?agency={w['org_b']}", True),
        (f"{a}angiang_review_show?id={w['priv']}", True),
        (f"{a}angiang_review_show?id=%00", True),
        (f"{a}angiang_page_show?name=khong", True),
        (f"{a}angiang_page_show?name=about&lang=xx", True),
        (f"{a}angiang_page_show?name=about&lang=%00", True),
        (f"{a}angiang_page_list?x=%00", False),
    ]
    sysadmin_paths = [
        (f"{a}angiang_compliance_summary?agency=khong-ton-tai", True),
        (f"{a}angiang_report_show?period=2026H3", True),
        (f"{a}angiang_report_show?period=%00", True),
        (f"{a}angiang_report_show", True),
        (f"{a}angiang_integrity_report?limit=abc", True),
    ]
    return [get(path, refuse=refuse) for path, refuse in paths] + [
        get(path, who="sysadmin", refuse=refuse) for path, refuse in sysadmin_paths
    ]


def dcat_cases(w) -> list[Case]:
    paths = [
        ("/catalog.nonsense", True),
        ("/catalog.ttl?page=abc", True),
        ("/catalog.ttl?page=0", True),
        ("/catalog.ttl?page=-1", True),
        (f"/catalog.ttl?page={BIG}", False),
        ("/catalog.ttl?modified_since=abc", True),
        ("/catalog.ttl?modified_since=99999-01-01", True),
        (f"/catalog.ttl?modified_since={BIG}", True),
        ("/catalog.ttl?q=%00", True),
        ("/catalog.ttl?fq=title:((", False),
        ("/catalog.ttl?q=((", False),
        ("/catalog.ttl?profiles=khong_co", True),
        ("/catalog.ttl?profiles=%00", True),
        ("/catalog.jsonld?q=a&q=b", False),
        ("/catalog.xml?page=1e3", True),
        ("/catalog.rdf?modified_since=2025-01-01T99:00", True),
        ("/catalog.n3?fq=%2Bcapacity:private", False),
        (f"/dataset/{w['pub_name']}.nonsense", True),
        (f"/dataset/{w['priv_name']}.ttl", True),
        ("/dataset/khong-ton-tai.ttl", True),
        (f"/dataset/{w['pub_name']}.ttl?profiles=khong", True),
        ("/dataset/a%00b.ttl", True),
        (f"/dataset/{w['pub_name']}.jsonld?profiles=%00", True),
        ("/catalog.%00", True),
        ("/catalog." + "x" * 300, True),
    ]
    return [get(path, refuse=refuse) for path, refuse in paths]


def page_cases(w) -> list[Case]:
    paths = [
        ("/dataset/?q=%00", True),
        ("/dataset/?q=((", False),
        ("/dataset/?sort=nonsense", False),
        ("/dataset/?page=abc", False),
        ("/dataset/?page=-1", False),
        (f"/dataset/?page={BIG}", False),
        ("/dataset/?ext_bbox=garbage", False),
        ("/dataset/?q=" + "x" * 20000, False),
        ("/dataset/?tags=%00", True),
        ("/dataset/?res_format=a&res_format=%00", True),
        ("/dataset/a%00b", True),
        (f"/dataset/{w['priv_name']}", True),
        ("/dataset/%00/resource/x", True),
        (f"/dataset/{w['pub_name']}/resource/khong", True),
        ("/organization/?q=%00", True),
        ("/organization/?page=abc", False),
        ("/organization/a%00b", True),
        (f"/organization/{w['org_b_name']}?q=((", False),
        (f"/organization/{w['org_b_name']}?page=-5", False),
        ("/group/?page=abc", False),
        ("/user/a%00b", True),
        (f"/dataset/activity/{w['pub_name']}?offset=abc", False),
        (f"/dataset/activity/{w['pub_name']}?before=abc", False),
        (f"/organization/activity/{w['org_b_name']}?activity_type=x", False),
        ("/dashboard/datasets", False),
        ("/feeds/dataset.atom?page=abc", False),
        ("/feeds/custom.atom?q=%00", True),
        ("/feeds/tag/%00.atom", True),
        ("/api/i18n/%00", True),
        ("/healthz?x=%00", True),
        ("/licenses/%00", True),
        ("/agencies?x=%00", True),
        ("/dataset/new?x=%00", True),
        ("/%00", True),
        ("/dataset/?q=a\u202eb", False),
        ("/dataset/?facet.limit=abc", False),
        ("/dataset/?_tags_limit=abc", False),
        ("/dataset/?sort=title+asc&sort=x", False),
    ]
    out = [get(path, refuse=refuse) for path, refuse in paths]
    new = "/dataset/new"
    base = dict(w["form_dict"])
    out += [
        form(new, dict(base, name="f-nul", title="a\x00b"), refuse=True),
        form(new, dict(base, name="f-notes-nul", notes="a\x00b"), refuse=True),
        form(new, dict(base, name="f-long", title="Tiêu đề " * 100)),
        form(
            new,
            dict(base, name="f-huge", notes="đất " * 600000),
            label="FORM /dataset/new notes 2.4M characters",
        ),
        form(new, dict(base, name="f-tags", tags="a,b"), refuse=True),
        form(new, dict(base, name="f-org", owner_org="khong-ton-tai")),
        form(
            f"/dataset/{w['pub_name']}/resource/new",
            {"url": "https://a.gov.vn/y.csv", "format": "CSV", "save": "go-metadata"},
            refuse=True,
            label="FORM resource form without its id",
        ),
        form(
            f"/dataset/{w['pub_name']}/resource/new",
            {"id": "", "url": "https://a.gov.vn/y.csv", "format": "CSV"},
            refuse=True,
            label="FORM resource form without save",
        ),
        form(
            f"/dataset/{w['pub_name']}/resource/new",
            {
                "id": "",
                "save": "go-metadata",
                "url": "https://a.gov.vn/y.csv",
                "format": "CSV",
                "size": str(BIG),
            },
            label="FORM resource form size 10**30",
        ),
        form(
            f"/dataset/{w['pub_name']}/resource/{w['res']}/edit",
            {
                "id": w["res"],
                "save": "",
                "url": "https://a.gov.vn/y.csv",
                "format": "CSV",
                "size": str(BIG),
            },
        ),
        form(
            f"/dataset/edit/{w['pub_name']}",
            dict(base, name=w["pub_name"], title="a\x00b"),
            refuse=True,
        ),
        form(
            f"/dataset/edit/{w['pub_name']}", dict(base, name=w["pub_name"], tags="x"), refuse=True
        ),
        form(
            f"/dataset/edit/{w['priv_name']}",
            dict(base, name=w["priv_name"], title="chiếm"),
            who="member_of_a",
            refuse=True,
        ),
        form("/organization/new", {"name": "o-nul", "title": "a\x00b"}, refuse=True),
        form("/organization/new", {"name": "o-long", "title": "Sở " * 300}),
        form(
            f"/dataset/{w['pub_name']}/resource/new",
            {
                "id": "",
                "save": "go-metadata",
                "url": "https://a.gov.vn/y.csv",
                "format": "CSV",
                "name": "a\x00b",
            },
            refuse=True,
        ),
    ]
    return out


def cases(w) -> list[Case]:
    return search_cases() + write_cases(w) + read_cases(w) + dcat_cases(w) + page_cases(w)
