"""The in-process docsets (ckanext.angiang.search.docsets): the same answers
as the SQL statements, for every query shape they take; the shapes they do
not take go to SQL; and they follow every write to the index, from this
process or another connection."""

import time

import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa

from ckanext.angiang.search import docsets

from .helpers import SEARCH_PLUGINS, names
from .helpers import search as anon_search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS),
    # on here even in the SQL-only run of make test (each test compares)
    pytest.mark.ckan_config("ckanext.angiang.search.docsets", "true"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

FACETS = ["organization", "groups", "tags", "res_format", "license_id"]

TITLES = [
    "Dữ liệu dân số tỉnh An Giang",
    "Dân số theo xã",
    "Số liệu dân cư",
    "Đất đai và quy hoạch",
    "Bảng giá đất",
    "Dat dai khong dau",
    "Giáo dục phổ thông",
    "Trường học",
    "Y tế cơ sở",
    "Bệnh viện tỉnh",
    "Giao thông nông thôn",
    "Nông nghiệp lúa gạo",
    "Thủy sản cá tra",
    "Du lịch Châu Đốc",
    "Môi trường nước",
    "Doanh nghiệp đăng ký",
    "Ngân sách xã",
    "Lao động việc làm",
    "Hộ nghèo",
    "Chợ và siêu thị",
]
TAGS = ["lúa", "tôm", "đất", "dân-số", "giá", "nước"]
FORMATS = ["CSV", "XLSX", "JSON", "PDF"]
LICENSES = ["cc-by", "cc-zero", "odc-odbl"]


def held():
    return docsets.for_engine(model.meta.engine)


@pytest.fixture
def catalogue():
    """Three agencies, two groups, 40 datasets: Vietnamese titles (some
    repeated, so that ranks tie), tags, formats, licences; every fifth
    private, one draft, one deleted. Returns (member of agency 0, agencies)."""
    member = factories.User()
    orgs = [
        factories.Organization(
            name=f"so-{i}",
            title=f"Sở {i}",
            users=[{"name": member["name"], "capacity": "editor"}] if i == 0 else [],
        )
        for i in range(3)
    ]
    groups = [factories.Group(name=f"nhom-{i}") for i in range(2)]
    for n in range(40):
        kw = dict(
            name=f"ds-{n:02d}",
            title=TITLES[n % len(TITLES)],
            notes=f"Mô tả {TITLES[(n * 7) % len(TITLES)]}",
            owner_org=orgs[n % 3]["id"],
            private=n % 5 == 4,
            license_id=LICENSES[n % 3],
            tags=[{"name": TAGS[n % 6]}, {"name": TAGS[(n * 5 + 1) % 6]}],
            resources=[{"url": f"http://example.org/{n}", "format": FORMATS[n % 4]}],
        )
        if n % 4 == 0:
            kw["groups"] = [{"id": groups[n % 2]["id"]}]
        factories.Dataset(**kw)
    factories.Dataset(name="nhap", title="Dân số nháp", state="draft", owner_org=orgs[0]["id"])
    gone = factories.Dataset(name="da-xoa", title="Dân số đã xóa", owner_org=orgs[0]["id"])
    helpers.call_action("package_delete", id=gone["id"])
    return member, orgs


def both(ckan_config, params, context=None):
    """package_search answered from memory and by SQL:
    (memory's result, SQL's result, whether memory answered)."""

    def run():
        ctx = dict(context) if context else {"ignore_auth": False, "user": ""}
        return anon_search(context=ctx, **dict(params))

    ckan_config["ckanext.angiang.search.docsets"] = True
    before = held().answered
    memory = run()
    answered = held().answered > before
    ckan_config["ckanext.angiang.search.docsets"] = False
    sql = run()
    ckan_config["ckanext.angiang.search.docsets"] = True
    return memory, sql, answered


def same(memory, sql):
    assert memory["count"] == sql["count"]
    assert names(memory) == names(sql)
    assert memory["search_facets"] == sql["search_facets"]


IN_MEMORY = [
    {"q": "dân số"},
    {"q": "dan so"},
    {"q": "Đất đai"},
    {"q": "dat dai -lúa"},
    {"q": "du lieu dan so"},  # CKAN's mm: 3 of 3 words
    {"q": "dân số tỉnh an giang xã"},  # 6 words, mm 80%
    {"q": "*:*"},
    {},
    {"q": "!!!"},
    {"q": "tags:lúa"},
    {"q": "tags:lúa OR tags:tôm"},
    {"q": "organization:so-1 AND res_format:CSV"},
    {"q": "-organization:so-1"},
    {"q": "+res_format:CSV -tags:lúa"},
    {"q": "groups:nhom-1 OR (license_id:cc-by AND NOT tags:giá)"},
    {"q": "tags:lúa OR *:*"},
    {"q": "+tags:lúa -*:*"},
    {"fq": "tags:đất", "q": "giá"},
    {"fq": "+dataset_type:dataset", "q": "dan so"},
    {"q": "dan so", "sort": "title_string asc"},
    {"q": "*:*", "sort": "title_string desc"},
    {"q": "*:*", "sort": "metadata_modified desc"},
    {"q": "*:*", "sort": "name asc"},
    {"q": "dân", "sort": "score desc, metadata_modified desc"},
    {"q": "dân", "sort": "score desc, name desc"},
    {"q": "*:*", "sort": "id asc"},
    {"q": "xa", "facet.field": FACETS, "facet.limit": -1},
    {"q": "*:*", "facet.field": FACETS, "facet.limit": 2},
    {"q": "*:*", "facet.field": ["tags"], "facet.mincount": 4},
    # CKAN's dataset count of every agency and group (get_group_dataset_counts:
    # agency pages, the agency list, every dataset page's agency box)
    {"fq": "dataset_type:dataset", "facet.field": ["groups", "owner_org"], "facet.limit": -1},
    {"fq": "entity_type:package", "facet.field": ["groups", "owner_org"], "facet.limit": -1},
    {"q": "khong co tu nay"},
]

IN_SQL = [
    {"q": "name:ds-01"},
    {"q": "title:đất"},
    {"q": "metadata_modified:[* TO NOW]"},
    {"q": "dan*"},
    {"q": '"dân số"'},  # a phrase: needs word positions
    {"q": "dân-số"},  # one term of two words, also a phrase
    {"q": "*:*", "facet.field": ["extras_theme"]},
    {"q": "dan", "sort": "metadata_modified desc, score desc"},
]


class TestSameAnswers:
    def test_in_memory_shapes(self, catalogue, ckan_config):
        member, _ = catalogue
        for params in IN_MEMORY:
            for page in ({"rows": 100}, {"rows": 7, "start": 7}):
                memory, sql, answered = both(ckan_config, {**params, **page})
                assert answered, params
                same(memory, sql)
        # as a member of an agency (its private datasets, permission labels)
        ctx = {"ignore_auth": False, "user": member["name"]}
        for params in (
            {"q": "dân số", "include_private": True},
            {"q": "*:*", "include_private": True, "facet.field": FACETS},
            {"q": "*:*", "include_drafts": True, "include_private": True},
        ):
            memory, sql, answered = both(ckan_config, params, ctx)
            assert answered, params
            same(memory, sql)
        # anonymous visitors never see private datasets, members do
        anon, _, _ = both(ckan_config, {"q": "*:*", "rows": 100})
        mine, _, _ = both(ckan_config, {"q": "*:*", "rows": 100, "include_private": True}, ctx)
        assert anon["count"] == 32
        assert mine["count"] == 32 + 3  # agency 0's private ones
        assert "nhap" not in names(mine) and "da-xoa" not in names(mine)

    def test_other_shapes_go_to_sql(self, catalogue, ckan_config):
        for params in IN_SQL:
            memory, sql, answered = both(ckan_config, {**params, "rows": 100})
            assert not answered, params
            same(memory, sql)

    @pytest.mark.ckan_config("ckanext.angiang.search.rank_normalization", "33")
    def test_rank_plus_one_goes_to_sql(self, catalogue, ckan_config):
        """rank / (rank + 1) of several words can't be taken apart by word."""
        memory, sql, answered = both(ckan_config, {"q": "dân số", "rows": 100})
        assert not answered
        same(memory, sql)

    @pytest.mark.ckan_config("ckanext.angiang.search.rescore_window", "3")
    def test_pages_across_the_rescoring_window(self, catalogue, ckan_config):
        seen = []
        for start in range(0, 24, 4):
            memory, sql, answered = both(ckan_config, {"q": "dân số xã", "rows": 4, "start": start})
            assert answered
            same(memory, sql)
            seen += names(memory)
        assert len(seen) == len(set(seen))

    def test_scores_match(self, catalogue, ckan_config):
        """The first pass is PostgreSQL's own ts_rank, taken apart by word."""
        conn = model.Session.connection()
        snap = held().current(
            model.meta.engine,
            docsets._read_key(conn),
            (
                str(ckan_config.get("ckanext.angiang.search.weights")),
                int(ckan_config.get("ckanext.angiang.search.rank_normalization")),
            ),
        )
        mem = snap.score(["dan", "so"])
        rows = model.Session.execute(
            sa.text(
                "SELECT index_id, ts_rank(CAST(:w AS float4[]), tsv_ab, "
                "to_tsquery('simple', 'dan | so'), :n) FROM angiang_search_index"
            ),
            {
                "w": ckan_config.get("ckanext.angiang.search.weights"),
                "n": int(ckan_config.get("ckanext.angiang.search.rank_normalization")),
            },
        ).all()
        assert rows
        for index_id, rank in rows:
            assert mem[snap.ord_of[index_id]] == pytest.approx(rank, rel=1e-5)


@pytest.fixture
def dataset():
    org = factories.Organization()

    def make(**kw):
        return factories.Dataset(owner_org=org["id"], **kw)

    return make


class TestInStep:
    def test_follows_writes(self, dataset):
        ds = dataset(name="mot", title="Alpha")
        loads = held().loads
        assert names(anon_search(q="alpha")) == ["mot"]
        helpers.call_action("package_patch", id=ds["id"], title="Beta")
        assert names(anon_search(q="alpha")) == []
        assert names(anon_search(q="beta")) == ["mot"]
        helpers.call_action("package_patch", id=ds["id"], private=True)
        assert names(anon_search(q="beta")) == []
        helpers.call_action("package_patch", id=ds["id"], private=False)
        dataset(name="hai", title="Beta two")
        assert sorted(names(anon_search(q="beta"))) == ["hai", "mot"]
        helpers.call_action("package_delete", id=ds["id"])
        assert names(anon_search(q="beta")) == ["hai"]
        # after the first read, each write was read row by row
        assert held().loads <= loads + 1

    def test_a_lookup_by_id_or_name_waits_for_no_sync(self, dataset):
        """CKAN's ``search.show`` (each package_show read from the index, e.g.
        the activity stream's after every write of a harvest consumer) is
        answered in SQL without first reading what was written since."""
        ds = dataset(name="mot", title="Alpha")
        assert names(anon_search(q="alpha")) == ["mot"]
        snap = held()._snap
        helpers.call_action("package_patch", id=ds["id"], title="Beta")
        found = anon_search(q=f'name:"mot" OR id:"{ds["id"]}"')
        assert names(found) == ["mot"] and found["results"][0]["title"] == "Beta"
        assert names(anon_search(q=f"id:{ds['id']}")) == ["mot"]
        assert held()._snap is snap
        assert names(anon_search(q="beta")) == ["mot"]  # a word search syncs
        assert held()._snap is not snap

    def test_follows_writes_of_another_connection(self, dataset):
        dataset(name="mot", title="Alpha")
        dataset(name="hai", title="Alpha two")
        assert sorted(names(anon_search(q="alpha"))) == ["hai", "mot"]
        model.Session.remove()
        with model.meta.engine.begin() as other:
            other.execute(sa.text("DELETE FROM angiang_search_index WHERE name = 'hai'"))
        before = held().answered
        assert names(anon_search(q="alpha")) == ["mot"]
        assert held().answered == before + 1

    def test_an_overlong_value_goes_to_sql_while_its_row_lives(self, dataset):
        """A value too long for a facet term ("!tags" instead) cannot be
        counted in memory; once its row is gone, memory answers again."""
        dataset(name="mot", title="Alpha", tags=[{"name": "lúa"}])
        dataset(name="hai", title="Alpha two", tags=[{"name": "lúa"}])
        with model.meta.engine.begin() as other:
            other.execute(
                sa.text(
                    "UPDATE angiang_search_index SET facet_terms = facet_terms "
                    "|| array_to_tsvector(ARRAY['!tags']) WHERE name = 'hai'"
                )
            )
        model.Session.remove()
        before = held().answered
        assert sorted(names(anon_search(q="tags:lúa"))) == ["hai", "mot"]
        assert held().answered == before  # SQL
        with model.meta.engine.begin() as other:
            other.execute(sa.text("DELETE FROM angiang_search_index WHERE name = 'hai'"))
        assert names(anon_search(q="tags:lúa")) == ["mot"]
        assert held().answered == before + 1

    def test_uncommitted_writes_are_searched_in_sql(self, dataset):
        dataset(name="mot", title="Alpha")
        assert names(anon_search(q="alpha")) == ["mot"]
        model.Session.execute(
            sa.text(
                "UPDATE angiang_search_index SET tsv = to_tsvector('simple', "
                "'gamma'), tsv_ab = to_tsvector('simple', 'gamma')"
            )
        )
        before = held().answered
        assert names(anon_search(q="gamma")) == ["mot"]
        assert held().answered == before
        model.Session.rollback()
        assert names(anon_search(q="gamma")) == []
        assert held().answered == before + 1

    def test_rebuilt_when_a_quarter_is_dead(self, dataset, monkeypatch):
        monkeypatch.setattr(docsets, "MIN_DEAD", 0)
        ids = [dataset(name=f"d{i}", title="Alpha")["id"] for i in range(4)]
        assert len(names(anon_search(q="alpha"))) == 4
        loads = held().loads
        for i in ids[:2]:
            helpers.call_action("package_patch", id=i, title="Omega")
        assert len(names(anon_search(q="alpha"))) == 2
        assert held().loads == loads + 1
        snap = held()._snap
        assert snap.size == 4 and snap.dead() == 0

    def test_large_sort_orders_are_read_in_a_thread(self, dataset, monkeypatch):
        """Meanwhile the SQL statements answer, with the same page."""
        monkeypatch.setattr(docsets, "SYNC_SORT_ROWS", 0)
        for i, title in enumerate(["Cam", "Ánh", "Bưởi"]):
            dataset(name=f"d{i}", title=title)
        before = held().answered
        first = names(anon_search(q="*:*", sort="title_string asc"))
        assert held().answered == before  # SQL
        # the title's order, then the index id's (the last key) are read
        for _ in range(100):
            again = names(anon_search(q="*:*", sort="title_string asc"))
            assert again == first
            if held().answered > before:
                break
            time.sleep(0.05)
        assert held().answered == before + 1
        assert set(held()._snap._sorts) == {"title", "index_id"}
        assert first == ["d1", "d2", "d0"]

    def test_a_count_alone_reads_nothing(self, dataset):
        from ckan.lib.search.common import make_connection

        dataset(name="mot", title="Alpha")
        held().clear()
        assert make_connection().search(q="*:*", rows=0).hits == 1
        assert held().empty()
        assert names(anon_search(q="alpha")) == ["mot"]
        assert not held().empty()


class _ReplacedWhileRead(dict):
    """A dict of parsed words that another thread replaces (a
    ``remember`` past MAX_WORDS, a ``clear``) as soon as it is consulted:
    the worst interleaving of two threads of one worker, made certain."""

    def __init__(self, owner, *args):
        super().__init__(*args)
        self.owner = owner

    def _replace(self):
        self.owner.tsqueries = {}

    def __contains__(self, key):
        self._replace()
        return super().__contains__(key)

    def get(self, key, default=None):
        self._replace()
        return super().get(key, default)

    def __getitem__(self, key):
        self._replace()
        return super().__getitem__(key)


class TestThreads:
    def test_parsed_words_replaced_by_another_thread(self, app, dataset):
        """Regression: the parse of a word was checked with ``in`` and then
        read from the attribute again, which another thread may have
        replaced by then: KeyError outside the SQL fall-back, a 500."""
        dataset(name="mot", title="Alpha")
        assert names(anon_search(q="alpha")) == ["mot"]  # parse remembered
        held().tsqueries = _ReplacedWhileRead(held(), held().tsqueries)
        before = held().answered
        res = app.get("/api/3/action/package_search", query_string={"q": "alpha"}, status=200)
        assert [r["name"] for r in res.json["result"]["results"]] == ["mot"]
        assert held().answered == before + 1


class TestChangeCounter:
    @staticmethod
    def counter():
        """(rows, total writes) of the change counter, as committed."""
        with model.meta.engine.connect() as conn:
            return tuple(
                conn.execute(
                    sa.text(f"SELECT count(*), coalesce(sum(writes), 0) FROM {docsets.CHANGES}")
                ).one()
            )

    def test_rows_stay_bounded_as_backends_come_and_go(self, dataset):
        """Regression: the counter kept a row per PostgreSQL backend that
        ever wrote the index, never removed, and every search sums it.
        Ten backends in turn each write once and exit: the count grows by
        ten, the table by one row at most."""
        dataset(name="mot", title="Alpha")
        rows, writes = self.counter()
        engine = sa.create_engine(model.meta.engine.url, poolclass=sa.pool.NullPool)
        try:
            for _ in range(10):
                with engine.connect() as conn:
                    pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
                    conn.execute(sa.text("UPDATE angiang_search_index SET name = name WHERE false"))
                    conn.commit()
                self.wait_until_gone(pid)
        finally:
            engine.dispose()
        now_rows, now_writes = self.counter()
        assert now_writes == writes + 10
        assert now_rows <= rows + 1

    @staticmethod
    def wait_until_gone(pid):
        """A closed connection's backend exits a moment later."""
        for _ in range(250):
            with model.meta.engine.connect() as conn:
                if not conn.execute(
                    sa.text("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = :p)"),
                    {"p": pid},
                ).scalar():
                    return
            time.sleep(0.02)
        raise AssertionError(f"backend {pid} still there")

    def test_searches_follow_writes_of_a_backend_that_took_over_a_row(self, dataset):
        ds = dataset(name="mot", title="Alpha")
        assert names(anon_search(q="alpha")) == ["mot"]
        engine = sa.create_engine(model.meta.engine.url, poolclass=sa.pool.NullPool)
        try:
            for title in ("beta", "gamma"):
                with engine.connect() as conn:
                    pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
                    conn.execute(
                        sa.text(
                            "UPDATE angiang_search_index SET "
                            "tsv = to_tsvector('simple', :t), "
                            "tsv_ab = to_tsvector('simple', :t) WHERE id = :i"
                        ),
                        {"t": title, "i": ds["id"]},
                    )
                    conn.commit()
                self.wait_until_gone(pid)
                model.Session.remove()
                before = held().answered
                assert names(anon_search(q=title)) == ["mot"]
                assert held().answered == before + 1
        finally:
            engine.dispose()
