"""``ckan angiang ...`` commands. Each delegates to a named module."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

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
def demo_load():
    """Load the demo agencies and datasets; running it again adds nothing."""
    from ckanext.angiang import demo as demo_data

    stats = demo_data.load(tk.config.get("ckanext.angiang.demo.data_dir") or None)
    click.echo(
        "demo: {agencies_created} agencies and {datasets_created} datasets created, "
        "{agencies_existing} agencies and {datasets_existing} datasets already there".format(**stats)
    )


@angiang.command()
@click.option("--no-url-check", is_flag=True,
              help="Do not request access/download URLs (accessibility then scores 0).")
@click.option("--verbose", "-v", is_flag=True,
              help="List inaccessible URLs and SHACL violations per dataset.")
@click.pass_context
def mqa(ctx: click.Context, no_url_check: bool, verbose: bool):
    """Score the public DCAT-AP catalogue by the data.europa.eu MQA method."""
    from ckanext.angiang.dcat import mqa as quality

    flask_app = ctx.meta["flask_app"]
    with flask_app.test_request_context():
        report = quality.assess_catalogue(
            app=flask_app, check_urls_enabled=not no_url_check,
            progress=lambda line: click.echo(line, err=True))
    click.echo(quality.report_text(report, verbose=verbose))


def get_commands():
    return [angiang]
