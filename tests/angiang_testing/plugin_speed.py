"""What CKAN repeats each time a test loads its plugins, done once.

CKAN's pytest fixtures load the plugins for each test (``with_plugins``)
and build an app for each (``app``): every plugin's ``update_config`` runs
again, several times per test. A profile of tests/ui/test_fixes.py put
two thirds of each test's set-up in two look-ups whose answers cannot
change during a test session:

- ``toolkit.add_template_directory``/``add_public_directory``/``add_resource``
  find the calling plugin's folder with ``inspect.stack()``, which builds
  every frame's source context (reads and searches every module of the
  stack: about 47 ms a call, 900 calls in 15 tests). The caller's file is
  ``sys._getframe(n).f_code.co_filename``, the same name without the rest;
- ``plugins.core._get_service`` asks ``importlib.metadata.entry_points``
  for one plugin, which reads every installed distribution's entry points
  anew (about 20 ms a call, 1,100 calls). The installed entry points are
  read once here;
- each plugin's ``config_declaration.yaml``, ckanext-scheming's schemas and
  the webassets' ``webassets.yml`` are parsed again (PyYAML's pure Python
  ``safe_load``: a third of what was left). Each text is parsed once, with
  libyaml where PyYAML has it, and each caller gets its own deep copy;
- each test's app compiles the templates it renders anew (a new Jinja
  environment per app). Compiled templates are kept for the session, each
  under its name, file, source and the template search path (which decides
  what ``{% ckan_extends %}`` extends): a test with other plugins, or a
  changed file, compiles its own.

:func:`install` replaces these functions with ones that give the same
results; the rest of CKAN's loading (each ``update_config``, the app) runs
as it does in production. Used by tests/conftest.py before CKAN's pytest
plugin builds its first app.
"""

from __future__ import annotations

import copy
import functools
import os
import sys
from importlib import metadata

import jinja2
import yaml
from jinja2 import bccache


def _caller_dir(depth: int) -> str:
    # depth frames above the function that calls this one's caller
    return os.path.dirname(sys._getframe(depth + 2).f_code.co_filename)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache in memory, keyed also by the search path."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def get_bucket(self, environment, name, filename, source):
        paths = repr(getattr(environment.loader, "searchpath", None))
        key = self.get_cache_key(name, filename) + self.get_cache_key(paths)
        bucket = bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


def install() -> None:
    import ckan.plugins.core as core
    import ckan.plugins.toolkit as toolkit
    from ckan.lib.webassets_tools import create_library

    def _add_served_directory(config_, relative_path, config_var):
        # as CKAN's: the folder of the plugin that called add_*_directory
        assert config_var in ("plugin_template_paths", "plugin_public_paths")
        absolute_path = os.path.join(_caller_dir(1), relative_path)
        if absolute_path not in config_.get(config_var, []):
            if config_var in config_:
                config_[config_var] = [absolute_path] + config_[config_var]
            else:
                config_[config_var] = [absolute_path]
        return absolute_path

    def add_resource(path: str, name: str):
        # as CKAN's: relative to the plugin that called it
        create_library(name, os.path.join(_caller_dir(0), path))

    add_resource.__doc__ = toolkit.add_resource.__doc__
    toolkit._add_served_directory = _add_served_directory
    toolkit.add_resource = add_resource

    everything = metadata.entry_points()

    @functools.wraps(metadata.entry_points)
    def entry_points(**params):
        return everything.select(**params)

    core.entry_points = entry_points

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parsed: dict = {}

    @functools.wraps(yaml.safe_load)
    def safe_load(stream):
        text = stream if isinstance(stream, (str, bytes)) else stream.read()
        if text not in parsed:
            parsed[text] = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
        return copy.deepcopy(parsed[text])

    yaml.safe_load = safe_load

    from ckan.lib import jinja_extensions

    compiled = _CompiledTemplates()
    env_options = jinja_extensions.get_jinja_env_options

    @functools.wraps(env_options)
    def get_jinja_env_options():
        return dict(env_options(), bytecode_cache=compiled)

    jinja_extensions.get_jinja_env_options = get_jinja_env_options
