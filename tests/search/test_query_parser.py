"""The Lucene/Solr grammar the search backend accepts (no database)."""

import datetime as dt

import pytest

from ckanext.angiang.search import query_parser as qp
from ckanext.angiang.search.meaning import min_should_match
from ckanext.angiang.search.query_parser import Bool, MatchAll, Range, Term


def parse(text, **kw):
    return qp.parse(text, **kw)


def test_match_all_forms():
    assert parse("*:*") == MatchAll()
    assert parse("*") == MatchAll()


def test_field_value_and_spaced_forms():
    assert parse("name:monkey") == Term("name", "monkey")
    assert parse('name: "monkey"') == Term("name", "monkey", quoted=True)
    assert parse("_query_store : true") == Term("_query_store", "true")


def test_hyphen_inside_a_term_is_not_an_operator():
    assert parse("tags:country-sweden") == Term("tags", "country-sweden")
    assert parse("-dataset_type:harvest") == Bool(must_not=[Term("dataset_type", "harvest")])


def test_default_operator_or_and_and():
    node = parse("a b")
    assert node.should == [Term(None, "a"), Term(None, "b")] and not node.must
    node = parse("a b", default_and=True)
    assert node.must == [Term(None, "a"), Term(None, "b")] and not node.should


def test_or_binds_looser_than_juxtaposition_under_q_op_and():
    # what CKAN sends for ckanext-harvest's organization filter
    node = parse(
        "+capacity:public organization:a OR organization:b +state:(active)", default_and=True
    )
    assert isinstance(node, Bool) and node.min_should == 1
    left, right = node.should
    assert left.must == [Term("capacity", "public"), Term("organization", "a")]
    assert right.must == [Term("organization", "b"), Term("state", "active")]


def test_and_promotes_the_previous_clause():
    node = parse("a AND b")
    assert node.must == [Term(None, "a"), Term(None, "b")]
    node = parse("a && b || c")
    assert node.min_should == 1 and len(node.should) == 2


def test_not_and_bang():
    assert parse("a NOT b").must_not == [Term(None, "b")]
    assert parse("!b") == Bool(must_not=[Term(None, "b")])


def test_field_group_applies_the_field_inside():
    node = parse('permission_labels:("public" OR "creator-1")')
    assert node.should == [
        Term("permission_labels", "public", quoted=True),
        Term("permission_labels", "creator-1", quoted=True),
    ]


def test_delete_query_ckan_sends():
    node = parse('+entity_type:package AND +(id:"x" OR name:"x") AND +site_id:"s"')
    assert len(node.must) == 3
    assert node.must[1].should == [Term("id", "x", quoted=True), Term("name", "x", quoted=True)]


def test_ranges():
    assert parse("metadata_modified:[2024-01-01T00:00:00Z TO NOW]") == Range(
        "metadata_modified", "2024-01-01T00:00:00Z", "NOW", True, True
    )
    assert parse("num:{1 TO *]") == Range("num", "1", None, False, True)
    assert parse('x:["a b" TO "c"}') == Range("x", "a b", "c", True, False)


def test_escapes_and_phrases():
    assert parse(r'title:"Seymour\: An Introduction"') == Term(
        "title", "Seymour: An Introduction", quoted=True
    )
    assert parse(r"title:Pop\!") == Term("title", "Pop!")
    assert parse(r'"say \"hi\""') == Term(None, 'say "hi"', quoted=True)


def test_wildcards():
    term = parse("name:warand*")
    assert term.wildcard and term.value == "warand*" and term.wildcard_positions == (6,)
    assert parse("tags:*") == Term("tags", "*", wildcard=True, wildcard_positions=(0,))


def test_boost_and_fuzzy_are_ignored():
    assert parse("title:rivers^4") == Term("title", "rivers")
    assert parse('"a b"~3') == Term(None, "a b", quoted=True)


def test_urls_and_vietnamese_colons_are_words():
    assert parse("http://example.com/a") == Term(None, "http://example.com/a")
    node = parse("Thông tư: 39/2017", default_and=True)
    assert [t.value for t in node.must] == ["Thông", "tư", "39/2017"]


@pytest.mark.parametrize(
    "bad",
    [
        '"unterminated',
        "(a OR b",
        "name:",
        "a AND",
        "x:[1 TO",
        "x:[1 2]",
        "a )",
    ],
)
def test_syntax_errors_are_reported_with_a_position(bad):
    with pytest.raises(qp.QuerySyntaxError) as e:
        parse(bad)
    assert "Cannot parse" in str(e.value)


def test_dismax_mode_is_lenient():
    node = parse('"dân số', lenient=True)
    assert node == Term(None, "dân số", quoted=True)
    node = parse("(đất đai", lenient=True)
    assert [t.value for t in node.should] == ["đất", "đai"]


def test_is_flat():
    assert qp.is_flat(parse("du lieu dan so"))
    assert not qp.is_flat(parse("a OR b"))
    assert not qp.is_flat(parse("title:a b"))


@pytest.mark.parametrize(
    "spec,clauses,expected",
    [
        ("2<-1 5<80%", 1, 1),
        ("2<-1 5<80%", 2, 2),
        ("2<-1 5<80%", 3, 2),
        ("2<-1 5<80%", 5, 4),
        ("2<-1 5<80%", 6, 4),
        ("2<-1 5<80%", 10, 8),
        ("100%", 4, 4),
        ("1", 4, 1),
        ("-1", 4, 3),
        ("75%", 4, 3),
        ("-25%", 4, 3),
    ],
)
def test_minimum_should_match(spec, clauses, expected):
    assert min_should_match(spec, clauses) == expected


def test_date_math():
    now = dt.datetime(2026, 11, 27, 10, 30, 15, 123456, tzinfo=dt.UTC)
    assert qp.parse_date("NOW", now) == now
    assert qp.parse_date("NOW/DAY", now) == dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    assert qp.parse_date("NOW-1MONTH/DAY", now) == dt.datetime(2026, 10, 27, tzinfo=dt.UTC)
    assert qp.parse_date("NOW+2HOURS", now).hour == 12
    assert qp.parse_date("2024-02-29T00:00:00Z+1YEAR") == dt.datetime(2025, 2, 28, tzinfo=dt.UTC)
    assert qp.parse_date("2024-01-01") == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert qp.parse_date("2024-01-01T07:00:00+07:00") == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        qp.parse_date("yesterday")
    with pytest.raises(ValueError):
        qp.parse_date("NOW-1FORTNIGHT")
