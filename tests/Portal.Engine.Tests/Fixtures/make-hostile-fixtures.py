#!/usr/bin/env python3
"""Writes the byte-level hostile fixtures. Run after make-fixtures.cs (needs photo.jpg, photo.png)."""
import os, struct, zlib

d = os.path.dirname(os.path.abspath(__file__)) + "/"
open(d + "empty.png", "wb").close()
j = open(d + "photo.jpg", "rb").read()
open(d + "truncated.jpg", "wb").write(j[: len(j) // 2])
p = open(d + "photo.png", "rb").read()
open(d + "truncated.png", "wb").write(p[: len(p) // 2])
open(d + "not-an-image.png", "w").write(
    "This is a plain text file with a .png extension.\nIt must be refused without being decoded.\n")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
# A single compressed row: the file is tiny, but decoding would need 30000*30000*3 bytes.
idat = zlib.compress(b"\x00" + b"\x00" * 90000, 9)
open(d + "huge-dimensions.png", "wb").write(
    b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
