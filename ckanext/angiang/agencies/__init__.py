"""Agencies (CKAN organizations): the tree by level and parent, and the
merge/rename of the 2025 reorganisation."""
