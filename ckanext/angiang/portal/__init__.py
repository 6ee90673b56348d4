"""The portal's own face (``angiang_portal`` plugin): header, logo and footer,
the search-first home page, the portal's pages (about, using the data,
licences, API guide, contact; editable by sysadmins in Vietnamese and
English), and the page fixes people asked for (issue #13).

- :mod:`.home`      what the home page shows, from one ``package_search``
- :mod:`.pages`     the five pages, stored in CKAN's ``system_info`` table
- :mod:`.ordering`  Vietnamese alphabetical order of agency and group lists
- :mod:`.helpers`   template helpers (``angiang_`` prefixed)
- :mod:`.views`     ``/pages/<name>``, its edit form, the landing after login
"""
