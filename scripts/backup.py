"""Backups of the portal: the CKAN database (and the DataStore's, when one is
configured) and the file storage, restorable into a fresh database.

    backup.py backup  [--config INI] [--dest DIR] [--keep N]
    backup.py restore BACKUP [--config INI] [--db-url URL] [--storage DIR]
    backup.py schedule [--config INI] [--dest DIR] [--keep N] [--hour H]

``make backup`` / ``make restore BACKUP=... RESTORE_DB_URL=...`` call it with the
portal's ini; the ``backup`` service of ``docker/`` runs it every day.

A backup is a directory ``<dest>/<UTC time>/`` holding:

- ``ckan.dump``       ``pg_dump --format=custom`` of ``sqlalchemy.url``, the
                      search index table included (search works on restore)
- ``datastore.dump``  the same of ``ckan.datastore.write_url``, if configured
- ``storage.tar.gz``  ``ckan.storage_path`` (uploaded resources, images),
                      without ``webassets`` (rebuilt by ``ckan asset build``)
- ``manifest.json``   the SHA-256 of each of these and of every stored file,
                      the latter computed from the bytes written into the
                      tar (:func:`archive_storage`)
- ``manifest.json.sha256`` the SHA-256 of the manifest itself

It is written as ``<time>.partial`` and renamed when complete, so retention
(``--keep N``: the N newest complete backups stay) never counts a half-written
one. ``restore`` checks the SHA-256 of each part first, restores into an
empty database only (``pg_restore --no-owner``: the target's owner owns
everything), extracts the storage into an empty folder and checks every
file against the manifest. The connection URLs and paths default to the
config's, with CKAN's environment overrides (``CKAN_SQLALCHEMY_URL``,
``CKAN_DATASTORE_WRITE_URL``, ``CKAN_STORAGE_PATH``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from urllib.parse import unquote, urlsplit, urlunsplit

STAMP = re.compile(r"^\d{8}T\d{6}Z$")
#: ``sha256sum`` line of manifest.json, beside it: a damaged or edited
#: manifest (the list every other part is checked against) is refused too.
MANIFEST_DIGEST = "manifest.json.sha256"
SKIPPED = {"webassets"}  # rebuilt from the code, not data
CHUNK = 1 << 20


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def stored_files(root: str) -> dict[str, str]:
    """{path relative to ``root``: SHA-256} of every stored file."""
    found = {}
    for folder, dirs, files in os.walk(root):
        if folder == root:
            dirs[:] = [d for d in dirs if d not in SKIPPED]
        for name in files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = sha256_file(path)
    return dict(sorted(found.items()))


class _Hashing:
    """A file read for the tar, hashing exactly the bytes the tar gets."""

    def __init__(self, f):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        block = self.f.read(size)
        self.digest.update(block)
        return block


def archive_storage(root: str, target: str) -> dict[str, str]:
    """``root`` into the gzipped tar ``target``; returns {path: SHA-256} of
    the bytes written into the tar, file by file. Each file is opened once,
    its size taken from the open file and its hash from the bytes read into
    the tar: an upload replaced or growing during the backup cannot make the
    manifest describe other bytes than the archive holds (hashing the folder
    first and archiving it afterwards could). A file that shrinks while read
    fails the backup (tarfile refuses a short read) instead of storing a
    truncated copy; one that vanishes is left out."""
    found = {}
    with tarfile.open(target, "w:gz") as tar:
        for folder, dirs, names in os.walk(root):
            if folder == root:
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED)
            else:
                dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                try:
                    f = open(path, "rb")
                except FileNotFoundError:  # deleted since listed
                    continue
                with f:
                    info = tar.gettarinfo(arcname=rel, fileobj=f)
                    if not info.isfile():
                        continue
                    hashing = _Hashing(f)
                    tar.addfile(info, hashing)
                found[rel] = hashing.digest.hexdigest()
    return dict(sorted(found.items()))


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL as libpq reads it (``postgresql+psycopg2://`` -> ``postgresql://``)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=parts.scheme.split("+")[0]))


def hidden(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


def settings(args) -> dict[str, str | None]:
    """The database URLs and storage path: arguments, then CKAN's environment
    overrides, then the config."""
    conf: dict = {}
    if args.config:
        from ckan.cli import CKANConfigLoader

        conf = CKANConfigLoader(args.config).get_config()
    return {
        "db_url": args.db_url
        or os.environ.get("CKAN_SQLALCHEMY_URL")
        or conf.get("sqlalchemy.url"),
        "datastore_url": getattr(args, "datastore_url", None)
        or os.environ.get("CKAN_DATASTORE_WRITE_URL")
        or conf.get("ckan.datastore.write_url"),
        "storage": args.storage
        or os.environ.get("CKAN_STORAGE_PATH")
        or conf.get("ckan.storage_path"),
    }


def _without_password(arg: str, env: dict[str, str]) -> str:
    """``arg`` with the URL's password moved into ``env`` (``PGPASSWORD``):
    a command line is readable by every local user (``ps``)."""
    prefix, _sep, url = arg.partition("=") if arg.startswith("--") else ("", "", arg)
    parts = urlsplit(url)
    if "://" not in url or not parts.password:
        return arg
    env["PGPASSWORD"] = unquote(parts.password)
    url = urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", "@")))
    return f"{prefix}={url}" if prefix else url


def run(command: list[str]) -> None:
    env = dict(os.environ)
    command = [_without_password(c, env) for c in command]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        shown = [hidden(c) if "://" in c else c for c in command]
        raise SystemExit(f"{' '.join(shown)} failed:\n{done.stderr.strip()[-2000:]}")


def backup(args) -> str:
    got = settings(args)
    if not got["db_url"]:
        raise SystemExit("no database: give --config or --db-url")
    os.makedirs(args.dest, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    final = os.path.join(args.dest, stamp)
    work = final + ".partial"
    os.makedirs(work)
    parts = {}
    run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={work}/ckan.dump",
            f"--dbname={libpq_url(got['db_url'])}",
        ]
    )
    parts["ckan.dump"] = sha256_file(f"{work}/ckan.dump")
    if got["datastore_url"]:
        run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={work}/datastore.dump",
                f"--dbname={libpq_url(got['datastore_url'])}",
            ]
        )
        parts["datastore.dump"] = sha256_file(f"{work}/datastore.dump")
    files: dict[str, str] = {}
    storage = got["storage"]
    if storage and os.path.isdir(storage):
        files = archive_storage(storage, f"{work}/storage.tar.gz")
        parts["storage.tar.gz"] = sha256_file(f"{work}/storage.tar.gz")
    manifest = {
        "created": stamp,
        "database": hidden(got["db_url"]),
        "datastore": bool(got["datastore_url"]),
        "parts": parts,
        "files": files,
    }
    body = json.dumps(manifest, indent=1).encode("utf-8")
    with open(f"{work}/manifest.json", "wb") as f:
        f.write(body)
    with open(f"{work}/{MANIFEST_DIGEST}", "w", encoding="utf-8") as f:
        f.write(f"{hashlib.sha256(body).hexdigest()}  manifest.json\n")
    os.rename(work, final)
    print(
        f"backup {final}: {len(parts)} parts, {len(files)} stored files, "
        f"{sum(os.path.getsize(os.path.join(final, p)) for p in parts) / 1e6:.1f} MB"
    )
    if args.keep:
        prune(args.dest, args.keep)
    return final


def prune(dest: str, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest complete backups in ``dest``."""
    complete = sorted(
        d
        for d in os.listdir(dest)
        if STAMP.match(d) and os.path.isfile(os.path.join(dest, d, "manifest.json"))
    )
    gone = complete[:-keep] if keep > 0 else []
    for name in gone:
        shutil.rmtree(os.path.join(dest, name))
        print(f"retention: removed {name} (keeping the {keep} newest)")
    return gone


