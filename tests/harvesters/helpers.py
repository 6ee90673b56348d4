"""Running harvests in tests: without queues (ckanext-harvest's own stage
functions, as its ``tests/lib.py`` does) and reading the outcome."""

from __future__ import annotations

import json
import socket

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError


def create_source(
    owner_org: str, url: str, source_type: str, config, name="nguon-api", frequency="MANUAL"
) -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return tk.get_action("harvest_source_create")(
        {"user": site_user["name"], "ignore_auth": True},
        {
            "name": name,
            "title": f"Nguồn {name}",
            "url": url,
            "source_type": source_type,
            "owner_org": owner_org,
            "frequency": frequency,
            "config": config if isinstance(config, str) else json.dumps(config, ensure_ascii=False),
        },
    )


def update_config(source: dict, config):
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    data = dict(source)
    data["config"] = config if isinstance(config, str) else json.dumps(config, ensure_ascii=False)
    return tk.get_action("harvest_source_update")(
        {"user": site_user["name"], "ignore_auth": True}, data
    )


def run_job(source: dict) -> dict:
    """One harvest job through gather → fetch → import, without queues.
    Returns the job's outcome: gather errors, objects by guid (state,
    report status, errors) and the job status."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    job_dict = tk.get_action("harvest_job_create")(
        context, {"source_id": source["id"], "run": False}
    )
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(job.source.type)
    object_ids = queue.gather_stage(harvester, job)
    for obj_id in object_ids if isinstance(object_ids, list) else []:
        obj = HarvestObject.get(obj_id)
        queue.fetch_and_import_stages(harvester, obj)
    tk.get_action("harvest_jobs_run")(context, {"source_id": source["id"]})
    return outcome(job_dict["id"])


def outcome(job_id: str) -> dict:
    model.Session.remove()
    job = HarvestJob.get(job_id)
    gather_errors = [
        e.message
        for e in model.Session.query(HarvestGatherError).filter(
            HarvestGatherError.harvest_job_id == job_id
        )
    ]
    objects = {}
    for obj in model.Session.query(HarvestObject).filter(HarvestObject.harvest_job_id == job_id):
        errors = [
            (e.stage, e.message)
            for e in model.Session.query(HarvestObjectError).filter(
                HarvestObjectError.harvest_object_id == obj.id
            )
        ]
        objects[obj.guid] = {
            "state": obj.state,
            "report_status": obj.report_status,
            "package_id": obj.package_id,
            "errors": errors,
        }
    return {"status": job.status, "gather_errors": gather_errors, "objects": objects}


def show(name_or_id: str, user=None) -> dict:
    context = {"ignore_auth": True} if user is None else {"user": user}
    return tk.get_action("package_show")(context, {"id": name_or_id})


def harvested(owner_org: str) -> dict:
    """The datasets of ``owner_org`` (any visibility), by title."""
    rows = (
        model.Session.query(model.Package)
        .filter(model.Package.owner_org == owner_org)
        .filter(model.Package.type == "dataset")
        .all()
    )
    return {pkg.title: show(pkg.id) for pkg in rows}


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def extras(pkg: dict) -> dict:
    return {e["key"]: e["value"] for e in pkg.get("extras") or []}
