"""Content-Encoding decoding whose output comes in bounded pieces.

httpx decodes each network read in one call, so a few hundred bytes of brotli (or 64 KiB of
gzip) can expand to hundreds of megabytes before anyone counts them. Here every decoder
yields at most ``STEP`` bytes at a time, and the caller stops reading at its size limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

import brotli
from backports import zstd

ACCEPT_ENCODING = "gzip, deflate, br, zstd"
STEP = 64 * 1024


class DecodingError(ValueError):
    """The body is not valid data for its declared Content-Encoding."""


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]:
        """Everything ``data`` decodes to so far, in pieces of about ``STEP`` bytes at most."""
        ...


class _Zlib:
    def __init__(self, wbits: int) -> None:
        self._inner = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        # Data after the end of the stream (unused_data) is ignored, as browsers do.
        while data and not self._inner.eof:
            piece = self._inner.decompress(data, STEP)
            data = self._inner.unconsumed_tail
            if piece:
                yield piece


class _Deflate:
    """"deflate" is meant to be zlib-wrapped, but some servers send raw deflate."""

    def __init__(self) -> None:
        self._inner: _Zlib | None = None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inner is None and data:
            self._inner = _Zlib(zlib.MAX_WBITS if _has_zlib_header(data) else -zlib.MAX_WBITS)
        if self._inner is not None:
            yield from self._inner.feed(data)


class _Brotli:
    def __init__(self) -> None:
        self._inner = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inner.is_finished():
            return
        piece = self._inner.process(data, output_buffer_limit=STEP)
        # Output held back by the limit comes out of further calls with empty input.
        while piece:
            yield piece
            piece = self._inner.process(b"", output_buffer_limit=STEP)


class _Zstd:
    def __init__(self) -> None:
        self._inner = zstd.ZstdDecompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            if self._inner.eof:  # frames may follow one another (RFC 8878 3.1)
                self._inner = zstd.ZstdDecompressor()
            piece, data = self._inner.decompress(data, STEP), b""
            while True:
                if piece:
                    yield piece
                if self._inner.eof:
                    data = self._inner.unused_data
                    break
                if self._inner.needs_input:
                    break
                piece = self._inner.decompress(b"", STEP)


_DECODERS = {
    "gzip": lambda: _Zlib(16 + zlib.MAX_WBITS),
    "x-gzip": lambda: _Zlib(16 + zlib.MAX_WBITS),
    "deflate": _Deflate,
    "br": _Brotli,
    "zstd": _Zstd,
}


def decode_body(chunks: Iterable[bytes], content_encoding: str) -> Iterator[bytes]:
    """The decoded body of raw ``chunks`` sent with ``content_encoding`` (codings applied in order).

    Unknown codings are passed through as httpx and browsers do; ``identity`` is a no-op.
    Raises ``DecodingError`` on corrupt data.
    """
    stream: Iterator[bytes] = iter(chunks)
    for coding in reversed([c.strip().lower() for c in content_encoding.split(",")]):
        if coding in _DECODERS:
            stream = _decoded(stream, _DECODERS[coding]())
    return stream


def _decoded(chunks: Iterator[bytes], decoder: _Decoder) -> Iterator[bytes]:
    try:
        for chunk in chunks:
            yield from decoder.feed(chunk)
    except (zlib.error, brotli.error, zstd.ZstdError) as exc:
        raise DecodingError(f"corrupt content: {exc}") from exc


def _has_zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
