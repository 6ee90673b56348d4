"""package_search served from PostgreSQL: the q/fq/sort shapes CKAN and the
extensions send, paging, sorting, facets and errors."""

import datetime as dt
import json
import os
import re

import ckan.lib.search as search
import ckan.logic as logic
import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa

from ckanext.angiang.search import backend

from .helpers import SEARCH_PLUGINS, facet, names

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def call(**params):
    return helpers.call_action("package_search", **params)


@pytest.fixture
def agency():
    return factories.Organization(name="so-chung", title="Sở Chung")


@pytest.fixture
def dataset(agency):
    """factories.Dataset in an agency unless one is given (Art. 8.2)."""

    def make(**kw):
        kw.setdefault("owner_org", agency["id"])
        return factories.Dataset(**kw)

    return make


class TestQueryShapes:
    def test_free_text_fields_and_weights(self, dataset):
        org = factories.Organization(name="so-tai-chinh", title="Sở Tài chính")
        dataset(
            name="ngan-sach",
            title="Ngân sách tỉnh",
            owner_org=org["id"],
            notes="Dự toán thu chi",
            tags=[{"name": "tài chính"}],
        )
        dataset(
            name="khac",
            title="Khác",
            resources=[{"url": "http://x/y.csv", "name": "Ngân sách chi tiết"}],
        )
        # title beats a resource name
        assert names(call(q="ngân sách")) == ["ngan-sach", "khac"]
        # the agency's title (its name lost the Vietnamese letters)
        assert names(call(q="Sở Tài chính")) == ["ngan-sach"]
        assert names(call(q="dự toán")) == ["ngan-sach"]
        assert names(call(q='tags:"tài chính"')) == ["ngan-sach"]
        assert names(call(q="title:khác")) == ["khac"]
        assert names(call(q="res_name:chi")) == ["khac"]

    def test_minimum_match_of_ckan_dismax(self, dataset):
        dataset(name="aa", title="alpha beta gamma delta")
        dataset(name="bb", title="alpha beta gamma")
        dataset(name="cc", title="alpha beta")
        # CKAN's mm "2<-1 5<80%": 4 words, 3 must match
        assert sorted(names(call(q="alpha beta gamma delta"))) == ["aa", "bb"]
        assert names(call(q="alpha beta gamma delta"))[0] == "aa"
        # 2 words: both
        assert sorted(names(call(q="alpha gamma"))) == ["aa", "bb"]

    def test_harvest_and_dcat_filters(self, dataset):
        org_a = factories.Organization(name="org-a")
        org_b = factories.Organization(name="org-b")
        org_c = factories.Organization(name="org-c")
        grp = factories.Group(name="grp-x")
        dataset(
            name="d1",
            owner_org=org_a["id"],
            extras=[{"key": "harvest_source_id", "value": "src-1"}],
        )
        dataset(name="d2", owner_org=org_b["id"], groups=[{"id": grp["id"]}])
        dataset(name="d3", owner_org=org_c["id"])
        dataset(name="h1", type="harvest", owner_org=org_c["id"])
        assert names(call(fq='+harvest_source_id:"src-1"')) == ["d1"]
        assert sorted(
            names(call(fq="organization:org-a OR organization:org-b", sort="id asc"))
        ) == ["d1", "d2"]
        assert sorted(names(call(fq="-groups:grp-x -dataset_type:harvest"))) == ["d1", "d3"]
        everything = call(
            fq="+dataset_type:*", include_private=True, **{"fq_list": ["-dataset_type:harvest"]}
        )
        assert "h1" not in names(everything)
        since = (dt.datetime.utcnow() - dt.timedelta(hours=1)).isoformat() + "Z"
        recent = call(fq_list=[f"metadata_modified:[{since} TO NOW]", "-dataset_type:harvest"])
        assert sorted(names(recent)) == ["d1", "d2", "d3"]
        assert call(fq_list=["metadata_modified:[* TO NOW-1DAY]"])["count"] == 0
        result = call(sort="id asc", rows=10)
        ids = [r["id"] for r in result["results"]]
        assert ids == sorted(ids)

    def test_dcat_catalogue_with_modified_since(self, dataset, app):
        dataset(name="d1")
        res = helpers.call_action(
            "package_search",
            q="*:*",
            fq_list=["-dataset_type:harvest", "metadata_modified:[2020-01-01T00:00:00Z TO NOW]"],
        )
        assert names(res) == ["d1"]

    def test_get_index_and_package_show_from_the_index(self, dataset):
        ds = dataset(name="from-index", title="Từ chỉ mục")
        indexed = search.show("from-index")
        assert indexed["id"] == ds["id"]
        assert json.loads(indexed["validated_data_dict"])["title"] == "Từ chỉ mục"
        assert indexed["metadata_modified"].endswith("Z")
        shown = helpers.call_action("package_show", id=ds["id"], use_cache=True)
        assert shown["title"] == "Từ chỉ mục"

    def test_range_and_wildcards(self, dataset):
        dataset(name="warandpeace", extras=[{"key": "issued_date", "value": "2020-05-01"}])
        dataset(name="annakarenina", extras=[{"key": "issued_date", "value": "2024-05-01"}])
        assert names(call(q="name:warand*")) == ["warandpeace"]
        assert names(call(q="name:*karenin?")) == ["annakarenina"]
        assert names(call(q="issued_date:[2023-01-01T00:00:00Z TO *]")) == ["annakarenina"]
        assert names(call(q="issued_date:[* TO 2023-01-01T00:00:00Z}")) == ["warandpeace"]
        assert sorted(names(call(q="name:[a TO b]"))) == ["annakarenina"]

    def test_ext_bbox(self, dataset):
        def geo(x, y):
            return json.dumps({"type": "Point", "coordinates": [x, y]})

        dataset(name="long-xuyen", extras=[{"key": "spatial", "value": geo(105.43, 10.38)}])
        dataset(name="ha-noi", extras=[{"key": "spatial", "value": geo(105.85, 21.03)}])
        dataset(name="no-place")
        assert names(call(ext_bbox="104.5,9.9,106.0,11.0")) == ["long-xuyen"]
        assert sorted(names(call(ext_bbox="100,5,110,25"))) == ["ha-noi", "long-xuyen"]
        with pytest.raises(search.SearchQueryError):
            call(ext_bbox="110,5,100")

    def test_ckanext_spatial_frange_filter_is_understood(self, dataset):
        dataset(
            name="box",
            extras=[
                {
                    "key": "spatial",
                    "value": json.dumps(
                        {
                            "type": "Polygon",
                            "coordinates": [
                                [[105, 10], [106, 10], [106, 11], [105, 11], [105, 10]]
                            ],
                        }
                    ),
                }
            ],
        )
        conn = search.make_connection()
        bf = (
            "div(mul(mul(max(0,sub(min(105.5,maxx),max(104,minx))),"
            "max(0,sub(min(10.5,maxy),max(9,miny)))),2),"
            "add(2.25,mul(sub(maxy,miny),sub(maxx,minx))))"
        )
        hits = conn.search(q="*:*", fq=["{!frange incl=false l=0 u=1}" + bf], fl="name")
        assert [d["name"] for d in hits.docs] == ["box"]
        envelope = "{!field f=spatial_geom}Intersects(ENVELOPE(107, 108, 11, 10))"
        assert conn.search(q="*:*", fq=[envelope]).hits == 0


