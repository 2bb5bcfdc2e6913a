"""A search index as bytes, and back (no I/O: storage writes and reads the bytes).

Layout: ``MAGIC``, a little-endian ``uint32`` header length, a UTF-8 JSON header
(format version, the reading table's digest, counters and the list of arrays with
their dtype, offset and length), then the raw arrays, each 8-byte aligned. Loading
wraps the bytes with ``numpy.frombuffer`` instead of copying the big posting
arrays, so a 100,000-entry index loads in well under a second.

Entries are not stored: the desk already holds them (the local cache), so
:func:`loads` takes them and checks they are the ones the index was built from
(the same ids; storage also compares a fingerprint of their content).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search.postings import Postings
from hotline_desk.core.kb.search.readings import reading_table
from hotline_desk.core.kb.search.tables import Column, Tables

MAGIC = b"HDKBSRCH"
FORMAT_VERSION = 1
_ALIGN = 8
_COLUMNS = ("alive", "published", "valid_from", "valid_to", "city", "district", "id_rank",
            "text_doc", "text_field", "text_len", "text_head")


def _bad(message: str) -> DataFormatError:
    return DataFormatError(f"search index bytes: {message}",
                           "搜索索引文件已损坏或版本不符，需要重建")


def _flatten_delta(delta: dict[int, list[int]]) -> tuple[npt.NDArray[np.uint64],
                                                         npt.NDArray[np.int64],
                                                         npt.NDArray[np.uint32]]:
    keys = sorted(delta)
    lengths = [len(delta[k]) for k in keys]
    offsets = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64)
    values = [v for k in keys for v in delta[k]]
    return (np.asarray(keys, dtype=np.uint64), offsets, np.asarray(values, dtype=np.uint32))


def _postings_arrays(prefix: str, postings: Postings) -> dict[str, npt.NDArray[Any]]:
    delta_keys, delta_offsets, delta_values = _flatten_delta(postings.delta)
    dead = sorted(postings.dead.items())
    return {
        f"{prefix}.keys": postings.keys,
        f"{prefix}.offsets": postings.offsets,
        f"{prefix}.values": postings.values,
        f"{prefix}.delta_keys": delta_keys,
        f"{prefix}.delta_offsets": delta_offsets,
        f"{prefix}.delta_values": delta_values,
        f"{prefix}.dead_keys": np.asarray([k for k, _ in dead], dtype=np.uint64),
        f"{prefix}.dead_counts": np.asarray([n for _, n in dead], dtype=np.int64),
    }


def dumps(tables: Tables) -> bytes:
    """The bytes of ``tables`` (see the module docstring for the layout)."""
    arrays: dict[str, npt.NDArray[Any]] = {}
    arrays.update(_postings_arrays("postings", tables.postings))
    arrays.update(_postings_arrays("answers", tables.answers))
    for name in _COLUMNS:
        column: Column[Any] = getattr(tables, name)
        arrays[name] = column.view
    arrays["ids"] = np.frombuffer("\n".join(tables.ids).encode("utf-8"), dtype=np.uint8)
    arrays["dead_docs"] = np.asarray(tables.dead_docs, dtype=np.int64)

    listing: list[list[Any]] = []
    offset = 0
    for name, array in arrays.items():
        offset = -(-offset // _ALIGN) * _ALIGN
        listing.append([name, array.dtype.str, offset, int(array.size)])
        offset += array.nbytes
    header = json.dumps({
        "format": FORMAT_VERSION,
        "readings": reading_table().digest,
        "n_docs": tables.n_docs,
        "live_docs": tables.live_docs,
        "version": tables.version,
        "arrays": listing,
    }).encode("utf-8")
    start = len(MAGIC) + 4 + len(header)
    start = -(-start // _ALIGN) * _ALIGN
    out = bytearray(start + offset)
    out[: len(MAGIC)] = MAGIC
    out[len(MAGIC) : len(MAGIC) + 4] = struct.pack("<I", len(header))
    out[len(MAGIC) + 4 : len(MAGIC) + 4 + len(header)] = header
    for (_name, _dtype, at, _count), array in zip(listing, arrays.values(), strict=True):
        raw = np.ascontiguousarray(array).tobytes()
        out[start + at : start + at + len(raw)] = raw
    return bytes(out)


def _read_postings(prefix: str, arrays: dict[str, npt.NDArray[Any]]) -> Postings:
    postings = Postings(arrays[f"{prefix}.keys"], arrays[f"{prefix}.offsets"],
                        arrays[f"{prefix}.values"])
    keys = arrays[f"{prefix}.delta_keys"].tolist()
    offsets = arrays[f"{prefix}.delta_offsets"].tolist()
    values = arrays[f"{prefix}.delta_values"].tolist()
    for i, key in enumerate(keys):
        postings.delta[key] = values[offsets[i] : offsets[i + 1]]
    dead_counts = arrays[f"{prefix}.dead_counts"].tolist()
    postings.dead = dict(zip(arrays[f"{prefix}.dead_keys"].tolist(), dead_counts, strict=True))
    return postings


def loads(data: bytes, entries: Iterable[KBEntry]) -> Tables:
    """Tables from :func:`dumps` bytes, joined with the ``entries`` they were built from.

    Raises :class:`DataFormatError` when the bytes are damaged, of another format or
    reading table, or do not belong to these entries (rebuild the index then).
    """
    view = memoryview(data)
    if len(view) < len(MAGIC) + 4 or bytes(view[: len(MAGIC)]) != MAGIC:
        raise _bad("not a search index")
    (header_len,) = struct.unpack("<I", view[len(MAGIC) : len(MAGIC) + 4])
    try:
        header = json.loads(bytes(view[len(MAGIC) + 4 : len(MAGIC) + 4 + header_len]))
        if header["format"] != FORMAT_VERSION:
            raise _bad(f"format {header['format']}, expected {FORMAT_VERSION}")
        if header["readings"] != reading_table().digest:
            raise _bad("built with another pinyin reading table")
        start = -(-(len(MAGIC) + 4 + header_len) // _ALIGN) * _ALIGN
        arrays: dict[str, npt.NDArray[Any]] = {}
        for name, dtype, at, count in header["arrays"]:
            kind = np.dtype(dtype)
            end = start + at + kind.itemsize * count
            if end > len(view):
                raise _bad("truncated")
            arrays[name] = np.frombuffer(view, dtype=kind, count=count, offset=start + at)
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(f"bad header ({exc})") from exc

    tables = Tables()
    ids = bytes(arrays["ids"]).decode("utf-8").split("\n") if arrays["ids"].size else []
    if len(ids) != header["n_docs"]:
        raise _bad("document count does not match")
    for name in _COLUMNS:
        column: Column[Any] = getattr(tables, name)
        setattr(tables, name, Column(column.dtype, arrays[name]))
    alive = tables.alive.view
    by_id = {entry.id: entry for entry in entries}
    tables.ids = ids
    tables.entries = []
    for doc, entry_id in enumerate(ids):
        if not alive[doc]:
            tables.entries.append(None)
            continue
        entry = by_id.get(entry_id)
        if entry is None:
            raise _bad(f"entry {entry_id} is not among the entries given")
        tables.entries.append(entry)
        tables.doc_of[entry_id] = doc
    if len(tables.doc_of) != len(by_id):
        raise _bad("the entries given are not the ones the index was built from")
    tables.postings = _read_postings("postings", arrays)
    tables.answers = _read_postings("answers", arrays)
    tables.dead_docs = arrays["dead_docs"].tolist()
    tables.live_docs = int(header["live_docs"])
    tables.version = int(header["version"])
    return tables
