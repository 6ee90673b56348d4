"""ckanext-angiang: the software of An Giang province's open data portal."""
