"""Bounded gzip inflation: one function for request bodies and for bundle files.

A gzip bomb (a small file that inflates to gigabytes, e.g. many members of zeros one after
the other, which RFC 1952 allows) must cost at most the bound: output is produced at most
`limit + 1` bytes at a time and refused as soon as it passes `limit`. Input is fed in
chunks, so a file is never read whole either. Every member of a multi-member file is
inflated (as `gzip -d` does); trailing bytes that are not gzip are an error.
"""

import zlib
from collections.abc import Iterable


class InflatedTooLarge(Exception):
    """The data inflates to more than the bound."""


class NotGzip(Exception):
    """The data is not valid gzip (or is cut short)."""


def gunzip_bounded(chunks: Iterable[bytes], limit: int) -> bytes:
    """Inflate gzip `chunks` into at most `limit` bytes (InflatedTooLarge above; NotGzip if bad)."""
    out = bytearray()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    member_open, members = False, 0
    try:
        for chunk in chunks:
            data = chunk
            while data:
                member_open = True
                # max_length is at least 1 here (0 would mean "no limit" to zlib)
                out += inflater.decompress(data, limit + 1 - len(out))
                if len(out) > limit:
                    raise InflatedTooLarge()
                if inflater.eof:  # a member ended: the rest may be another member
                    data = inflater.unused_data
                    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    member_open, members = False, members + 1
                else:
                    data = inflater.unconsumed_tail
    except zlib.error as exc:
        raise NotGzip() from exc
    if member_open or not members:
        raise NotGzip("truncated gzip")
    return bytes(out)
