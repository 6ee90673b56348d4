"""``angiang_openapi``: harvest an agency API described by OpenAPI 3 (Art. 8.3).

Stages (ckanext-harvest's gather → fetch → import, run by the consumers):

gather
    Read the source configuration (:mod:`.source_config`) and the OpenAPI
    document; list every configured operation to its last page; one harvest
    object per record (guid ``<operationId>/<record id>``). Records whose id
    appears twice with different content are skipped with an error (which
    one is right cannot be known); identical repeats (paging overlap) count
    once. Only an operation listed to the end may withdraw datasets whose
    records are gone.
fetch
    Follow the record's snapshot operation (if configured) through its
    pages and keep the rows for import.
import
    Map the record onto the portal's fields (:mod:`.mapping`), add the
    API-service resource and the snapshot files, save through the portal's
    own dataset schema (:mod:`.base`).

A failure at any point is recorded as a gather or object error with a
message the agency can act on; the datasets harvested before stay as they
were and the next good run catches up.
"""

from __future__ import annotations

import json
import logging

import ckan.plugins.toolkit as tk

from ckanext.angiang.harvesters import mapping, openapi_doc, paging, snapshot, source_config
from ckanext.angiang.harvesters.base import STATUS, WITHDRAW, AngiangHarvesterBase, object_extra
from ckanext.angiang.harvesters.fetch import Client
from ckanext.angiang.harvesters.problems import HarvestProblem, bilingual
from ckanext.harvest.model import HarvestObject

log = logging.getLogger(__name__)

SOURCE_TYPE = "angiang_openapi"


def _lang() -> str | None:
    try:
        return tk.h.lang()
    except Exception:  # outside a web request (consumers, CLI)
        return None


