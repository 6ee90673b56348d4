"""WSGI entry point for gunicorn in the production image."""
import os

from ckan.config.middleware import make_app
from ckan.cli import CKANConfigLoader
from logging.config import fileConfig

config_path = os.environ.get("CKAN_INI", "/srv/app/production.ini")
fileConfig(config_path)
application = make_app(CKANConfigLoader(config_path).get_config())
