"""``ckan angiang ...`` commands. Each delegates to a named module."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import click

DEMO_SYSADMIN = "dic_admin"


@click.group(short_help="An Giang open data portal commands")
def angiang():
    pass


@angiang.command("ensure-sysadmin")
@click.option("--name", default=DEMO_SYSADMIN, show_default=True)
def ensure_sysadmin(name: str):
    """Create the DIC sysadmin account if it does not exist."""
    from ckanext.angiang import accounts

    created = accounts.ensure_sysadmin(name)
    if created:
        click.echo(f"created sysadmin {name}")


@angiang.command()
@click.option("--name", default=DEMO_SYSADMIN, show_default=True)
def token(name: str):
    """Print a fresh API token for a sysadmin (for ckanapi and scripts)."""
    from ckanext.angiang import accounts

    click.echo(accounts.new_api_token(name))


@angiang.group()
def demo():
    """Demo agencies and datasets."""


@demo.command("load")
@click.option(
    "--upgrade-db",
    is_flag=True,
    help="Run `ckan db upgrade` (core and plugin migrations) first, in the same process.",
)
@click.pass_context
def demo_load(ctx: click.Context, upgrade_db: bool):
    """Load the demo agencies and datasets; running it again adds nothing."""
    from ckanext.angiang import demo as demo_data
    from ckanext.angiang.demo.loader import DemoLoadError

    if upgrade_db:  # `make run` saves a CKAN start-up this way
        from ckan.cli.db import upgrade

        ctx.invoke(upgrade)
    try:
        stats = demo_data.load(tk.config.get("ckanext.angiang.demo.data_dir") or None)
    except DemoLoadError as e:  # names the data file, object and field: no traceback
        raise click.ClickException(str(e)) from None
    click.echo(
        "demo: {agencies_created} agencies and {datasets_created} datasets created, "
        "{agencies_existing} agencies and {datasets_existing} datasets already there".format(
            **stats
        )
    )
    if stats.get("datasets_completed") or stats.get("files_restored"):
        click.echo(
            "demo: completed {datasets_completed} datasets of an interrupted load, "
            "uploaded {files_restored} lost files again".format(**stats)
        )


@angiang.command()
@click.option(
    "--no-url-check",
    is_flag=True,
    help="Do not request access/download URLs (accessibility then scores 0).",
)
@click.option(
    "--verbose", "-v", is_flag=True, help="List inaccessible URLs and SHACL violations per dataset."
)
@click.pass_context
def mqa(ctx: click.Context, no_url_check: bool, verbose: bool):
    """Score the public DCAT-AP catalogue by the data.europa.eu MQA method."""
    from ckanext.angiang.dcat import mqa as quality

    flask_app = ctx.meta["flask_app"]
    with flask_app.test_request_context():
        report = quality.assess_catalogue(
            app=flask_app,
            check_urls_enabled=not no_url_check,
            progress=lambda line: click.echo(line, err=True),
        )
    click.echo(quality.report_text(report, verbose=verbose))


@angiang.command("merge-agencies")
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "target", required=True, help="name of the agency that remains")
def merge_agencies(sources, target):
    """Merge agencies SOURCES into --into (the 2025 reorganisation): their
    datasets and staff move, they are deleted, their URLs redirect."""
    from ckanext.angiang.agencies import merge

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        result = merge.merge({"user": site_user["name"]}, list(sources), target)
    except tk.ValidationError as e:
        raise click.ClickException(str(e.error_dict)) from None
    click.echo(
        "merged {merged} into {target}: {datasets_moved} datasets moved".format(
            merged=", ".join(result["merged"]),
            target=result["target"],
            datasets_moved=result["datasets_moved"],
        )
    )


@angiang.command("rename-agency")
@click.argument("agency")
@click.option("--name", "new_name", default=None, help="new URL name")
@click.option("--title", "new_title", default=None, help="new official name")
def rename_agency(agency, new_name, new_title):
    """Rename AGENCY; its old URL redirects to the new one."""
    from ckanext.angiang.agencies import merge

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        result = merge.rename({"user": site_user["name"]}, agency, new_name, new_title)
    except tk.ValidationError as e:
        raise click.ClickException(str(e.error_dict)) from None
    click.echo("renamed {agency} to {name}".format(agency=agency, name=result["name"]))


def get_commands():
    return [angiang]