def database_is_empty(url: str) -> bool:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return not conn.execute(
                sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            ).scalar()
    finally:
        engine.dispose()


def read_manifest(backup_dir: str) -> dict:
    """manifest.json, checked against its SHA-256 (backups made before the
    digest existed have none: read as they are)."""
    with open(os.path.join(backup_dir, "manifest.json"), "rb") as f:
        body = f.read()
    digest_file = os.path.join(backup_dir, MANIFEST_DIGEST)
    if os.path.isfile(digest_file):
        with open(digest_file, encoding="utf-8") as f:
            expected = f.read().split()[0]
        if hashlib.sha256(body).hexdigest() != expected:
            raise SystemExit(
                "manifest.json: SHA-256 differs from manifest.json.sha256; not restoring"
            )
    return json.loads(body)


def restore(args) -> None:
    manifest = read_manifest(args.backup)
    for part, digest in manifest["parts"].items():
        if sha256_file(os.path.join(args.backup, part)) != digest:
            raise SystemExit(f"{part}: SHA-256 differs from the manifest; not restoring")
    got = settings(args)
    if not got["db_url"]:
        raise SystemExit("no target database: give --config or --db-url")
    targets = [("ckan.dump", got["db_url"])]
    if "datastore.dump" in manifest["parts"]:
        if not got["datastore_url"]:
            raise SystemExit("the backup has a DataStore: give --datastore-url")
        targets.append(("datastore.dump", got["datastore_url"]))
    for _part, url in targets:
        if not database_is_empty(url):
            raise SystemExit(f"{hidden(url)} is not empty: restore into a fresh database")
    storage = got["storage"]
    if "storage.tar.gz" in manifest["parts"]:
        if not storage:
            raise SystemExit("no storage folder: give --storage")
        if os.path.isdir(storage) and [n for n in os.listdir(storage) if n not in SKIPPED]:
            raise SystemExit(f"{storage} is not empty: restore into an empty folder")
    for part, url in targets:
        run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--no-comments",
                "--exit-on-error",
                f"--dbname={libpq_url(url)}",
                os.path.join(args.backup, part),
            ]
        )
    if "storage.tar.gz" in manifest["parts"]:
        os.makedirs(storage, exist_ok=True)
        with tarfile.open(os.path.join(args.backup, "storage.tar.gz")) as tar:
            tar.extractall(storage, filter="data")
        restored = stored_files(storage)
        if restored != manifest["files"]:
            bad = sorted(set(restored.items()) ^ set(manifest["files"].items()))
            raise SystemExit(f"restored files differ from the manifest: {bad[:5]}")
    print(
        f"restored {args.backup} into {hidden(got['db_url'])}"
        + (
            f" and {storage} ({len(manifest['files'])} files, SHA-256 checked)"
            if storage and manifest["files"]
            else ""
        )
    )
    print(
        "next: ckan -c <ini> db upgrade (if the code is newer); with Solr: "
        "ckan -c <ini> search-index rebuild"
    )


