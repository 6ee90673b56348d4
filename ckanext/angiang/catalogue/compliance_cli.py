"""``ckan angiang linkcheck | integrity | quality``: the compliance checks
(Art. 9.2, 11.1) from the command line; each runs now, or with
``--enqueue`` the whole daily compliance job goes on the queue."""

from __future__ import annotations

import json

import ckan.model as model
import click


def _package_ids(datasets: tuple[str, ...]) -> list[str] | None:
    if not datasets:
        return None
    ids = []
    for name in datasets:
        pkg = model.Package.get(name)
        if pkg is None:
            raise click.ClickException(f"no dataset {name}")
        ids.append(pkg.id)
    return ids


def _enqueued() -> None:
    from ckanext.angiang.catalogue import jobs

    click.echo(jobs.enqueue_compliance().id)


@click.command("linkcheck")
@click.option("--dataset", "datasets", multiple=True, help="Only this dataset (name or id).")
@click.option("--enqueue", is_flag=True, help="Put the daily compliance job on the queue.")
@click.option("--list", "listing", is_flag=True, help="List the failing links after the run.")
def linkcheck_command(datasets: tuple[str, ...], enqueue: bool, listing: bool):
    """Check the links of linked resources (timeouts, redirects only to
    http/https, no internal addresses) and record each one's status."""
    from ckanext.angiang.catalogue import dashboard, linkcheck

    if enqueue:
        return _enqueued()
    ids = _package_ids(datasets)
    click.echo(json.dumps(linkcheck.run(ids), sort_keys=True))
    if listing:
        for row in dashboard.link_problems(package_id=ids[0] if ids and len(ids) == 1 else None):
            click.echo(
                "\t".join(
                    [
                        row["status"],
                        str(row["http_status"] or ""),
                        row["package_name"],
                        row["url"],
                        row["detail"],
                    ]
                )
            )


@click.command("integrity")
@click.option("--dataset", "datasets", multiple=True, help="Only this dataset (name or id).")
@click.option("--enqueue", is_flag=True, help="Put the daily compliance job on the queue.")
def integrity_command(datasets: tuple[str, ...], enqueue: bool):
    """Re-compute the SHA-256 of stored files; list mismatches and missing
    files (exit status 1 when there is any)."""
    from ckanext.angiang.catalogue import integrity

    if enqueue:
        return _enqueued()
    result = integrity.run(_package_ids(datasets))
    for item in result.pop("failed"):
        click.echo(
            "\t".join(
                [
                    item["status"],
                    item["package_id"],
                    item["resource_id"],
                    item["expected"],
                    item["actual"],
                ]
            )
        )
    click.echo(json.dumps(result, sort_keys=True))
    if result["mismatch"] or result["missing"]:
        raise SystemExit(1)


@click.command("quality")
def quality_command():
    """Score each public dataset's metadata by the MQA method and store the
    scores for the compliance dashboard (links as last checked)."""
    from ckanext.angiang.catalogue import quality

    click.echo(json.dumps(quality.run(), sort_keys=True))


COMMANDS = (linkcheck_command, integrity_command, quality_command)
