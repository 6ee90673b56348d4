"""Create the PostgreSQL search index: table, text search configurations.

Idempotent on purpose (IF NOT EXISTS everywhere): CKAN's ``clean_db`` drops
tables but not text search configurations or extensions, and the index
re-applies this migration when it finds its table gone.

Revision ID: 1cc9e2520299
Revises:
Create Date: 2026-11-27 09:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "1cc9e2520299"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # unaccent is a trusted extension: a database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # angiang_unaccent: accents and tones removed (unaccent maps đ -> d),
    # then the simple dictionary (lower case, no stemming: Vietnamese has
    # no inflection). angiang_exact: the same without unaccent.
    op.execute("""
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config
                     WHERE cfgname = 'angiang_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION angiang_unaccent (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION angiang_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config
                     WHERE cfgname = 'angiang_exact') THEN
        CREATE TEXT SEARCH CONFIGURATION angiang_exact (COPY = simple);
      END IF;
    END
    $$;
    """)
    # Titles sort in Vietnamese alphabetical order (a ă â b c d đ e ê ...)
    # where PostgreSQL has ICU; byte order otherwise.
    op.execute("""
    DO $$
    DECLARE coll text := 'default';
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu') THEN
        coll := 'vi-x-icu';
      END IF;
      EXECUTE format($f$
        CREATE TABLE IF NOT EXISTS angiang_search_index (
          index_id text PRIMARY KEY,
          id text NOT NULL,
          site_id text,
          name text,
          title text COLLATE %I,
          title_folded text,
          state text,
          capacity text,
          dataset_type text,
          organization text,
          license_id text,
          metadata_created timestamptz,
          metadata_modified timestamptz,
          tags text[],
          groups text[],
          res_format text[],
          permission_labels text[],
          minx double precision,
          miny double precision,
          maxx double precision,
          maxy double precision,
          doc jsonb NOT NULL,
          data_dict text,
          validated_data_dict text,
          tsv tsvector,
          tsv_exact tsvector,
          indexed_at timestamptz DEFAULT now()
        )$f$, coll);
    END
    $$;
    """)
    for name, definition in [
        ("id", "(id)"),
        ("name", "(name)"),
        ("site_state", "(site_id, state, capacity)"),
        ("organization", "(organization)"),
        ("metadata_modified", "(metadata_modified)"),
        ("metadata_created", "(metadata_created)"),
        ("title", "(title)"),
        ("tsv", "USING gin (tsv)"),
        ("tsv_exact", "USING gin (tsv_exact)"),
        ("tags", "USING gin (tags)"),
        ("groups", "USING gin (groups)"),
        ("res_format", "USING gin (res_format)"),
        ("permission_labels", "USING gin (permission_labels)"),
        ("doc", "USING gin (doc jsonb_path_ops)"),
    ]:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS angiang_search_index_{name}_idx "
            f"ON angiang_search_index {definition}"
        )


def downgrade():
    op.execute("DROP TABLE IF EXISTS angiang_search_index")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS angiang_unaccent")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS angiang_exact")
