"""Development and build tools of ckanext-angiang (not installed with the
portal: ``setup.py`` packages ``ckanext.*`` only).

- :mod:`.translation`: the translation catalogues (extraction into the
  ``.pot``, merging into the ``.po`` files, coverage, compiling), used by
  ``make i18n``, ``make i18n-extract``, ``make i18n-coverage`` and
  ``tests/i18n``.

The scripts in ``scripts/`` and the tests (``tests/conftest.py``) import
it from the root of the checkout.
"""
