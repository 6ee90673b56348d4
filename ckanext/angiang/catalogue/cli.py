"""``ckan angiang catalogue import|list|show``: the catalogue from the
command line (the DIC's sysadmin on the server)."""

from __future__ import annotations

import json
import os

import ckan.plugins.toolkit as tk
import click

from ckanext.angiang.catalogue import status


def _site_user() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


@click.group(short_help="The official open data catalogue (danh mục dữ liệu mở)")
def catalogue():
    """The official open data catalogue issued by the PPC Chairman."""


@catalogue.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--decision", "number", required=True, help="Decision number, e.g. 123/QĐ-UBND.")
@click.option("--date", "issued", required=True, help="Decision date, YYYY-MM-DD or DD/MM/YYYY.")
@click.option("--title", default="", help="The decision's title.")
@click.option(
    "--replace",
    is_flag=True,
    help="The decision replaces the whole catalogue: withdraw entries it does not list.",
)
def import_(path: str, number: str, issued: str, title: str, replace: bool):
    """Import a decision's appendix (XLSX or CSV): all rows or none."""
    with open(path, "rb") as f:
        upload = _NamedBytes(f.read(), os.path.basename(path))
    try:
        result = tk.get_action("angiang_catalogue_import")(
            _site_user(),
            {
                "upload": upload,
                "decision_number": number,
                "decision_date": issued,
                "decision_title": title,
                "replace": replace,
            },
        )
    except tk.ValidationError as e:
        for field, problems in e.error_dict.items():
            for problem in problems:
                if isinstance(problem, dict):
                    click.echo(tk._("row {row}, {column}: {message}").format(**problem), err=True)
                else:
                    click.echo(f"{field}: {problem}", err=True)
        raise click.ClickException(tk._("Nothing was imported.")) from None
    click.echo(
        tk._(
            "Decision {decision}: {rows} rows; {added} added, {amended} amended, "
            "{restored} restored, {withdrawn} withdrawn."
        ).format(**result)
    )


class _NamedBytes:
    """An uploaded file as the import action reads it."""

    def __init__(self, data: bytes, filename: str):
        import io

        self.stream = io.BytesIO(data)
        self.filename = filename


