"""DCAT-AP 3 federation with the national data portal (Art. 7.7): the RDF
profile, the public catalogue endpoints, SHACL validation and the
data.europa.eu metadata quality score."""
