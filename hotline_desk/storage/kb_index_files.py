"""The saved knowledge-base search index, next to the desk cache.

Building the index for 100,000 entries takes seconds; loading the saved one takes
well under a second, so the desk loads it at start-up (第十二条(一): the operator
must be able to search at once) and rebuilds only when it is missing, damaged,
of another format, or *stale*: built from other entries than the cache now holds.

File layout: ``FILE_MAGIC``, a little-endian ``uint32`` header length, a UTF-8 JSON
header (file format, the core's index format, the entries' fingerprint and count,
the payload's size and CRC-32, when it was saved), then the payload from
:meth:`SearchIndex.to_bytes`. Files are written atomically (a temporary file in the
same folder, flushed, then ``os.replace``), so a crash never leaves half an index
under the real name.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import struct
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search import SearchIndex, codec
from hotline_desk.core.kb.search.fingerprint import entries_fingerprint
from hotline_desk.paths import local_cache_dir

log = logging.getLogger(__name__)

INDEX_FILENAME = "kb-search.index"
FILE_MAGIC = b"HDKBIDX\x00"
FILE_FORMAT = 1
_HEADER_LIMIT = 1 << 16


@dataclass(frozen=True, slots=True)
class IndexFileHeader:
    """What a saved index says about itself."""

    file_format: int
    core_format: int
    fingerprint: str
    entry_count: int
    payload_size: int
    crc32: int
    saved_at: str
    payload_offset: int


def index_path(directory: Path | None = None) -> Path:
    """The index file inside ``directory`` (default: the desk's local cache folder)."""
    return (directory if directory is not None else local_cache_dir()) / INDEX_FILENAME


def save_index(index: SearchIndex, path: Path, fingerprint: str | None = None) -> str:
    """Write ``index`` to ``path`` atomically; returns the entries' fingerprint.

    ``fingerprint`` may be passed when the caller has already computed it for the
    index's entries. Raises :class:`StorageError` (Chinese message) on I/O failure.
    """
    payload = index.to_bytes()
    stamp = fingerprint or entries_fingerprint(index.entries())
    header = json.dumps({
        "file_format": FILE_FORMAT,
        "core_format": codec.FORMAT_VERSION,
        "fingerprint": stamp,
        "entry_count": len(index),
        "payload_size": len(payload),
        "crc32": zlib.crc32(payload),
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(FILE_MAGIC)
                stream.write(struct.pack("<I", len(header)))
                stream.write(header)
                stream.write(payload)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
    except OSError as exc:
        reason = ("没有写入权限" if isinstance(exc, PermissionError)
                  else exc.strerror or "写入失败")
        raise StorageError(f"cannot save the search index to {path}: {exc}",
                           f"无法保存知识库搜索索引：{reason}") from exc
    return stamp


def read_header(path: Path) -> IndexFileHeader | None:
    """The header of the index file at ``path``; None when missing or not an index."""
    try:
        with open(path, "rb") as stream:
            start = stream.read(len(FILE_MAGIC) + 4)
            if len(start) < len(FILE_MAGIC) + 4 or start[: len(FILE_MAGIC)] != FILE_MAGIC:
                return None
            (size,) = struct.unpack("<I", start[len(FILE_MAGIC) :])
            if size > _HEADER_LIMIT:
                return None
            raw = json.loads(stream.read(size).decode("utf-8"))
            return IndexFileHeader(
                file_format=int(raw["file_format"]),
                core_format=int(raw["core_format"]),
                fingerprint=str(raw["fingerprint"]),
                entry_count=int(raw["entry_count"]),
                payload_size=int(raw["payload_size"]),
                crc32=int(raw["crc32"]),
                saved_at=str(raw["saved_at"]),
                payload_offset=len(FILE_MAGIC) + 4 + size,
            )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("search index %s unreadable: %s", path, exc)
        return None


def load_index(path: Path, entries: Sequence[KBEntry],
               fingerprint: str | None = None) -> SearchIndex | None:
    """The saved index for exactly ``entries``, or None when it must be rebuilt.

    None when the file is missing, damaged (CRC), of another format, or stale (its
    fingerprint is not that of ``entries``). ``fingerprint`` may be passed when the
    caller has already computed it.
    """
    header = read_header(path)
    if header is None:
        return None
    if header.file_format != FILE_FORMAT or header.core_format != codec.FORMAT_VERSION:
        log.info("search index %s has another format; rebuilding", path)
        return None
    if header.entry_count != len(entries):
        log.info("search index %s is stale (entry count); rebuilding", path)
        return None
    wanted = fingerprint or entries_fingerprint(entries)
    if header.fingerprint != wanted:
        log.info("search index %s is stale (fingerprint); rebuilding", path)
        return None
    try:
        with open(path, "rb") as stream:
            stream.seek(header.payload_offset)
            payload = stream.read()
    except OSError as exc:
        log.warning("search index %s unreadable: %s", path, exc)
        return None
    if len(payload) != header.payload_size or zlib.crc32(payload) != header.crc32:
        log.warning("search index %s is damaged; rebuilding", path)
        return None
    try:
        return SearchIndex.from_bytes(payload, entries)
    except DataFormatError as exc:
        log.warning("search index %s rejected: %s", path, exc)
        return None


def load_or_build(path: Path, entries: Sequence[KBEntry]) -> tuple[SearchIndex, bool]:
    """The saved index if it fits ``entries``, else a fresh build saved for next time.

    Returns the index and whether it was loaded (True) or built (False). A failure
    to save is logged, not raised: searching works without the file.
    """
    fingerprint = entries_fingerprint(entries)
    loaded = load_index(path, entries, fingerprint)
    if loaded is not None:
        return loaded, True
    index = SearchIndex.build(entries)
    try:
        save_index(index, path, fingerprint)
    except StorageError as exc:
        log.warning("%s", exc)
    return index, False
