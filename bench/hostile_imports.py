"""What the worst import files cost (issue 13): the figures of docs/import.md, "Limits".

    DATABASE_URL=postgres://.../eepa .venv/bin/python bench/hostile_imports.py [--only NAME...]

A benchmark, not a test: it builds each file in a temporary folder, runs
`manage.py import_events FILE` on it as a child process with DEBUG off (on the database of
DATABASE_URL, migrated; nothing is written since every file is refused) and prints the file's
size, the wall-clock and CPU seconds, the peak memory (maximum resident set size, from wait4)
and the command's first message. Every file has the import header, so that the rows are read.
"""

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLUMNS = [
    "br_number",
    "event_type",
    "occurred_on",
    "significance",
    "title",
    "partner_summary",
    "restricted_details",
    "seizure_value_hkd",
    "cases",
]
HEADER = (",".join(COLUMNS) + "\n").encode()
MB = 1024 * 1024
ROW = b"30100001,training,2024-01-01,,Staff attended the X-ray course,,,,\n"


def csv_files() -> dict:
    """Each file's builder, called only when it is measured (the parent stays small: a
    child's peak memory counts what it inherited from the fork)."""
    return {
        "10 MB of empty lines (CSV)": lambda: HEADER + b"\n" * (10 * MB),
        "10 MB of CRLF empty lines (CSV)": lambda: HEADER + b"\r\n" * (5 * MB),
        "10 MB of rows of commas (CSV)": lambda: HEADER + b",,,,,,,,\n" * (10 * MB // 9),
        "10 MB single quoted field (CSV)": lambda: (
            HEADER + b'30100001,training,2024-01-01,,"' + b"x" * (10 * MB) + b'",,,,\n'
        ),
        "10 MB line of short fields (CSV)": lambda: HEADER + b"ab," * (10 * MB // 3) + b"\n",
        "10 MB of quoted multi-line fields (CSV)": lambda: HEADER + b'"a\n",' * (10 * MB // 5),
        "unterminated quote then 10 MB of rows (CSV)": lambda: (
            HEADER + b'30100001,training,2024-01-01,,"Title,,,,\n' + ROW * (10 * MB // len(ROW))
        ),
        "a 130 KB field (CSV)": lambda: (
            HEADER + b'30100001,training,2024-01-01,,"' + b"x" * (130 * 1024) + b'",,,,\n'
        ),
        "NUL byte (CSV)": lambda: HEADER + b"30100001,training,2024-01-01,,Ti\x00tle,,,,\n",
        "latin-1 after 90,000 rows (CSV, 6 MB)": lambda: (
            HEADER + ROW * 90_000 + "Café\n".encode("latin-1")
        ),
        "550,000 rows of whitespace cells (CSV, 10 MB)": lambda: (
            HEADER + b" , , , , , , , , \n" * 550_000
        ),
    }


def _workbook(sheet_rows: bytes, *, dimension: str = "A1:I1", strings: list[str] | None = None):
    """An XLSX written part by part: the import header in row 1 (inline strings), then
    `sheet_rows` (the XML of <row> elements) as they are."""
    header = b"".join(
        b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + n).encode(), name.encode())
        for n, name in enumerate(COLUMNS)
    )
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet %s><dimension ref="%s"/>'
        b'<sheetData><row r="1">%s</row>%s</sheetData></worksheet>'
    ) % (ns, dimension.encode(), header, sheet_rows)
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/>'
        + (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if strings is not None
            else ""
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook = (
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Events" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    workbook_rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings is not None:
            items = "".join(f"<si><t>{text}</t></si>" for text in strings)
            archive.writestr(
                "xl/sharedStrings.xml",
                '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main">{items}</sst>',
            )
    return buffer.getvalue()


def _random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def _until(size: int, make_row) -> bytes:
    """Rows from make_row(number) until the compressed file would pass `size` (estimated from
    a sample), as XML."""
    sample = b"".join(make_row(n) for n in range(2, 20_002))
    ratio = len(sample) / len(zipfile_deflate(sample))
    target = int(size * ratio)
    rows, total, number = [], 0, 2
    while total < target and number <= 1_048_576:
        row = make_row(number)
        rows.append(row)
        total += len(row)
        number += 1
    return b"".join(rows)


def zipfile_deflate(data: bytes) -> bytes:
    import zlib

    return zlib.compress(data, 6)


def xlsx_files() -> dict:
    rng = random.Random(13)
    bomb = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
    return {
        "for comparison: 100,000 valid rows naming unknown enterprises (XLSX)": lambda: _workbook(
            b"".join(_valid_row(n) for n in range(2, 100_002))
        ),
        "the 4.9 KB dimension bomb (XLSX)": lambda: _workbook(bomb, dimension="A1:XFD1048576"),
        "10 MB, one column of distinct texts (XLSX)": lambda: _workbook(
            _until(
                10 * MB,
                lambda n: (
                    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>'
                    % (n, n, _random_text(rng, 12).encode())
                ),
            )
        ),
        "10 MB, one column of blank texts (XLSX)": lambda: _workbook(
            _until(
                10 * MB,
                lambda n: (
                    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>'
                    % (n, n, b" " * rng.randint(1, 40))
                ),
            )
        ),
        "4,000,000 empty styled cells on 500,000 rows (XLSX)": lambda: _workbook(
            b"".join(
                b'<row r="%d">%s</row>'
                % (
                    n,
                    b"".join(b'<c r="%s%d" s="0"/>' % (chr(65 + c).encode(), n) for c in range(8)),
                )
                for n in range(2, 500_002)
            )
        ),
        "cells in column XFD on 1,000,000 rows (XLSX)": lambda: _workbook(
            b"".join(
                b'<row r="%d"><c r="XFD%d" t="inlineStr"><is><t> </t></is></c></row>' % (n, n)
                for n in range(2, 1_000_002)
            )
        ),
        "1,000,000 shared strings (XLSX)": lambda: _workbook(
            b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
            strings=[_random_text(rng, 8) for _ in range(1_000_000)],
        ),
        "a 1 GB sheet in a 1 MB zip (XLSX)": lambda: _zip_bomb(),
    }


def _valid_row(n: int) -> bytes:
    texts = [
        f"{40100000 + n % 20}",
        "training",
        f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "notable",
        f"Container check {n} at Kwai Chung",
        f"Manifest data shared with the officers on duty {n}",
        f"Case {n} (restricted)",
    ]
    cells = "".join(
        f'<c r="{chr(65 + c)}{n}" t="inlineStr"><is><t>{text}</t></is></c>'
        for c, text in enumerate(texts)
    )
    return (
        f'<row r="{n}">{cells}<c r="H{n}"><v>{n}.5</v></c><c r="I{n}"><v>1</v></c></row>'.encode()
    )


def _zip_bomb() -> bytes:
    """A sheet of a gigabyte of spaces, written without holding it."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        part.write(b"<worksheet><sheetData>")
        for _ in range(1024):
            part.write(b" " * MB)
        part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def child_env() -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "PUBLIC_BASE_URL": "https://eepa.bench.example",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def measure(name: str, path: Path) -> None:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_events", str(path)],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    error = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    first = error.strip().splitlines()[0] if error.strip() else "(no message)"
    print(
        f"| {name} | {path.stat().st_size / 1024:,.0f} KB | {seconds:.1f} s | "
        f"{usage.ru_utime + usage.ru_stime:.1f} s | {usage.ru_maxrss / 1024:.0f} MB | "
        f"exit {os.waitstatus_to_exitcode(status)}: {first[:110]} |",
        flush=True,
    )


def builders() -> dict:
    return {
        **{name: (build, "csv") for name, build in csv_files().items()},
        **{name: (build, "xlsx") for name, build in xlsx_files().items()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="files whose name contains one of these")
    parser.add_argument("--build", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build:
        # In a child of its own: the parent stays small, and a measured child's peak memory
        # (which counts what the fork inherited) is the import's own.
        name, path = options.build
        Path(path).write_bytes(builders()[name][0]())
        return
    print("| file | size | time | CPU | peak memory | answer |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, (_build, suffix)) in enumerate(builders().items()):
            if options.only and not any(part in name for part in options.only):
                continue
            path = Path(folder) / f"file{number}.{suffix}"
            subprocess.run([sys.executable, __file__, "--build", name, str(path)], check=True)
            measure(name, path)
            path.unlink()


if __name__ == "__main__":
    main()
