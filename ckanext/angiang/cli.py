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


def get_commands():
    return [angiang]