class TestPagingAndSorting:
    @pytest.fixture
    def catalogue(self, dataset):
        titles = [
            "Đất đai",
            "An ninh",
            "Dân số",
            "Bảo hiểm",
            "Zeta",
            "y tế",
            "Ăn uống",
            "Dân số",
        ] * 3
        for i, title in enumerate(titles):
            dataset(name=f"ds-{i:02d}", title=f"{title} {i % 4}", notes="dữ liệu chung")
        return len(titles)

    @pytest.mark.parametrize(
        "sort",
        [
            None,
            "score desc, metadata_modified desc",
            "title_string asc",
            "title_string desc",
            "metadata_modified desc",
            "metadata_created asc",
            "name asc",
            "id desc",
        ],
    )
    def test_pages_never_overlap_and_counts_are_stable(self, catalogue, sort):
        seen = []
        counts = set()
        for start in range(0, catalogue + 7, 7):
            params = {"q": "dữ liệu", "rows": 7, "start": start}
            if sort:
                params["sort"] = sort
            result = call(**params)
            counts.add(result["count"])
            seen.extend(names(result))
        assert counts == {catalogue}
        assert len(seen) == len(set(seen)) == catalogue

    @pytest.mark.ckan_config("ckanext.angiang.search.rescore_window", "5")
    def test_pages_across_the_rescoring_window(self, catalogue):
        seen = []
        for start in range(0, catalogue, 4):  # pages straddle the window of 5
            result = call(q="dữ liệu dân số", rows=4, start=start)
            seen.extend(names(result))
            assert result["count"] == catalogue
        assert len(seen) == len(set(seen)) == catalogue
        # the window (ranked again on all words) comes first
        first = names(call(q="dữ liệu dân số", rows=5))
        assert seen[:5] == first

    @pytest.mark.ckan_config("ckanext.angiang.search.rescore_window", "2")
    def test_title_matches_rank_first_and_pages_cover_every_match(self, dataset):
        # words in the title, tags or agency rank first (the best 2 ranked
        # again on every field), then words in the description only
        for i in range(5):
            dataset(name=f"title-{i}", title=f"Giá lúa gạo {i}", notes="bảng giá")
        for i in range(6):
            dataset(name=f"notes-{i}", title=f"Bảng {i}", notes="giá lúa gạo theo tháng")
        dataset(name="other", title="Khác", notes="không liên quan")
        seen = []
        for start in range(0, 14, 3):
            result = call(q="lua gao", rows=3, start=start)
            assert result["count"] == 11
            seen.extend(names(result))
        assert len(seen) == len(set(seen)) == 11
        assert set(seen[:5]) == {f"title-{i}" for i in range(5)}
        assert names(call(q="lua gao", rows=11)) == seen

    def test_title_sort_is_vietnamese_alphabetical(self, catalogue):
        titles = [r["title"] for r in call(sort="title_string asc", rows=100)["results"]]
        firsts = []
        for t in titles:
            word = t.rsplit(" ", 1)[0]
            if not firsts or firsts[-1] != word:
                firsts.append(word)
        # a < ă < b < d < đ < y < z, case folded (PostgreSQL ICU "vi")
        assert firsts == ["An ninh", "Ăn uống", "Bảo hiểm", "Dân số", "Đất đai", "y tế", "Zeta"]

    def test_sort_by_metadata_modified(self, catalogue):
        dates = [
            r["metadata_modified"] for r in call(sort="metadata_modified desc", rows=100)["results"]
        ]
        assert dates == sorted(dates, reverse=True)

    def test_sort_without_direction_is_a_query_error(self, app):
        with pytest.raises(search.SearchQueryError):
            call(sort="metadata_modified")
        res = app.get(
            "/api/3/action/package_search",
            query_string={"sort": "title_string sideways"},
            status=400,
        )
        assert res.json["error"]["__type"] == "Search Query Error"


