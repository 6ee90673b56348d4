"""Benchmark of the PostgreSQL search backend (angiang_search).

    .venv/bin/python benchmarks/search.py [--sizes 2000 20000] [--queries 200]

Generates a realistic catalogue (Vietnamese titles and descriptions, 30
agencies, 10 groups, tags, formats, licences, 10% private) in a database of
its own (``angiang_bench_search``, created by scripts/services.sh, its tables
dropped and recreated on every run), rebuilds the search index with CKAN's
own ``search.rebuild`` and measures, at each size and in one run:

- ``package_search`` p50/p95 (as an anonymous visitor, 20 rows) for free
  text, free text + 5 facets, filter only, and sorting by title, as the
  portal answers them (from the in-process docsets), then again by the SQL
  statements alone (docsets off), for comparison;
- ``package_show`` p50, the baseline;
- the time and resident memory to read the docsets (a process's first
  search), and the time of the first search after a write;
- index rebuild throughput (datasets/s), split into CKAN's share (its
  dictization and index document) and ours (document -> row, SQL upsert):
  the first size with one process (``ckan search-index rebuild``), the
  rest with a process per CPU (``ckan search-index rebuild-fast``);
- peak memory (RSS of this process) and the size of the index table;
- the floor: counting the matches of the most frequent query in SQL alone.

After indexing, each size is vacuumed and analysed (:func:`steady_state`)
before it is measured.

The datasets are written straight into CKAN's tables (the benchmark is about
search, and 20,000 package_create calls would take most of an hour); their
search index is then built by CKAN's indexer exactly as
``ckan search-index rebuild`` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import time
import uuid

from common import ROOT, boot, database_url, load_average, make_database, write_ini

DB = "angiang_bench_search"

SUBJECTS = [
    "dân số",
    "đất đai",
    "giáo dục",
    "y tế",
    "giao thông",
    "nông nghiệp",
    "thủy sản",
    "lúa gạo",
    "du lịch",
    "môi trường",
    "tài nguyên nước",
    "doanh nghiệp",
    "thuế",
    "ngân sách",
    "lao động việc làm",
    "khí tượng thủy văn",
    "an toàn thực phẩm",
    "văn hóa thể thao",
    "xây dựng",
    "quy hoạch sử dụng đất",
    "hộ nghèo",
    "bảo hiểm xã hội",
    "chất lượng không khí",
    "trường học",
    "bệnh viện",
    "chợ",
    "khu công nghiệp",
    "điện lực",
    "cấp nước",
    "biên giới",
]
KINDS = [
    "Danh sách",
    "Số liệu",
    "Thống kê",
    "Bảng giá",
    "Báo cáo",
    "Bản đồ",
    "Danh mục",
    "Kết quả",
    "Chỉ tiêu",
    "Dữ liệu",
]
PLACES = [
    "tỉnh An Giang",
    "phường Long Xuyên",
    "phường Châu Đốc",
    "xã Mỹ Hòa Hưng",
    "xã Phú Tân",
    "phường Rạch Giá",
    "đặc khu Phú Quốc",
    "xã Tri Tôn",
    "xã Tịnh Biên",
    "xã Chợ Mới",
    "phường Hà Tiên",
    "xã Thoại Sơn",
]
AGENCY_KINDS = ["Sở", "Ban", "Ủy ban nhân dân"]
AGENCY_NAMES = [
    "Nông nghiệp và Môi trường",
    "Tài chính",
    "Xây dựng",
    "Y tế",
    "Giáo dục và Đào tạo",
    "Văn hóa Thể thao và Du lịch",
    "Công Thương",
    "Khoa học và Công nghệ",
    "Nội vụ",
    "Tư pháp",
    "Dân tộc và Tôn giáo",
    "Quản lý các khu kinh tế",
    "xã Mỹ Hòa Hưng",
    "phường Long Xuyên",
    "phường Châu Đốc",
    "xã Phú Tân",
    "phường Rạch Giá",
    "đặc khu Phú Quốc",
    "xã Tri Tôn",
    "xã Tịnh Biên",
    "xã Chợ Mới",
    "phường Hà Tiên",
    "xã Thoại Sơn",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Cục Thống kê",
    "Công an tỉnh",
    "Bảo hiểm xã hội",
    "Kho bạc Nhà nước",
    "Đài Phát thanh Truyền hình",
]
TAGS = [s.replace(" ", "-") for s in SUBJECTS] + [
    "mở",
    "2023",
    "2024",
    "2025",
    "hàng-năm",
    "hàng-quý",
    "bản-đồ",
    "thống-kê",
    "api",
    "gis",
    "csv",
    "giá",
    "đất",
    "nước",
    "rừng",
    "biển",
    "lúa",
    "tôm",
    "cá-tra",
]
FORMATS = ["CSV", "XLSX", "JSON", "PDF", "API", "GeoJSON", "XML", "DOCX"]
LICENSES = [
    "cc-by",
    "cc-by-sa",
    "cc-zero",
    "odc-odbl",
    "odc-by",
    "other-open",
    "other-at",
    "notspecified",
]
FREQUENCIES = ["ANNUAL", "QUARTERLY", "MONTHLY", "IRREG", "NEVER"]
SENTENCES = [
    "Dữ liệu được cập nhật định kỳ theo danh mục dữ liệu mở của tỉnh.",
    "Số liệu do cơ quan chuyên môn tổng hợp từ báo cáo của các xã, phường.",
    "Tập dữ liệu phục vụ tra cứu, nghiên cứu và phát triển ứng dụng.",
    "Thông tin được công bố theo Quyết định 62/2024/QĐ-UBND.",
    "Mỗi bản ghi gồm mã đơn vị hành chính, tên chỉ tiêu, giá trị và năm.",
    "Người dùng được sử dụng miễn phí, ghi rõ nguồn khi chia sẻ lại.",
]
FACETS = ["organization", "groups", "tags", "res_format", "license_id"]


def ini_file() -> str:
    return write_ini(
        ROOT / "test.ini",
        {
            "sqlalchemy.url": database_url(DB),
            "ckan.plugins": "angiang_search",
            "licenses_group_url": "",
            "ckan.site_id": "bench",
        },
        level="ERROR",
    )


def reset_database():
    import ckan.model as model
    from ckan.common import config
    from sqlalchemy import engine_from_config

    from ckanext.angiang.search.model import run_migrations

    model.repo.clean_db()
    model.repo.init_db()
    # init_db runs CKAN's migrations, whose environment binds the model to
    # an engine without a pool (ckan/migration/env.py): every session would
    # then open a connection of its own (measured: package_show 5.4 ms
    # instead of 2.0 ms). Bind a pooled engine again, as a web worker has
    # (ckan.config.environment.update_config).
    model.init_model(engine_from_config(dict(config)))
    run_migrations()


def make_agencies_and_groups(rng):
    import ckan.tests.factories as factories  # factories: users, orgs, groups

    site = factories.Sysadmin(name="bench_admin")
    orgs = []
    for i, name in enumerate(AGENCY_NAMES):
        kind = AGENCY_KINDS[0] if i < 12 else ("Ủy ban nhân dân" if i < 23 else "")
        orgs.append(
            factories.Organization(
                name=f"agency-{i:02d}", title=f"{kind} {name}".strip(), user=site
            )
        )
    groups = [
        factories.Group(name=f"group-{i}", title=f"Chủ đề {SUBJECTS[i]}", user=site)
        for i in range(10)
    ]
    return site, orgs, groups


def insert_datasets(rng, count, start, site, orgs, groups, tag_ids):
    """Writes ``count`` datasets with tags, resources and group memberships
    into CKAN's tables (SQL, in batches)."""
    import ckan.model as model

    session = model.Session
    now = dt.datetime.utcnow()
    for batch_start in range(start, start + count, 1000):
        packages, resources, package_tags, members = [], [], [], []
        for i in range(batch_start, min(start + count, batch_start + 1000)):
            pid = str(uuid.uuid4())
            org = rng.choice(orgs)
            subject = rng.choice(SUBJECTS)
            title = (
                f"{rng.choice(KINDS)} {subject} {rng.choice(PLACES)} năm {rng.randint(2015, 2026)}"
            )
            created = now - dt.timedelta(days=rng.randint(0, 2000), seconds=i)
            packages.append(
                dict(
                    id=pid,
                    name=f"ds-{i:06d}",
                    title=title,
                    notes=" ".join(rng.sample(SENTENCES, 3)) + f" Chủ đề: {subject}.",
                    license_id=rng.choice(LICENSES),
                    type="dataset",
                    owner_org=org["id"],
                    creator_user_id=site["id"],
                    metadata_created=created,
                    metadata_modified=created + dt.timedelta(days=rng.randint(0, 300)),
                    private=rng.random() < 0.1,
                    state="active",
                    extras={
                        "frequency": rng.choice(FREQUENCIES),
                        "spatial_code": str(rng.randint(30000, 31000)),
                    },
                    author=org["title"],
                    maintainer="Cán bộ đầu mối",
                )
            )
            members.append(
                dict(
                    id=str(uuid.uuid4()),
                    table_name="package",
                    table_id=pid,
                    capacity="organization",
                    group_id=org["id"],
                    state="active",
                )
            )
            for g in rng.sample(groups, rng.randint(0, 2)):
                members.append(
                    dict(
                        id=str(uuid.uuid4()),
                        table_name="package",
                        table_id=pid,
                        capacity="public",
                        group_id=g["id"],
                        state="active",
                    )
                )
            for tag_id in rng.sample(tag_ids, rng.randint(2, 6)):
                package_tags.append(
                    dict(id=str(uuid.uuid4()), package_id=pid, tag_id=tag_id, state="active")
                )
            for pos in range(rng.randint(1, 4)):
                fmt = rng.choice(FORMATS)
                resources.append(
                    dict(
                        id=str(uuid.uuid4()),
                        package_id=pid,
                        position=pos,
                        url=f"https://opendata.angiang.gov.vn/files/{pid}/{pos}.{fmt.lower()}",
                        format=fmt,
                        name=f"{subject.capitalize()} ({fmt}) phần {pos + 1}",
                        description=rng.choice(SENTENCES),
                        state="active",
                        extras={},
                        created=created,
                        metadata_modified=created,
                    )
                )
        session.execute(model.package_table.insert(), packages)
        session.execute(model.member_table.insert(), members)
        session.execute(model.package_tag_table.insert(), package_tags)
        session.execute(model.resource_table.insert(), resources)
        session.commit()


