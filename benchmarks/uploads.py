"""Benchmark: what the upload content check (libmagic, Art. 5.3) adds to an
upload, beside the SHA-256 the portal computes anyway (Art. 9.2).

For CSV files of 1, 10 and 100 MB and an XLSX file, prints the median time of
``content_type.sniff`` (libmagic reads the first 2 MB at most) and of
``checksum.sha256_stream`` (reads the whole file), over 5 runs each. No site
or database needed.

Usage (from the repository root):

    .venv/bin/python benchmarks/uploads.py
"""

from __future__ import annotations

import io
import statistics
import time

import openpyxl

from ckanext.angiang.metadata import checksum, content_type

RUNS = 5


def _csv(megabytes: int) -> bytes:
    row = "91001,Trường Tiểu học Mỹ Bình,Phường Long Xuyên,1234,56.7\n".encode()
    return b"ma,ten,xa,hoc_sinh,ti_le\n" + row * (megabytes * 1024 * 1024 // len(row))


def _xlsx(rows: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for i in range(rows):
        ws.append([i, "Trường Tiểu học Mỹ Bình", "Phường Long Xuyên", 1234, 56.7])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _median_ms(fn, data: bytes) -> float:
    times = []
    for _ in range(RUNS):
        stream = io.BytesIO(data)
        start = time.perf_counter()
        fn(stream)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    files = [(f"CSV {mb} MB", _csv(mb)) for mb in (1, 10, 100)]
    files.append(("XLSX 50,000 rows", _xlsx(50_000)))
    print(f"{'file':<20} {'size MB':>8} {'libmagic ms':>12} {'sha256 ms':>10}  detected")
    for name, data in files:
        detected = content_type.sniff(io.BytesIO(data))
        print(
            f"{name:<20} {len(data) / 1e6:>8.1f} {_median_ms(content_type.sniff, data):>12.2f} "
            f"{_median_ms(checksum.sha256_stream, data):>10.1f}  {detected}"
        )


if __name__ == "__main__":
    main()
