"""What every An Giang harvester shares, on top of ckanext-harvest.

- Dataset names from titles with Vietnamese transliteration
  (:mod:`ckanext.angiang.slug`; ckanext-harvest's munge drops Vietnamese
  letters).
- Datasets saved through ``package_create``/``package_update`` with the
  portal's own dataset schema, never a relaxed one: a harvested dataset
  passes the validation a hand-made one does (Art. 5.2a), and a record that
  fails becomes an object error listing the field messages.
- Re-runs change only what changed: a fingerprint of the mapped metadata
  and the snapshot checksums is kept on the harvest object; equal
  fingerprint, no write.
- Snapshot files go through CKAN's resource upload (the portal's uploader
  puts their SHA-256 in the resource's ``hash``, Art. 9.2), in the same
  ``package_update`` that validates the dataset: a record that fails
  validation writes no file. Unchanged files are not uploaded again.
- Records gone upstream are *withdrawn*, not purged: the dataset becomes
  private (hidden from the public and from public search) and the reason
  and date are recorded in its ``harvest_withdrawn_*`` extras and so in its
  activity stream. When the record comes back, the next run republishes it.
- Nothing raises out of a stage: every failure is a recorded gather or
  object error, so a bad source never stops a consumer. The three stages are
  template methods here (as ckanext-harvest's ``HarvesterBase`` keeps its
  error saving in one place): a harvester implements ``_gather``, ``_fetch``
  and ``_import``, and the base records anything they raise.
- The configuration is checked once: ``validate_config`` runs the checks of
  the stock harvester a subclass extends (``remote_base``), then the portal's
  keys (:func:`.source_config.parse_remote`).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ckanext.angiang import slug
from ckanext.angiang.harvesters import remote, snapshot, source_config
from ckanext.angiang.harvesters.problems import bilingual
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

log = logging.getLogger(__name__)

# Extras the harvester owns on a dataset.
WITHDRAWN_AT = "harvest_withdrawn_at"
WITHDRAWN_REASON = "harvest_withdrawn_reason"
OWN_EXTRAS = {WITHDRAWN_AT, WITHDRAWN_REASON}
# Extras ckanext-harvest adds on show/index; never written back.
SHOWN_ONLY_EXTRAS = {"harvest_object_id", "harvest_source_id", "harvest_source_title"}
# Resource key marking the resources the harvester manages.
ROLE = "harvest_resource"
# Harvest object extras.
FINGERPRINT = "fingerprint"
STATUS = "status"
WITHDRAW = "withdraw"


def object_extra(harvest_object: HarvestObject, key: str) -> str | None:
    for extra in harvest_object.extras:
        if extra.key == key:
            return extra.value
    return None


def is_withdrawn(package_dict: dict) -> bool:
    return any(e.get("key") == WITHDRAWN_REASON for e in package_dict.get("extras") or [])


def validation_messages(error_dict: dict) -> str:
    """``field: message`` for every error of a ValidationError, resources included."""
    parts = []
    for field, messages in error_dict.items():
        if field == "resources" and isinstance(messages, list):
            for i, res_errors in enumerate(messages):
                for rf, rm in (res_errors or {}).items():
                    parts.append(f"resources[{i}].{rf}: {'; '.join(map(str, rm))}")
        elif isinstance(messages, list):
            parts.append(f"{field}: {'; '.join(map(str, messages))}")
        else:
            parts.append(f"{field}: {messages}")
    return " | ".join(parts)


# What an unexpected error of each stage is called in the error it leaves.
STAGE_ERRORS = {
    "Fetch": (
        "Lỗi không mong đợi khi lấy dữ liệu: {err}",
        "Unexpected error while fetching: {err}",
    ),
    "Import": ("Lỗi không mong đợi khi nhập: {err}", "Unexpected error while importing: {err}"),
}


def _json_config(config: str | None) -> dict:
    try:
        loaded = json.loads(config) if config else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


class AngiangHarvesterBase(HarvesterBase):
    """Base of the portal's harvesters (not a plugin by itself).

    Subclasses implement the stages as ``_gather(job)``, ``_fetch(obj)`` and
    ``_import(obj)``; ``gather_stage``/``fetch_stage``/``import_stage`` below
    call them and turn anything they raise into a recorded error, so that a
    bug or a bad source never kills a consumer.
    """

    #: The stock harvester whose ``validate_config`` checks its own keys
    #: before the portal's (ckanext-harvest's or ckanext-dcat's); None for a
    #: harvester that validates its whole configuration itself.
    remote_base: type | None = None
    #: (vi, en) message of an unexpected gather error; ``{err}`` is the error.
    gather_error = (
        "Lỗi không mong đợi khi thu thập: {err}",
        "Unexpected error while gathering: {err}",
    )

    def __new__(cls, *args, **kwargs):
        # CKAN 2.12's SingletonPlugin.__new__ tests ``hasattr(cls, "_instance")``,
        # which finds the *parent's* instance through inheritance: once the stock
        # ``dcat_rdf_harvester`` (or ``ckan_harvester``) was loaded, loading our
        # subclass returned that parent instance and ``angiang_dcat_rdf`` never
        # registered. Look for an instance of this very class only.
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    # -- stages (template methods) ----------------------------------------------
    def gather_stage(self, harvest_job):
        return self._guarded(self._gather, harvest_job, "Gather", None)

    def fetch_stage(self, harvest_object):
        return self._guarded(self._fetch, harvest_object, "Fetch", False)

    def import_stage(self, harvest_object):
        return self._guarded(self._import, harvest_object, "Import", False)

    def _gather(self, harvest_job) -> list | None:
        raise NotImplementedError

    def _fetch(self, harvest_object) -> Any:
        return True  # the gathered content is all an import needs

    def _import(self, harvest_object) -> Any:
        raise NotImplementedError

    def _guarded(
        self, stage_method: Callable[[Any], Any], target: Any, stage: str, failed: Any
    ) -> Any:
        """Run one stage; anything it raises is logged, recorded as a gather
        error (``target`` a job) or an object error, and ``failed`` returned."""
        try:
            return stage_method(target)
        except Exception as e:  # never let a source or a bug stop the consumer
            if stage == "Gather":
                log.exception("gather of %s failed", target.source.url)
                vi, en = self.gather_error
                self._save_gather_error(bilingual(vi, en, err=repr(e)[:500]), target)
            else:
                log.exception("%s of %s failed", stage.lower(), target.guid)
                vi, en = STAGE_ERRORS[stage]
                self._save_object_error(bilingual(vi, en, err=repr(e)[:500]), target, stage)
            return failed

    # -- configuration -----------------------------------------------------------
    def validate_config(self, config):
        """The stock harvester's checks, then the portal's keys; the messages
        of both reach the source form (``ValueError``)."""
        if self.remote_base is not None:
            config = self.remote_base.validate_config(self, config)
        if config:
            try:
                source_config.parse_remote(_json_config(config))
            except source_config.ConfigErrors as e:
                raise ValueError(e.text()) from None
        return config

    @staticmethod
    def source_settings(source) -> dict:
        """The source's configuration as a dict ({} when absent or not JSON)."""
        return _json_config(source.config)

    # -- names ---------------------------------------------------------------
    @classmethod
    def _gen_new_name(cls, title, existing_name=None, append_type=None):
        def exists(name):
            if name == existing_name:
                return False
            return (
                model.Session.query(model.Package.id).filter(model.Package.name == name).first()
                is not None
            )

        return slug.unique_name(title or "", exists)

    # -- sources -------------------------------------------------------------
    @staticmethod
    def source_org(source) -> str | None:
        pkg = model.Package.get(source.id)
        return pkg.owner_org if pkg else None

    # -- lookups -------------------------------------------------------------
    @staticmethod
    def previous_object(harvest_object: HarvestObject) -> HarvestObject | None:
        """The latest earlier object of the same record that points at a
        dataset: the current one, else (after a withdrawal, which the DCAT
        harvester flags as not current) the most recent."""
        return (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.guid == harvest_object.guid)
            .filter(HarvestObject.harvest_source_id == harvest_object.harvest_source_id)
            .filter(HarvestObject.package_id.isnot(None))
            .filter(HarvestObject.id != harvest_object.id)
            .order_by(HarvestObject.current.desc(), HarvestObject.gathered.desc())
            .first()
        )

    def show(self, package_id: str) -> dict | None:
        try:
            return tk.get_action("package_show")(
                {"ignore_auth": True, "for_update": True}, {"id": package_id}
            )
        except tk.ObjectNotFound:
            return None

    def _context(self) -> dict:
        return {
            "user": self._get_user_name(),
            "ignore_auth": True,
            "model": model,
            "session": model.Session,
        }

    # -- saving ----------------------------------------------------------------
    @staticmethod
    def fingerprint(dataset: dict, files: Iterable[tuple[str, snapshot.File]]) -> str:
        payload = {"dataset": dataset, "files": sorted((role, f.sha256) for role, f in files)}
        return hashlib.sha256(
            json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        ).hexdigest()

    def map_remote(
        self, harvest_object: HarvestObject, package: dict, cfg: dict, flavour: str
    ) -> dict | None:
        """Map another portal's dataset (CKAN or DCAT, ``flavour``) into our
        fields; on fields of the wrong type record an object error and
        return None."""
        fields, errors = remote.map_package(
            package, license_map=cfg.get("license_map"), defaults=cfg.get("defaults")
        )
        if errors:
            self.save_type_errors(
                harvest_object,
                errors,
                "Tập dữ liệu “{guid}” có trường sai kiểu: {vi}",
                "Dataset “{guid}” has fields of the wrong type: {en}",
            )
            return None
        fields["resources"] = remote.map_resources(package, flavour)
        return fields

    def save_type_errors(
        self, harvest_object: HarvestObject, errors: list, vi_template: str, en_template: str
    ) -> None:
        """One import error listing mapped fields of the wrong type
        (``errors``: ``(field, vi, en)``); the templates name ``{guid}``,
        ``{vi}`` and ``{en}``."""
        self._save_object_error(
            bilingual(
                vi_template,
                en_template,
                guid=harvest_object.guid,
                vi="; ".join(f"{f}: {vi}" for f, vi, _ in errors),
                en="; ".join(f"{f}: {en}" for f, _, en in errors),
            ),
            harvest_object,
            "Import",
        )

    def save_dataset(
        self,
        harvest_object: HarvestObject,
        dataset: dict,
        *,
        owner_org: str,
        private: bool,
        files: list[tuple[str, snapshot.File]] | None = None,
        stage: str = "Import",
    ):
        """Create or update the dataset of ``harvest_object``.

        ``dataset`` holds the portal's fields and the harvester's own
        resources (marked with ``harvest_resource``); ``files`` are the
        snapshot files as ``(role, File)``. Returns True, ``'unchanged'``,
        or False after recording an object error.
        """
        files = files or []
        previous = self.previous_object(harvest_object)
        existing = self.show(previous.package_id) if previous and previous.package_id else None
        fp = self.fingerprint(dict(dataset, owner_org=owner_org, private=private), files)
        if (
            existing
            and previous is not None
            and object_extra(previous, FINGERPRINT) == fp
            and not is_withdrawn(existing)
        ):
            return "unchanged"

        pkg = dict(dataset)
        pkg["owner_org"] = owner_org
        pkg["private"] = private
        old_resources = {r[ROLE]: r for r in (existing or {}).get("resources", []) if r.get(ROLE)}
        resources, uploads = [], []
        for res in pkg.pop("resources", []):
            res = dict(res)
            if res[ROLE] in old_resources:
                res["id"] = old_resources[res[ROLE]]["id"]
            resources.append(res)
        for role, f in files:
            old = old_resources.get(role)
            if old and old.get("hash") == f.sha256 and old.get("url_type") == "upload":
                resources.append(old)  # same bytes: the stored file stays
                continue
            res = {
                "name": (pkg.get("title") or "") + f" ({f.format})",
                "url": f.filename,
                "format": f.format,
                "mimetype": f.mimetype,
                "resource_kind": "file",
                ROLE: role,
                # CKAN's uploader (the portal's, which computes the SHA-256
                # into ``hash``) stores the file once the dataset validates.
                "upload": FileStorage(
                    io.BytesIO(f.data), filename=f.filename, content_type=f.mimetype
                ),
            }
            if old:
                res["id"] = old["id"]
            resources.append(res)
            uploads.append(res)
        if existing:
            # Resources added by hand on the portal stay.
            resources += [r for r in existing.get("resources", []) if not r.get(ROLE)]
            pkg["id"] = existing["id"]
            pkg["name"] = existing["name"]
            for keep in [
                "identifier",
                "groups",
                *tk.aslist(tk.config.get("ckan.harvest.not_overwrite_fields")),
            ]:
                if keep in existing and keep not in dataset:
                    pkg[keep] = existing[keep]
            pkg["extras"] = [
                e
                for e in existing.get("extras", [])
                if e["key"] not in OWN_EXTRAS | SHOWN_ONLY_EXTRAS
            ]
        else:
            pkg["id"] = str(uuid.uuid4())
            pkg["name"] = self._gen_new_name(pkg.get("title") or harvest_object.guid)
        pkg["resources"] = resources

        # The source's blanket attestation goes through review before
        # publishing like an editor's (Art. 9.6), unless a sysadmin exempted
        # the source (ckanext.angiang.catalogue.review).
        context = dict(self._context(), angiang_harvest_source=harvest_object.harvest_source_id)
        try:
            self._link_object(harvest_object, pkg["id"], fp)
            if not existing and not uploads:
                tk.get_action("package_create")(context, pkg)
            elif not existing:
                # package_create stores no uploads (CKAN 2.12): create without
                # them, uncommitted, then update with them; one commit.
                first = dict(pkg, resources=[r for r in resources if "upload" not in r])
                tk.get_action("package_create")(dict(context, defer_commit=True), first)
                if uploads:
                    created = tk.get_action("package_show")(
                        {"ignore_auth": True, "for_update": True}, {"id": pkg["id"]}
                    )
                    pkg["identifier"] = created.get("identifier")
                    by_role = {r.get(ROLE): r["id"] for r in created["resources"]}
                    for r in resources:
                        if "upload" not in r and r.get(ROLE) in by_role:
                            r["id"] = by_role[r[ROLE]]
                tk.get_action("package_update")(context, pkg)
            else:
                tk.get_action("package_update")(context, pkg)
        except tk.ValidationError as e:
            model.Session.rollback()
            self._save_object_error(
                bilingual(
                    "Bản ghi “{guid}” không đạt kiểm tra đặc tả tập dữ liệu của cổng: {errors}. "
                    "Hãy sửa dữ liệu trong API của cơ quan (hoặc ánh xạ trong cấu hình nguồn).",
                    "Record “{guid}” fails the portal's dataset schema: {errors}. Fix the data "
                    "in the agency API (or the mapping in the source configuration).",
                    guid=harvest_object.guid,
                    errors=validation_messages(e.error_dict),
                ),
                harvest_object,
                stage,
            )
            return False
        except Exception as e:  # never let one record stop the consumer
            log.exception("saving %s failed", harvest_object.guid)
            model.Session.rollback()
            self._save_object_error(
                bilingual(
                    "Không lưu được bản ghi “{guid}”: {err}",
                    "Could not save record “{guid}”: {err}",
                    guid=harvest_object.guid,
                    err=repr(e)[:500],
                ),
                harvest_object,
                stage,
            )
            return False
        return True

    def _link_object(self, harvest_object: HarvestObject, package_id: str, fp: str):
        """Make ``harvest_object`` the current one for its dataset, in the
        same transaction as the dataset's save (committed by the action)."""
        (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.package_id == package_id)
            .filter(HarvestObject.id != harvest_object.id)
            .update({"current": False}, synchronize_session=False)
        )
        (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.guid == harvest_object.guid)
            .filter(HarvestObject.harvest_source_id == harvest_object.harvest_source_id)
            .filter(HarvestObject.id != harvest_object.id)
            .update({"current": False}, synchronize_session=False)
        )
        harvest_object.package_id = package_id
        harvest_object.current = True
        model.Session.add(harvest_object)
        model.Session.add(
            HarvestObjectExtra(harvest_object_id=harvest_object.id, key=FINGERPRINT, value=fp)
        )
        model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
        model.Session.flush()

    # -- withdrawal ------------------------------------------------------------
    def withdraw(self, harvest_object: HarvestObject, reason: str):
        """Withdraw (never purge) the dataset of a record gone upstream."""
        existing = self.show(harvest_object.package_id) if harvest_object.package_id else None
        if existing is None or existing.get("state") == "deleted":
            return "unchanged"
        if is_withdrawn(existing):
            return "unchanged"
        pkg = dict(existing)
        pkg["private"] = True
        now = datetime.datetime.utcnow().replace(microsecond=0).isoformat() + "Z"
        pkg["extras"] = [
            e for e in existing.get("extras", []) if e["key"] not in OWN_EXTRAS | SHOWN_ONLY_EXTRAS
        ] + [
            {"key": WITHDRAWN_AT, "value": now},
            {"key": WITHDRAWN_REASON, "value": reason},
        ]
        try:
            tk.get_action("package_update")(self._context(), pkg)
        except Exception as e:
            log.exception("withdrawing %s failed", harvest_object.package_id)
            model.Session.rollback()
            self._save_object_error(
                bilingual(
                    "Không rút được tập dữ liệu “{name}” (bản ghi “{guid}” không còn trong API): "
                    "{err}",
                    "Could not withdraw dataset “{name}” (record “{guid}” is gone from the API): "
                    "{err}",
                    name=existing.get("name"),
                    guid=harvest_object.guid,
                    err=validation_messages(e.error_dict)
                    if isinstance(e, tk.ValidationError)
                    else repr(e)[:300],
                ),
                harvest_object,
                "Import",
            )
            return False
        return True

    def mark_gone(
        self,
        harvest_job,
        source_id: str,
        guids_now: set[str],
        scope_prefixes: Iterable[str],
        reason: str,
    ) -> list[str]:
        """Harvest objects withdrawing the datasets whose guid (within the
        fully listed ``scope_prefixes``) is no longer upstream."""
        prefixes = tuple(scope_prefixes)
        if not prefixes:
            return []
        current = (
            model.Session.query(HarvestObject.guid, HarvestObject.package_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.package_id.isnot(None))
        )
        ids = []
        for guid, package_id in current:
            if not guid.startswith(prefixes) or guid in guids_now:
                continue
            pkg = model.Package.get(package_id)
            if pkg is None or pkg.state != "active" or (pkg.extras or {}).get(WITHDRAWN_REASON):
                continue
            obj = HarvestObject(
                guid=guid,
                job=harvest_job,
                package_id=package_id,
                extras=[
                    HarvestObjectExtra(key=STATUS, value=WITHDRAW),
                    HarvestObjectExtra(key="reason", value=reason),
                ],
            )
            obj.save()
            ids.append(obj.id)
        return ids