def schedule(args, rounds: int | None = None, sleep=None, now=None) -> int:
    """A backup every day at ``args.hour`` UTC, for ever (``rounds``: that
    many, for tests). A failed backup is reported on stderr (the container's
    log) and tried again the next day; its ``.partial`` folder is left for
    inspection and never counted. Failures are pg_dump's (SystemExit, already
    explained) and the file system's (OSError: a full disk, a destination
    that vanished or became read-only), which used to end the scheduler for
    good. Returns the number of failed rounds."""
    import time

    sleep = sleep or time.sleep
    now = now or (lambda: dt.datetime.now(dt.UTC))
    failed = done = 0
    while rounds is None or done < rounds:
        current = now()
        due = current.replace(hour=args.hour, minute=0, second=0, microsecond=0)
        if due <= current:
            due += dt.timedelta(days=1)
        print(f"next backup at {due.isoformat()}", flush=True)
        sleep((due - current).total_seconds())
        try:
            backup(args)
        except SystemExit as e:  # pg_dump's failure, already explained
            failed += 1
            print(f"backup FAILED: {e}", file=sys.stderr, flush=True)
        except OSError as e:
            failed += 1
            print(
                f"backup FAILED: {e.strerror or e} ({e.filename or args.dest}); "
                f"next try at the next scheduled time",
                file=sys.stderr,
                flush=True,
            )
        sys.stdout.flush()
        done += 1
    return failed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("backup", "restore", "schedule"):
        p = sub.add_parser(name)
        p.add_argument(
            "--config",
            default=os.environ.get("CKAN_INI"),
            help="the portal's ini (default: $CKAN_INI)",
        )
        p.add_argument("--db-url", help="CKAN database (default: the config's)")
        p.add_argument("--datastore-url", help="DataStore database (default: the config's)")
        p.add_argument("--storage", help="file storage folder (default: the config's)")
        if name in ("backup", "schedule"):
            p.add_argument("--dest", default=os.environ.get("BACKUP_DIR", "var/backups"))
            p.add_argument(
                "--keep",
                type=int,
                default=int(os.environ.get("BACKUP_KEEP", "0")),
                help="complete backups kept in --dest (0: all)",
            )
        if name == "schedule":
            p.add_argument(
                "--hour",
                type=int,
                default=int(os.environ.get("BACKUP_HOUR", "19")),
                help="UTC hour of the daily backup (19: 02:00 in Viet Nam)",
            )
        if name == "restore":
            p.add_argument("backup", help="a backup directory")
    args = parser.parse_args(argv)
    {"backup": backup, "restore": restore, "schedule": schedule}[args.command](args)


if __name__ == "__main__":
    main(sys.argv[1:])
