"""Web security of the portal (the ``angiang_security`` plugin).

One module per defence: ``headers`` (Content-Security-Policy and the other
response headers, download headers), ``csrf`` (CSRF protection that a token
request cannot switch off for the others; cookie-authenticated API writes
need the token), ``throttle`` (failed logins per account and per address,
in Redis) and ``privacy`` (what anonymous visitors see of registered users).
"""