class TestFacets:
    @pytest.fixture
    def catalogue(self, dataset):
        org_a = factories.Organization(name="org-a", title="Sở A")
        org_b = factories.Organization(name="org-b", title="Sở B")
        vocab = helpers.call_action(
            "vocabulary_create", name="chu_de", tags=[{"name": "kinh-te"}, {"name": "y-te"}]
        )
        for i in range(6):
            dataset(
                name=f"a{i}",
                owner_org=(org_a if i < 4 else org_b)["id"],
                tags=[
                    {"name": "chung"},
                    {"name": f"t{i % 2}"},
                    {"name": "kinh-te", "vocabulary_id": vocab["id"]},
                ],
                extras=[{"key": "frequency", "value": "ANNUAL" if i % 3 else "MONTHLY"}],
                resources=[
                    {"url": "http://x/1", "format": "CSV"},
                    {"url": "http://x/2", "format": "CSV"},
                    {"url": "http://x/3", "format": "XLSX" if i == 0 else "CSV"},
                ],
            )

    def test_counts_cover_the_whole_result_not_the_page(self, catalogue):
        result = call(rows=1, **{"facet.field": ["organization", "tags", "res_format"]})
        assert len(result["results"]) == 1 and result["count"] == 6
        assert facet(result, "organization") == {"org-a": 4, "org-b": 2}
        assert facet(result, "tags") == {"chung": 6, "t0": 3, "t1": 3}
        # a dataset with three CSV resources counts once
        assert facet(result, "res_format") == {"CSV": 6, "XLSX": 1}
        titles = {
            i["name"]: i["display_name"] for i in result["search_facets"]["organization"]["items"]
        }
        assert titles == {"org-a": "Sở A", "org-b": "Sở B"}

    def test_facets_follow_the_query(self, catalogue):
        result = call(fq="organization:org-b", **{"facet.field": ["tags", "organization"]})
        assert facet(result, "organization") == {"org-b": 2}
        assert facet(result, "tags") == {"chung": 2, "t0": 1, "t1": 1}

    def test_limit_mincount_and_ties(self, catalogue):
        conn = search.make_connection()
        fields = conn.search(
            q="*:*",
            rows=0,
            facet="true",
            **{
                "facet.field": ["tags"],
                "facet.limit": 2,
                "facet.mincount": 1,
            },
        ).facets["facet_fields"]
        # count descending, equal counts by value: chung 6, then t0 (t0 < t1)
        assert fields["tags"] == ["chung", 6, "t0", 3]
        fields = conn.search(
            q="*:*",
            rows=0,
            facet="true",
            **{
                "facet.field": ["tags"],
                "facet.limit": -1,
                "facet.mincount": 4,
            },
        ).facets["facet_fields"]
        assert fields["tags"] == ["chung", 6]
        fields = conn.search(
            q="*:*",
            rows=0,
            facet="true",
            **{
                "facet.field": ["tags", "organization"],
                "facet.limit": -1,
                "f.organization.facet.limit": 1,
                "facet.sort": "index",
            },
        ).facets["facet_fields"]
        assert fields["tags"] == ["chung", 6, "t0", 3, "t1", 3]
        assert fields["organization"] == ["org-a", 4]

    def test_a_value_too_long_for_a_facet_term_is_still_counted(self, dataset):
        # facet_terms cannot hold a value over 2,046 bytes: the field is then
        # counted in SQL for the searches that match such a row
        long_format = "Đ" * 1500
        dataset(name="long", resources=[{"url": "http://x/1", "format": long_format}])
        dataset(name="short", resources=[{"url": "http://x/1", "format": "CSV"}])
        result = call(**{"facet.field": ["res_format", "organization"]})
        assert facet(result, "res_format") == {long_format: 1, "CSV": 1}
        assert facet(result, "organization") == {"so-chung": 2}
        result = call(q="name:short", **{"facet.field": ["res_format"]})
        assert facet(result, "res_format") == {"CSV": 1}

    @pytest.mark.parametrize("concurrent", ["true", "false"])
    def test_counts_see_the_writes_of_their_own_transaction(
        self, dataset, ckan_config, monkeypatch, concurrent
    ):
        # facets are counted on a second connection only while the
        # transaction has written nothing (it could not see those rows)
        monkeypatch.setitem(ckan_config, "ckanext.angiang.search.concurrent_facets", concurrent)
        first = dataset(name="committed", tags=[{"name": "chung"}])
        unsaved = helpers.call_action(
            "package_create",
            context={"defer_commit": True},
            name="uncommitted",
            owner_org=first["owner_org"],
            tags=[{"name": "chung"}],
        )
        # CKAN indexes on commit; index it in the open transaction instead
        logic.index_update_package({}, unsaved["id"], defer_commit=True)
        result = call(**{"facet.field": ["tags", "organization"]})
        assert result["count"] == 2
        assert facet(result, "tags") == {"chung": 2}
        model.Session.rollback()
        result = call(**{"facet.field": ["tags"]})
        assert result["count"] == 1
        assert facet(result, "tags") == {"chung": 1}

    def test_mincount_zero_does_not_list_values_outside_the_result(self, catalogue):
        result = call(
            fq="organization:org-b", **{"facet.field": ["organization"], "facet.mincount": 0}
        )
        assert facet(result, "organization") == {"org-b": 2}

    def test_extras_and_vocabulary_facets(self, catalogue):
        result = call(**{"facet.field": ["extras_frequency", "vocab_chu_de", "license_id"]})
        assert facet(result, "extras_frequency") == {"ANNUAL": 4, "MONTHLY": 2}
        assert facet(result, "vocab_chu_de") == {"kinh-te": 6}
        assert names(call(fq="vocab_chu_de:kinh-te", rows=0)) == []
        assert call(fq="vocab_chu_de:kinh-te")["count"] == 6
        assert call(fq="extras_frequency:monthly")["count"] == 2