def make_tags():
    import ckan.model as model

    ids = []
    for name in TAGS:
        tag = model.Tag(name=name)
        model.Session.add(tag)
        model.Session.flush()
        ids.append(tag.id)
    model.Session.commit()
    return ids


def rebuild(package_ids, processes=1):
    """CKAN's indexer over ``package_ids``, as ``ckan search-index rebuild``
    (one process) or ``rebuild-fast`` (one forked process per chunk) do;
    returns (wall seconds, seconds spent in our code, summed over processes)."""
    import multiprocessing as mp

    import ckan.lib.search as search
    import ckan.model as model

    from ckanext.angiang.search import connection

    ours = mp.Value("d", 0.0)
    original_add = connection.PostgresSearchConnection.add

    def timed_add(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original_add(self, *args, **kwargs)
        finally:
            with ours.get_lock():
                ours.value += time.perf_counter() - started

    def work(ids):
        search.rebuild(package_ids=ids, quiet=True)
        model.Session.commit()

    connection.PostgresSearchConnection.add = timed_add
    try:
        model.Session.remove()
        started = time.perf_counter()
        if processes <= 1:
            work(package_ids)
        else:
            children = [
                mp.get_context("fork").Process(target=work, args=(package_ids[i::processes],))
                for i in range(processes)
            ]
            for child in children:
                child.start()
            for child in children:
                child.join()
                if child.exitcode:
                    raise RuntimeError(f"indexing process failed ({child.exitcode})")
        total = time.perf_counter() - started
    finally:
        connection.PostgresSearchConnection.add = original_add
    model.Session.remove()
    return total, ours.value


def steady_state():
    """VACUUM (ANALYZE) the database, as autovacuum does some time after a
    bulk load: both sizes are then measured in the state a portal serves
    from, not while the visibility map and statistics are still stale."""
    import ckan.model as model
    import sqlalchemy as sa

    with model.meta.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM (ANALYZE)"))


def percentile(values, pct):
    values = sorted(values)
    k = (len(values) - 1) * pct / 100.0
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def rss_mb() -> float:
    """Resident memory of this process now (not its peak)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def read_docsets():
    """(seconds, MB resident) to read the whole index into the docsets,
    as a web process does on its first search."""
    import gc

    import ckan.logic as logic
    import ckan.model as model

    from ckanext.angiang.search import docsets

    docsets.for_engine(model.meta.engine).clear()
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    logic.get_action("package_search")({"ignore_auth": True}, {"q": "dân"})
    seconds = time.perf_counter() - started
    model.Session.remove()
    gc.collect()
    return seconds, rss_mb() - before


def after_write(rng, public_ids, times=5):
    """Median ms of a free-text search right after one dataset's index row
    was written (committed): the docsets read the changed row, and the
    search is answered by SQL while the sort orders are read again."""
    import ckan.logic as logic
    import ckan.model as model
    import sqlalchemy as sa

    search = logic.get_action("package_search")
    out = []
    for _ in range(times):
        with model.meta.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE angiang_search_index SET indexed_at = now() WHERE id = :id"),
                {"id": rng.choice(public_ids)},
            )
        started = time.perf_counter()
        search({"ignore_auth": False, "user": ""}, {"q": "dân số", "rows": 20})
        out.append((time.perf_counter() - started) * 1000)
        model.Session.remove()
        time.sleep(0.5)  # the sort orders' thread
    return statistics.median(out)


def measure(rng, n, public_ids, orgs, docsets=True):
    """p50/p95 per kind; ``docsets``: answered from the in-process
    docsets (the portal's default) or by the SQL statements alone."""
    import ckan.logic as logic
    import ckan.model as model
    from ckan.common import config

    config["ckanext.angiang.search.docsets"] = docsets

    anon = lambda: {"ignore_auth": False, "user": ""}  # noqa: E731
    search = logic.get_action("package_search")
    show = logic.get_action("package_show")

    def words():
        subject = rng.choice(SUBJECTS).split()
        if rng.random() < 0.5:  # typed without diacritics half of the time
            from ckanext.angiang.search.text import fold

            subject = [fold(w) for w in subject]
        return " ".join(subject)

    cases = {
        "free text": lambda: search(anon(), {"q": words(), "rows": 20}),
        "free text + 5 facets": lambda: search(
            anon(), {"q": words(), "rows": 20, "facet.field": FACETS}
        ),
        "filter only": lambda: search(
            anon(), {"fq": f'organization:"{rng.choice(orgs)["name"]}" res_format:CSV', "rows": 20}
        ),
        "title sort": lambda: search(
            anon(),
            {"q": "*:*", "sort": "title_string asc", "rows": 20, "start": 20 * rng.randint(0, 20)},
        ),
        "package_show": lambda: show(anon(), {"id": rng.choice(public_ids)}),
    }
    out = {}
    for name, run in cases.items():
        for _ in range(5):  # warm up
            run()
            model.Session.remove()
        times = []
        for _ in range(n):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
            model.Session.remove()
        out[name] = (statistics.median(times), percentile(times, 95))
    config["ckanext.angiang.search.docsets"] = True
    return out


def count_floor(n):
    """The least any exact search backend on PostgreSQL does for the most
    frequent query: count its visible matches (no ranking, no facets, no
    CKAN), as the search plugin's statements reach them (GIN index).
    Returns (query, matches, p50 ms)."""
    import ckan.model as model
    import sqlalchemy as sa

    from ckanext.angiang.search.text import fold

    sql = sa.text(
        "SELECT count(*) FROM angiang_search_index "
        "WHERE tsv @@ plainto_tsquery('angiang_unaccent', :q) "
        "AND site_id = 'bench' AND state = 'active' AND capacity = 'public' "
        "AND permission_labels @> ARRAY['public']"
    )
    session = model.Session
    session.execute(sa.text("SET enable_seqscan = off"))
    counts = {s: session.execute(sql, {"q": fold(s)}).scalar() for s in SUBJECTS}
    query = max(counts, key=counts.get)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        session.execute(sql, {"q": fold(query)}).scalar()
        times.append((time.perf_counter() - started) * 1000)
    session.execute(sa.text("RESET enable_seqscan"))
    model.Session.remove()
    return query, counts[query], statistics.median(times)


def table_size():
    import ckan.model as model
    import sqlalchemy as sa

    return model.Session.execute(
        sa.text("SELECT pg_total_relation_size('angiang_search_index')")
    ).scalar()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument(
        "--queries", type=int, default=200, help="timed calls per query kind and size"
    )
    parser.add_argument("--seed", type=int, default=62)
    args = parser.parse_args(argv)

    make_database(DB)
    ini = ini_file()
    try:
        boot(ini)
        import ckan.model as model
        import sqlalchemy as sa

        rng = random.Random(args.seed)
        print(f"Preparing {DB} ...", flush=True)
        reset_database()
        site, orgs, groups = make_agencies_and_groups(rng)
        tag_ids = make_tags()

        results = {}
        made = 0
        for size in sorted(args.sizes):
            started = time.perf_counter()
            insert_datasets(rng, size - made, made, site, orgs, groups, tag_ids)
            generated = time.perf_counter() - started
            new_ids = [
                r[0]
                for r in model.Session.execute(
                    sa.text(
                        "SELECT id FROM package WHERE type = 'dataset' AND id NOT IN "
                        "(SELECT id FROM angiang_search_index)"
                    )
                ).all()
            ]
            # the first size as `ckan search-index rebuild` (one process),
            # the rest as `rebuild-fast` (a process per CPU)
            processes = 1 if not made else (os.cpu_count() or 1)
            total, ours = rebuild(new_ids, processes)
            public_ids = [
                r[0]
                for r in model.Session.execute(
                    sa.text("SELECT id FROM package WHERE NOT private")
                ).all()
            ]
            model.Session.commit()
            steady_state()
            print(
                f"{size} datasets: generated in {generated:.1f} s, indexed "
                f"{len(new_ids)} in {total:.1f} s",
                flush=True,
            )
            docsets_s, docsets_mb = read_docsets()
            timings = measure(rng, args.queries, public_ids, orgs)
            sql_timings = measure(rng, args.queries, public_ids, orgs, docsets=False)
            floor = count_floor(args.queries)
            written = after_write(rng, public_ids)
            results[size] = dict(
                after_write_ms=written,
                timings=timings,
                sql_timings=sql_timings,
                floor=floor,
                docsets_s=docsets_s,
                docsets_mb=docsets_mb,
                indexed=len(new_ids),
                rebuild_s=total,
                processes=processes,
                ours_s=ours,
                table_mb=table_size() / 1e6,
                peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                child_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            )
            made = size
        report(results, args.queries)
    finally:
        os.unlink(ini)


def report(results, n):
    sizes = sorted(results)
    print()
    print(f"package_search / package_show, ms (anonymous, {n} timed calls each)")
    header = f"{'':24}" + "".join(f"{f'{s} p50':>12}{f'{s} p95':>12}" for s in sizes)
    print(header)
    kinds = list(results[sizes[0]]["timings"])

    def rows(which, kinds):
        for kind in kinds:
            row = f"{kind:24}"
            for s in sizes:
                p50, p95 = results[s][which][kind]
                row += f"{p50:12.1f}{p95:12.1f}"
            print(row)

    rows("timings", kinds)
    print()
    print("the same searches answered by the SQL statements alone (docsets off)")
    rows("sql_timings", [k for k in kinds if k != "package_show"])
    print()
    for s in sizes:
        r = results[s]
        print(
            f"{s} datasets: docsets read in {r['docsets_s']:.2f} s (the first "
            f"search of a process), {r['docsets_mb']:.0f} MB resident; the "
            f"first search after a write: {r['after_write_ms']:.1f} ms (median)"
        )
    print()
    for s in sizes:
        r = results[s]
        rate = r["indexed"] / r["rebuild_s"]
        busy = r["rebuild_s"] * r["processes"]  # process-seconds
        ckan_s = busy - r["ours_s"]
        print(
            f"{s} datasets: indexed {r['indexed']} at {rate:.0f} datasets/s "
            f"with {r['processes']} process(es) (CKAN dictization and index "
            f"document {100 * ckan_s / busy:.0f}% = {1000 * ckan_s / r['indexed']:.1f} "
            f"ms/dataset, ours {100 * r['ours_s'] / busy:.0f}% = "
            f"{1000 * r['ours_s'] / r['indexed']:.1f} ms/dataset); index table "
            f"{r['table_mb']:.0f} MB; peak RSS so far: benchmark process "
            f"{r['peak_mb']:.0f} MB, largest indexing child {r['child_mb']:.0f} MB"
        )
    print()
    for s in sizes:
        query, matches, ms = results[s]["floor"]
        show = results[s]["timings"]["package_show"][0]
        print(
            f"{s} datasets: counting the {matches} visible matches of the "
            f'most frequent query ("{query}") in SQL alone takes '
            f"{ms:.1f} ms p50 = {ms / show:.1f} x package_show p50: the "
            f"floor of an exact count on PostgreSQL, before ranking and "
            f"facets"
        )
    big, small = sizes[-1], sizes[0]
    show_p50 = results[big]["timings"]["package_show"][0]
    facets_p95 = results[big]["timings"]["free text + 5 facets"][1]
    print()
    print("Targets")
    print(
        f"- at {big}: free text + 5 facets p95 {facets_p95:.1f} ms = "
        f"{facets_p95 / show_p50:.1f} x package_show p50 ({show_p50:.1f} ms); "
        f"target <= 5 x: {'met' if facets_p95 <= 5 * show_p50 else 'NOT met'}"
    )
    if big != small:
        for kind in kinds:
            if kind == "package_show":
                continue
            growth = results[big]["timings"][kind][1] / results[small]["timings"][kind][1]
            print(
                f"- p95 growth {small} -> {big}, {kind}: {growth:.2f} x; "
                f"target < 2 x: {'met' if growth < 2 else 'NOT met'}"
            )
    for s in sizes:
        rate = results[s]["indexed"] / results[s]["rebuild_s"]
        print(
            f"- rebuild at {s} ({results[s]['processes']} process(es)): "
            f"{rate:.0f} datasets/s; target > 50: "
            f"{'met' if rate > 50 else 'NOT met'}"
        )
    print(load_average())


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
