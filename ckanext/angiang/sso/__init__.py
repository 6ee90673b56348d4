"""SAML2 single sign-on for agency staff (issue 14; Art. 7.5, 13.2, 14.2).

``metadata`` loads the IdP's metadata, ``client`` builds the pysaml2 service
provider from CKAN's config, ``response`` checks a SAML response and turns it
into an :class:`~ckanext.angiang.sso.response.Identity`, ``users`` creates or
updates the CKAN user and their agency membership, ``views`` holds the
endpoints (metadata, login, ACS, single logout).
"""
