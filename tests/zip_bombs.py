"""Zip files as a hostile sender would make them: data already compressed, any declared
sizes, flags and CRC, and deflate bombs of gigabytes made without compressing gigabytes."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MiB = 1 << 20


@dataclass(frozen=True)
class RawMember:
    """A zip member as bytes already compressed, with whatever sizes the test wants declared."""

    name: str
    data: bytes
    file_size: int
    method: int = zipfile.ZIP_DEFLATED
    crc: int = 0
    flags: int = 0


def write_zip(path: Path, members: Iterable[RawMember]) -> None:
    """A zip written by hand (PKWARE APPNOTE 4.3): local headers, data, central directory,
    end record. zipfile cannot store data it did not compress, nor declare a false size."""
    body, directory, count = bytearray(), bytearray(), 0
    for m in members:
        name = m.name.encode()
        offset = len(body)
        body += struct.pack(
            "<4sHHHHHLLLHH", b"PK\x03\x04", 20, m.flags, m.method, 0, 0x21,
            m.crc, len(m.data), m.file_size, len(name), 0,
        )  # fmt: skip
        body += name + m.data
        directory += struct.pack(
            "<4sHHHHHHLLLHHHHHLL", b"PK\x01\x02", 20, 20, m.flags, m.method, 0, 0x21,
            m.crc, len(m.data), m.file_size, len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        directory += name
        count += 1
    end = struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))


def deflated_zeros(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of zeros, about 1 KiB per MiB, made without
    compressing gigabytes: after a full flush the compressor starts afresh, so each MiB
    compresses to the same bytes, and an empty final block ends the stream."""
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = block.compress(bytes(MiB)) + block.flush(zlib.Z_FULL_FLUSH)
    return one * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def stored(name: str, data: bytes) -> RawMember:
    return RawMember(name, data, len(data), zipfile.ZIP_STORED, zlib.crc32(data))
