"""The portal's API described: an OpenAPI 3.1 document at ``/api/openapi.json``
(:mod:`.document`, specs in ``spec/``) and a Vietnamese docs page at
``/api/docs`` rendered with the vendored Swagger UI (:mod:`.views`).
Enabled by the ``angiang_api_docs`` plugin."""
