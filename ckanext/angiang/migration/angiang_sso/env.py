"""Alembic environment of the angiang_sso plugin."""
from ckanext.angiang.alembic_env import run

run("angiang_sso")