@tk.blanket.config_declarations("../config_declaration/harvest.yaml")
class OpenAPIHarvester(AngiangHarvesterBase):
    """Harvester of agency APIs described by an OpenAPI 3 document."""

    def info(self):
        return {
            "name": SOURCE_TYPE,
            "title": tk._("Agency API (OpenAPI 3)"),
            "description": tk._(
                "An agency's API: its base URL as the source URL, and a JSON configuration "
                "naming the OpenAPI document, the operations that list datasets and how "
                "their fields map."
            ),
            "form_config_interface": "Text",
        }

    # -- configuration -------------------------------------------------------
    def validate_config(self, config):
        try:
            source_config.parse(config)
        except source_config.ConfigErrors as e:
            raise ValueError(e.text(_lang())) from None
        return config

    def _client(self, config: dict) -> Client:
        try:
            headers = source_config.api_key_headers(config)
        except KeyError as e:
            raise HarvestProblem(
                "api_key_missing",
                f"Biến môi trường {e.args[0]} chứa khóa API của nguồn chưa được đặt cho tiến "
                f"trình thu thập. Hãy đặt biến này cho các worker.",
                f"The environment variable {e.args[0]} holding the source's API key is not "
                f"set for the harvest workers. Set it for the workers.",
            ) from None
        return Client(source_config.limits(config), headers=headers)

    def get_original_url(self, harvest_object_id):
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or not obj.content:
            return None
        try:
            return json.loads(obj.content).get("page_url")
        except ValueError:
            return None

    # -- gather ----------------------------------------------------------------
    def _gather(self, harvest_job):
        source = harvest_job.source
        try:
            config = source_config.parse(source.config)
        except source_config.ConfigErrors as e:
            self._save_gather_error(
                bilingual(
                    "Cấu hình nguồn không hợp lệ: {errors}",
                    "Invalid source configuration: {errors}",
                    errors=e.text(),
                ),
                harvest_job,
            )
            return None
        if not self.source_org(source):
            self._save_gather_error(
                bilingual(
                    "Nguồn thu thập phải thuộc một cơ quan (tổ chức) để gán tập dữ liệu.",
                    "The harvest source must belong to an agency (organization) that will own "
                    "its datasets.",
                ),
                harvest_job,
            )
            return None
        try:
            client = self._client(config)
        except HarvestProblem as p:
            self._save_gather_error(p.message, harvest_job)
            return None
        try:
            doc = self._document(client, source.url, config)
        except HarvestProblem as p:
            self._save_gather_error(p.message, harvest_job)
            client.close()
            return None

        object_ids: list[str] = []
        guids_now: set[str] = set()
        complete_ops: list[str] = []
        for i, entry in enumerate(config["datasets"]):
            where = f"datasets[{i}]"
            try:
                op = openapi_doc.operation(doc, entry["operation"], f"{where}.operation")
                snap_path = None
                if entry.get("snapshot"):
                    snap_path = openapi_doc.operation(
                        doc, entry["snapshot"]["operation"], f"{where}.snapshot.operation"
                    ).path
            except HarvestProblem as p:
                self._save_gather_error(p.message, harvest_job)
                continue
            records, complete, kept_guids = self._list(
                client, harvest_job, source.url, config, entry, op
            )
            guids_now |= kept_guids
            for guid, record, page_url in records:
                guids_now.add(guid)
                obj = HarvestObject(
                    guid=guid,
                    job=harvest_job,
                    content=json.dumps(
                        {
                            "operation": entry["operation"],
                            "record": record,
                            "page_url": page_url,
                            "snapshot_path": snap_path,
                        },
                        ensure_ascii=False,
                    ),
                )
                obj.save()
                object_ids.append(obj.id)
            if complete:
                complete_ops.append(entry["operation"] + "/")
        client.close()
        object_ids += self.mark_gone(
            harvest_job,
            source.id,
            guids_now,
            complete_ops,
            reason=bilingual(
                "Bản ghi không còn trong API của cơ quan ({url}) ở lần thu thập {job}.",
                "The record is no longer in the agency API ({url}) as of harvest job {job}.",
                url=source.url,
                job=harvest_job.id,
            ),
        )
        return object_ids

    def _document(self, client: Client, source_url: str, config: dict) -> openapi_doc.Document:
        url = openapi_doc.resolve_url(source_url, config["openapi_url"])
        response = client.get(url)
        return openapi_doc.parse(
            response.url, response.body, response.headers.get("Content-Type", "")
        )

    def _list(self, client, harvest_job, base_url, config, entry, op):
        """Records of one operation as ``(guid, record, page URL)``, and
        whether the listing reached its last page."""
        seen: dict[str, tuple[str, str, int]] = {}  # id -> (digest, page url, index in out)
        conflicting: dict[str, list[str]] = {}
        out: list[tuple[str, dict, str] | None] = []
        id_path = entry["id"]
        complete = True
        try:
            for number, page_url, records in paging.pages(
                client,
                op.url(base_url),
                entry.get("params"),
                entry.get("pagination"),
                entry.get("records", ""),
                source_config.max_pages(config),
            ):
                for n, record in enumerate(records, 1):
                    if not isinstance(record, dict):
                        self._save_gather_error(
                            bilingual(
                                "Bản ghi thứ {n} ở trang {page} ({url}) không phải đối tượng JSON "
                                "(nhận được {got}); đã bỏ qua.",
                                "Record {n} on page {page} ({url}) is not a JSON object (got "
                                "{got}); skipped.",
                                n=n,
                                page=number,
                                url=page_url,
                                got=mapping.json_type_name(record),
                            ),
                            harvest_job,
                        )
                        continue
                    rid = mapping.get_path(record, id_path)
                    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or rid == "":
                        self._save_gather_error(
                            bilingual(
                                "Bản ghi thứ {n} ở trang {page} ({url}) không có mã định danh hợp "
                                "lệ ở khóa “{key}” (nhận được {got}); đã bỏ qua. Mỗi bản ghi cần "
                                "một mã chuỗi hoặc số.",
                                "Record {n} on page {page} ({url}) has no valid identifier at "
                                "“{key}” (got {got}); skipped. Every record needs a string or "
                                "number id.",
                                n=n,
                                page=number,
                                url=page_url,
                                key=id_path,
                                got=mapping.json_type_name(rid),
                            ),
                            harvest_job,
                        )
                        continue
                    rid = str(rid)
                    digest = json.dumps(record, sort_keys=True, ensure_ascii=False)
                    if rid in seen:
                        first_digest, first_url, index = seen[rid]
                        if first_digest != digest:
                            conflicting.setdefault(rid, [first_url]).append(page_url)
                            out[index] = None
                        continue
                    seen[rid] = (digest, page_url, len(out))
                    out.append((f"{entry['operation']}/{rid}", record, page_url))
        except HarvestProblem as p:
            complete = False
            self._save_gather_error(
                bilingual(
                    "Thao tác “{op}”: {vi} Các tập dữ liệu đã thu thập trước đây được giữ nguyên.",
                    "Operation “{op}”: {en} Datasets harvested before are kept as they were.",
                    op=entry["operation"],
                    vi=p.vi,
                    en=p.en,
                ),
                harvest_job,
            )
        for rid, urls in conflicting.items():
            self._save_gather_error(
                bilingual(
                    "Mã định danh “{rid}” xuất hiện nhiều lần với nội dung khác nhau ({urls}); bản "
                    "ghi này không được cập nhật cho tới khi API sửa trùng lặp.",
                    "Identifier “{rid}” appears more than once with different content ({urls}); "
                    "this record is not updated until the API fixes the duplicate.",
                    rid=rid,
                    urls=", ".join(dict.fromkeys(urls)),
                ),
                harvest_job,
            )
        records = [r for r in out if r is not None]
        # A conflicting id is still upstream: its dataset must not be withdrawn.
        kept_guids = {f"{entry['operation']}/{rid}" for rid in conflicting}
        return records, complete, kept_guids

    # -- fetch -----------------------------------------------------------------
    def _fetch(self, harvest_object):
        if object_extra(harvest_object, STATUS) == WITHDRAW:
            return True
        source = harvest_object.source
        config = source_config.parse(source.config, check_licenses=False)
        content = json.loads(harvest_object.content)
        entry = next(
            (e for e in config["datasets"] if e["operation"] == content["operation"]), None
        )
        if entry is None:
            self._save_object_error(
                bilingual(
                    "Thao tác “{op}” không còn trong cấu hình nguồn.",
                    "Operation “{op}” is no longer in the source configuration.",
                    op=content["operation"],
                ),
                harvest_object,
                "Fetch",
            )
            return False
        snap = entry.get("snapshot")
        if not snap:
            return True
        record = content["record"]
        try:
            client = self._client(config)
        except HarvestProblem as p:
            self._save_object_error(p.message, harvest_object, "Fetch")
            return False
        try:
            url, path_names = self._snapshot_url(source.url, snap, content["snapshot_path"], record)
            rows: list = []
            max_rows = snap.get("max_rows") or int(
                tk.config.get("ckanext.angiang.harvest.max_snapshot_rows")
            )
            query = self._snapshot_query(snap, record, path_names)
            for _, _, page_rows in paging.pages(
                client,
                url,
                query,
                snap.get("pagination"),
                snap.get("records", ""),
                source_config.max_pages(config),
            ):
                rows.extend(page_rows)
                if len(rows) > max_rows:
                    raise HarvestProblem(
                        "too_many_rows",
                        f"Dữ liệu của bản ghi vượt {max_rows} dòng (max_rows); bản sao không "
                        f"được cập nhật. Hãy tăng snapshot.max_rows hoặc bỏ bản sao.",
                        f"The record's data exceeds {max_rows} rows (max_rows); the snapshot "
                        f"is not updated. Raise snapshot.max_rows or drop the snapshot.",
                    )
        except HarvestProblem as p:
            self._save_object_error(
                bilingual(
                    "Không lấy được dữ liệu của bản ghi “{guid}”: {vi} Tập dữ liệu hiện có được "
                    "giữ nguyên.",
                    "Could not fetch the data of record “{guid}”: {en} The existing dataset is "
                    "kept as it was.",
                    guid=harvest_object.guid,
                    vi=p.vi,
                    en=p.en,
                ),
                harvest_object,
                "Fetch",
            )
            return False
        finally:
            client.close()
        content["snapshot"] = {"url": url, "rows": rows}
        harvest_object.content = json.dumps(content, ensure_ascii=False)
        harvest_object.save()
        return True

    @staticmethod
    def _snapshot_url(base_url, snap, path, record):
        """The snapshot operation's URL for ``record`` (path parameters
        filled), and the names of the path parameters."""
        op = openapi_doc.Operation(snap["operation"], "get", path, "", "")
        path_params = {}
        for name in op.path_param_names():
            template = str((snap.get("params") or {}).get(name, "{" + name + "}"))
            value, missing = source_config.fill_template(template, record)
            if missing:
                raise HarvestProblem(
                    "missing_param",
                    f"Bản ghi không có giá trị “{missing}” cho tham số đường dẫn “{name}” của "
                    f"thao tác “{op.operation_id}”.",
                    f"The record has no “{missing}” value for path parameter “{name}” of "
                    f"operation “{op.operation_id}”.",
                )
            path_params[name] = value
        return op.url(base_url, path_params), set(path_params)

    @staticmethod
    def _snapshot_query(snap, record, path_names) -> dict:
        """Query parameters of the snapshot operation, filled from the record."""
        query = {}
        for name, template in (snap.get("params") or {}).items():
            if name in path_names:
                continue
            value, missing = source_config.fill_template(str(template), record)
            if missing:
                raise HarvestProblem(
                    "missing_param",
                    f"Bản ghi không có giá trị “{missing}” cho tham số “{name}”.",
                    f"The record has no “{missing}” value for parameter “{name}”.",
                )
            query[name] = value
        return query

    # -- import ----------------------------------------------------------------
    def _import(self, harvest_object):
        if object_extra(harvest_object, STATUS) == WITHDRAW:
            return self.withdraw(harvest_object, object_extra(harvest_object, "reason") or "")
        source = harvest_object.source
        config = source_config.parse(source.config, check_licenses=False)
        content = json.loads(harvest_object.content)
        entry = next(e for e in config["datasets"] if e["operation"] == content["operation"])
        record = content["record"]
        fields, errors = mapping.map_record(
            record, entry["fields"], entry.get("value_maps"), config.get("defaults")
        )
        if errors:
            self.save_type_errors(
                harvest_object,
                errors,
                "Bản ghi “{guid}” có trường sai kiểu: {vi}. Hãy sửa dữ liệu trong API của cơ "
                "quan; tập dữ liệu hiện có được giữ nguyên.",
                "Record “{guid}” has fields of the wrong type: {en}. Fix the data in the "
                "agency API; the existing dataset is kept as it was.",
            )
            return False
        openapi_url = openapi_doc.resolve_url(source.url, config["openapi_url"])
        snap = content.get("snapshot")
        endpoint = (
            snap["url"]
            if snap
            else self._endpoint(source.url, entry, record, content.get("page_url"))
        )
        fields["resources"] = [
            {
                "name": tk._("API") + f": {fields.get('title', '')}",
                "url": endpoint,
                "openapi_url": openapi_url,
                "format": "JSON",
                "resource_kind": "api",
                "description": bilingual(
                    "Dịch vụ API của cơ quan (OpenAPI: {u})",
                    "The agency's API service (OpenAPI: {u})",
                    u=openapi_url,
                ),
                "harvest_resource": "api",
            }
        ]
        files = []
        if snap is not None:
            base = harvest_object.guid.rsplit("/", 1)[-1]
            from ckanext.angiang.slug import title_to_name

            base = title_to_name(base, 60) or "data"
            files = [
                (f"snapshot-{f.format.lower()}", f) for f in snapshot.files(base, snap["rows"])
            ]
        return self.save_dataset(
            harvest_object,
            fields,
            owner_org=self.source_org(source),
            private=bool(config.get("private", False)),
            files=files,
        )

    @staticmethod
    def _endpoint(base_url, entry, record, page_url) -> str:
        template = entry.get("endpoint")
        if template:
            value, missing = source_config.fill_template(template, record)
            if not missing and value is not None:
                return (
                    value
                    if value.startswith("http")
                    else base_url.rstrip("/") + "/" + value.lstrip("/")
                )
        return (page_url or base_url).split("?")[0]
