"""Alembic environment of the angiang_accounts plugin."""
from ckanext.angiang.alembic_env import run

run("angiang_accounts")
