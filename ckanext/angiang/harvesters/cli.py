"""``ckan angiang-harvest ...``: the harvest workers (see :mod:`.workers`).

    ckan -c ckan.ini angiang-harvest gather-consumer
    ckan -c ckan.ini angiang-harvest fetch-consumer
    ckan -c ckan.ini angiang-harvest scheduler [--interval 60]

scripts/run-workers.sh starts all three (``make run`` does, in the
background); docker/ runs each as its own service.
"""

from __future__ import annotations

import signal

import ckan.plugins.toolkit as tk
import click


class _Stop:
    def __init__(self):
        self.stop = False
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, *_):
        self.stop = True

    def __call__(self):
        return self.stop


@click.group("angiang-harvest", short_help="Harvest workers that survive faults")
def angiang_harvest():
    pass


@angiang_harvest.command("gather-consumer")
def gather_consumer():
    """Consume the gather queue (one per site)."""
    from ckanext.angiang.harvesters import workers

    workers.consume("gather", _Stop())


@angiang_harvest.command("fetch-consumer")
def fetch_consumer():
    """Consume the fetch queue (run several for throughput)."""
    from ckanext.angiang.harvesters import workers

    workers.consume("fetch", _Stop())


@angiang_harvest.command("scheduler")
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Seconds between runs (default: ckanext.angiang.harvest.scheduler_interval).",
)
@click.pass_context
def scheduler(ctx, interval):
    """Start due harvest jobs and mark finished ones, every INTERVAL seconds."""
    from ckanext.angiang.harvesters import workers

    if interval is None:
        interval = float(tk.config.get("ckanext.angiang.harvest.scheduler_interval") or 60)
    with ctx.meta["flask_app"].test_request_context():
        workers.schedule(interval, _Stop())


def get_commands():
    return [angiang_harvest]
