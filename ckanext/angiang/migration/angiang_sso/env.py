"""Alembic environment of the angiang_sso plugin (shared: :mod:`ckanext.angiang.migration`)."""

from ckanext.angiang.migration import run_env

run_env(__file__)