class TestErrors:
    @pytest.mark.parametrize(
        "q",
        ['title:"unterminated', "name:(a OR b", "metadata_modified:[yesterday TO NOW]", "x:[1 TO"],
    )
    def test_unparseable_queries_are_400_with_a_message(self, app, q):
        res = app.get("/api/3/action/package_search", query_string={"q": q}, status=400)
        assert res.json["error"]["__type"] == "Search Query Error"
        assert (
            "Cannot parse" in res.json["error"]["message"] or "date" in res.json["error"]["message"]
        )
        res = app.get("/dataset/", query_string={"q": q}, status=400)
        assert "Invalid search query" in res.body

    def test_free_text_with_stray_syntax_still_searches(self, dataset):
        dataset(name="dan-so", title="Dân số")
        assert names(call(q='"dân số')) == ["dan-so"]
        assert names(call(q="(dân số")) == ["dan-so"]
        assert names(call(q="dân - số")) == ["dan-so"]

    def test_unsupported_local_parameters(self):
        with pytest.raises(search.SearchError):
            call(q="{!child of=x}y")


class TestIndexLifecycle:
    def test_a_failed_create_leaves_no_index_row(self, dataset, index_rows):
        fail = {"armed": True}

        def refuse(session):
            if fail["armed"]:
                fail["armed"] = False
                raise RuntimeError("commit refused")

        sa.event.listen(model.Session, "before_commit", refuse)
        try:
            with pytest.raises(RuntimeError):
                dataset(name="half-made")
        finally:
            sa.event.remove(model.Session, "before_commit", refuse)
            model.Session.rollback()
        assert "half-made" not in index_rows()
        assert model.Package.get("half-made") is None
        dataset(name="whole")
        assert index_rows() == {"whole": "active"}

    def test_update_delete_purge_follow_the_dataset(self, dataset, index_rows):
        ds = dataset(name="lifecycle", title="Một")
        helpers.call_action("package_patch", id=ds["id"], title="Hai")
        assert names(call(q="hai")) == ["lifecycle"] and call(q="một")["count"] == 0
        helpers.call_action("package_delete", id=ds["id"])
        assert "lifecycle" not in index_rows()  # remove_deleted_packages default
        helpers.call_action("dataset_purge", id=ds["id"])
        assert index_rows() == {}

    def test_clean_db_empties_the_index(self, dataset, index_rows, reset_db):
        dataset(name="stale")
        reset_db()
        assert index_rows() == {}

    # A dropped index table comes back by `ckan db upgrade` only:
    # tests/search/test_schema.py.

    def test_cli_rebuild_clear_check_show(self, dataset, cli, index_rows):
        from ckan.cli.cli import ckan

        dataset(name="one")
        dataset(name="two")
        result = cli.invoke(ckan, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert index_rows() == {}
        result = cli.invoke(ckan, ["search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        assert index_rows() == {"one": "active", "two": "active"}
        result = cli.invoke(ckan, ["search-index", "check"])
        assert "Packages not indexed = 0 out of 2" in result.output
        result = cli.invoke(ckan, ["search-index", "show", "one"])
        assert result.exit_code == 0 and "one" in result.output

    def test_cli_rebuild_fast_in_forked_processes(self, dataset, ckan_config, index_rows):
        # `ckan search-index rebuild-fast` forks a process per CPU; each must
        # not reuse a database connection it inherited (it hangs or fails
        # with "PGRES_TUPLES_OK"): backend._forget_inherited_connections
        import subprocess
        import sys

        for n in range(4):
            dataset(name=f"fast-{n}")
        search.clear_all()
        assert index_rows() == {}
        model.Session.remove()
        ckan_bin = os.path.join(os.path.dirname(sys.executable), "ckan")
        done = subprocess.run(
            [ckan_bin, "-c", ckan_config["__file__"], "search-index", "rebuild-fast"],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Error" not in done.stderr, done.stderr[-2000:]
        assert index_rows() == {f"fast-{n}": "active" for n in range(4)}

    def test_make_connection_is_replaced_everywhere(self):
        import ckan.lib.search.common as common
        import ckan.lib.search.index as index
        import ckan.lib.search.query as query

        import ckanext.harvest.logic.action.update as harvest_update

        for module in (common, index, query, search, harvest_update):
            assert module.make_connection is backend.make_connection, module
        assert search.is_available()

    def test_harvest_source_clear_query(self, dataset, index_rows):
        dataset(name="from-source", extras=[{"key": "harvest_source_id", "value": "src-9"}])
        dataset(name="kept")
        from ckan.common import config

        from ckanext.harvest.logic.action.update import make_connection

        make_connection().delete(
            q=f' +harvest_source_id:"src-9" +site_id:"{config["ckan.site_id"]}" '
        )
        assert index_rows() == {"kept": "active"}


class TestPlans:
    """Word matches use the GIN index by the planner's own choice."""

    @staticmethod
    def fill(n):
        """``n`` rows straight into the index table (the plan is about the
        table, and n package_create calls would take minutes): a word in
        nine rows of ten, and long descriptions, stored out of the row as
        real ones are."""
        model.Session.execute(
            sa.text(
                "INSERT INTO angiang_search_index (index_id, id, site_id, name, "
                "state, capacity, permission_labels, doc, tsv, tsv_ab) "
                "SELECT md5(i::text), i::text, 'default', 'ds-' || i, 'active', "
                "'public', ARRAY['public'], '{}'::jsonb, v.tsv, "
                "ts_filter(v.tsv, '{a,b}') FROM generate_series(1, :n) AS i, "
                "LATERAL (SELECT to_tsvector('angiang_unaccent', "
                "CASE WHEN i % 10 = 0 THEN 'hiem' ELSE 'pho bien' END || ' ' || "
                "(SELECT string_agg(md5((i * 1000 + j)::text), ' ') "
                "FROM generate_series(1, 120) AS j)) AS tsv) AS v"
            ),
            {"n": n},
        )
        model.Session.commit()
        with model.meta.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                sa.text("ANALYZE angiang_search_index")
            )

    def test_a_frequent_word_is_matched_through_the_index(self):
        """Regression: with the column's statistics the planner scanned the
        table (reading every vector) for a frequent word, which the search
        then forced away with SET LOCAL enable_seqscan = off."""
        self.fill(3000)
        plan = "\n".join(
            r[0]
            for r in model.Session.execute(
                sa.text(
                    "EXPLAIN SELECT count(*) FROM angiang_search_index "
                    "WHERE tsv @@ to_tsquery('angiang_unaccent', 'pho')"
                )
            )
        )
        assert "angiang_search_index_tsv_idx" in plan, plan
        assert "Seq Scan" not in plan, plan

    @pytest.mark.ckan_config("ckanext.angiang.search.docsets", "false")
    def test_the_statements_change_no_planner_setting(self, dataset):
        dataset(name="mot", title="Phổ biến")
        sent = []

        def listen(conn, cursor, statement, *args):
            sent.append(statement)

        sa.event.listen(model.meta.engine, "before_cursor_execute", listen)
        try:
            assert names(call(q="pho bien", **{"facet.field": ["tags"]})) == ["mot"]
        finally:
            sa.event.remove(model.meta.engine, "before_cursor_execute", listen)
        assert sent and not [s for s in sent if re.search(r"\bSET\b", s)]