@catalogue.command("list")
@click.option("--agency", default=None, help="An agency's URL name, code or title.")
@click.option("--status", "wanted", type=click.Choice(status.PUBLICATION_STATES), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(agency: str | None, wanted: str | None, as_json: bool):
    """The entries in force and where each stands."""
    data = {
        "agency": agency,
        "publication_status": wanted,
        "include_withdrawn": wanted == status.WITHDRAWN,
    }
    try:
        items = tk.get_action("angiang_catalogue_entry_list")(
            _site_user(), {k: v for k, v in data.items() if v}
        )
    except tk.ValidationError as e:
        raise click.ClickException(str(e.error_summary)) from None
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    for i in items:
        click.echo(
            "\t".join(
                [i["code"], i["publication_status"], i["due_date"], i["agency_name"], i["title"]]
            )
        )


@catalogue.command("show")
@click.argument("code")
def show(code: str):
    """One entry with its datasets and history, as JSON."""
    try:
        item = tk.get_action("angiang_catalogue_entry_show")(_site_user(), {"code": code})
    except tk.ObjectNotFound as e:
        raise click.ClickException(str(e)) from None
    click.echo(json.dumps(item, ensure_ascii=False, indent=1))


@click.command("freshness")
@click.option(
    "--enqueue",
    is_flag=True,
    help="Put the job on CKAN's background queue (`ckan jobs worker` runs it).",
)
@click.option("--list", "listing", is_flag=True, help="Only list the overdue datasets.")
def freshness_command(enqueue: bool, listing: bool):
    """The daily freshness job (Art. 8.3, 12.2): re-index what became
    overdue and email agencies' focal points, once per overdue period."""
    from ckanext.angiang.catalogue import freshness, jobs, reminders

    if listing:
        for item in freshness.overdue():
            click.echo(
                "\t".join(
                    [
                        item["next_due"].isoformat(),
                        item["owner_org"] or "",
                        item["name"],
                        item["title"],
                    ]
                )
            )
        return
    if enqueue:
        click.echo(jobs.enqueue().id)
        return
    click.echo(json.dumps(reminders.run(), sort_keys=True))


@click.command("freshness-scheduler")
@click.option(
    "--interval",
    type=int,
    default=None,
    help="Seconds between checks (default: ckanext.angiang.freshness.scheduler_interval).",
)
@click.option("--once", is_flag=True, help="Check once and exit.")
def freshness_scheduler(interval: int | None, once: bool):
    """Enqueue the freshness job once a day, at or after
    ckanext.angiang.freshness.hour (site time); any number of schedulers
    enqueue it once (a Redis key per day)."""
    from ckanext.angiang.catalogue import jobs

    jobs.schedule_loop(interval, once)


@click.command("report")
@click.option("--period", "code", required=True, help="The half-year, e.g. 2026H1 (Jan-Jun).")
@click.option(
    "--out",
    "out_dir",
    default=".",
    type=click.Path(file_okay=False),
    help="Directory to write bao-cao-6-thang-<period>.xlsx/.pdf into.",
)
@click.option(
    "--format",
    "formats",
    default="xlsx,pdf",
    help="Comma-separated: xlsx, pdf, json (json is printed).",
)
def report_command(code: str, out_dir: str, formats: str):
    """The six-month report (Art. 17.2) of a half-year: XLSX with charts and
    a printable PDF, in Vietnamese."""
    from ckanext.angiang.catalogue import period
    from ckanext.angiang.catalogue.report import figures, pdf, xlsx

    try:
        wanted = period.parse(code)
    except ValueError:
        raise click.BadParameter(
            tk._("Write a half-year as YYYYH1 or YYYYH2, e.g. 2026H1."), param_hint="--period"
        ) from None
    kinds = [k.strip() for k in formats.split(",") if k.strip()]
    unknown = set(kinds) - {"xlsx", "pdf", "json"}
    if unknown:
        raise click.BadParameter(", ".join(sorted(unknown)), param_hint="--format")
    report = figures.collect(wanted)
    if "json" in kinds:
        click.echo(json.dumps(figures.as_json(report), ensure_ascii=False, indent=1))
    os.makedirs(out_dir, exist_ok=True)
    for kind, writer in (("xlsx", xlsx.write), ("pdf", pdf.write)):
        if kind in kinds:
            path = os.path.join(out_dir, f"bao-cao-6-thang-{wanted.code}.{kind}")
            with open(path, "wb") as f:
                f.write(writer(report))
            click.echo(path, err="json" in kinds)


@click.group("usage", short_help="Usage figures: views, downloads, API calls (Art. 17.2)")
def usage_group():
    """Usage figures counted by the portal."""


@usage_group.command("flush")
@click.option("--no-reindex", is_flag=True, help="Do not re-index the datasets counted.")
def usage_flush(no_reindex: bool):
    """Move the counters from Redis into the database now (the freshness
    scheduler does it every interval)."""
    from ckanext.angiang.catalogue import usage

    click.echo(json.dumps(usage.flush(reindex=not no_reindex), sort_keys=True))


def get_commands():
    """Attach ``catalogue``, ``freshness``, ``freshness-scheduler``,
    ``report``, ``usage``, ``linkcheck``, ``integrity`` and ``quality`` to the
    suite's ``ckan angiang`` group (the ``angiang`` plugin brings the group)."""
    from ckanext.angiang.catalogue import compliance_cli
    from ckanext.angiang.cli import angiang

    for command in (
        catalogue,
        freshness_command,
        freshness_scheduler,
        report_command,
        usage_group,
        *compliance_cli.COMMANDS,
    ):
        angiang.add_command(command)
    return []
