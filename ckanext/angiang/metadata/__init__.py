"""The provincial metadata model (Art. 4, 5 of Decision 62/2024/QĐ-UBND).

One module per part of the model, each usable without a running site:
``vocabularies`` (themes, frequencies, languages, agency levels),
``formats`` (the open formats of Circular 39/2017/TT-BTTTT), ``spatial``
(2025 administrative units and their extents), ``identifier`` (stable dataset
identifiers), ``licenses`` (the portal licence register) and ``checksum``
(SHA-256 of uploads).
"""

import os

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
