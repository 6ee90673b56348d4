"""Gzip the built webassets beside themselves (``name.css.gz``), which
WhiteNoise serves to clients that accept gzip (``make serve-prod``).

Usage: .venv/bin/python scripts/compress_assets.py CONFIG.ini
"""

import os
import sys

from ckan.cli import CKANConfigLoader
from whitenoise.compress import Compressor


def webassets_path(ini: str) -> str:
    # as ckan.lib.webassets_tools.get_webassets_path, with CKAN's env override
    conf = CKANConfigLoader(ini).get_config()
    if conf.get("ckan.webassets.path"):
        return conf["ckan.webassets.path"]
    storage = os.environ.get("CKAN_STORAGE_PATH") or conf["ckan.storage_path"]
    return os.path.join(storage, "webassets")


def main(ini: str) -> None:
    root = webassets_path(ini)
    compressor = Compressor(use_brotli=False, quiet=True)
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith((".css", ".js")):
                compressor.compress(os.path.join(folder, name))


if __name__ == "__main__":
    main(sys.argv[1])
