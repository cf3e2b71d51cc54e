#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads a CSV file with Python's csv module, an implementation independent
of ours, and prints each row as one JSON array per line (ASCII escapes, so
the output is unambiguous whatever the cells hold).

usage: csv-read-back.py FILE DELIMITER BOM

DELIMITER is ',', ';' or 'tab'; BOM is 'bom' or 'no-bom'. Exits non-zero
when the file is not strict CSV, when the BOM is not as announced, or when
Python's own writer (minimal quoting, CRLF) would not produce the very same
bytes from the rows it read.
"""

import csv
import io
import json
import sys

BOM = b"\xef\xbb\xbf"


def main():
    path, delimiter, bom = sys.argv[1:4]
    if delimiter == "tab":
        delimiter = "\t"

    with open(path, "rb") as f:
        data = f.read()

    if bom == "bom":
        if not data.startswith(BOM):
            sys.exit("missing byte-order mark")
        data = data[len(BOM):]
    if data.startswith(BOM):
        sys.exit("unexpected byte-order mark")

    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        quotechar='"', doublequote=True, strict=True)
    rows = list(reader)

    again = io.StringIO(newline="")
    writer = csv.writer(again, delimiter=delimiter, quotechar='"',
                        doublequote=True, lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    if again.getvalue() != text:
        sys.exit("the file is not in canonical form (minimal quoting, CRLF)")

    out = sys.stdout
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=True))
        out.write("\n")


if __name__ == "__main__":
    main()
