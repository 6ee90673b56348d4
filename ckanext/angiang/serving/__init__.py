"""Serving the portal in production (``make serve-prod``, ``docker/``).

- :mod:`.wsgi`          the WSGI application gunicorn runs: the production
                        ini, the secret from the environment (refused
                        without one), static files, the worker header
- :mod:`.static`        static files and webassets served by WhiteNoise
- :mod:`.warmup`        a worker's first requests, made to itself before it
                        accepts connections (the search docsets read then)
- :mod:`.gunicorn_conf` gunicorn's settings and hooks, from the environment
"""
