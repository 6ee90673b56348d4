"""One thin plugin class per concern; each hook delegates to a named module.

Enable what a site needs in ``ckan.plugins``:

- ``angiang``: the portal itself (Vietnamese UI, slugs, health check, CLI).
"""
