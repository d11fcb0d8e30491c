"""Decoding bytes to text: byte-order marks, binary sniffing, BOM-less UTF-16/32, UTF-8, legacy code pages.

Order (:func:`decode_bytes`): BOM, BOM-less UTF-16/32 (when NULs abound), strict UTF-8, a declared
charset (HTML ``<meta charset>``), UTF-8 with a few bad bytes replaced (with a warning), then
charset-normalizer, preferring Windows code pages (cp1252 first) among its equally good guesses.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Callable

from .errors import DocumentError

#: How many leading bytes are examined to recognise binary files and guess the encoding of a stream.
SNIFF_BYTES = 64 * 1024

# (signature, offset, description). Checked against the first bytes of every file.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"%PDF-", 0, "PDF document"),
    (b"PK\x03\x04", 0, "ZIP archive or Office document"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"BZh", 0, "bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"MZ", 0, "Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "legacy Office document"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"BM", 0, None),  # BMP: too short a signature to trust alone; see _sniff_binary
    (b"ID3", 0, "MP3 audio"),
    (b"OggS", 0, "Ogg media"),
    (b"fLaC", 0, "FLAC audio"),
    (b"\x00asm", 0, "WebAssembly module"),
    (b"ftyp", 4, "MP4/QuickTime media"),
    (b"\x1aE\xdf\xa3", 0, "Matroska/WebM video"),
    (b"wOFF", 0, "WOFF font"),
    (b"wOF2", 0, "WOFF2 font"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def _sniff_binary(head: bytes) -> str | None:
    """Describe ``head`` if it is the start of a known binary format (or plainly binary)."""
    for sig, off, what in _MAGIC:
        if what and head[off : off + len(sig)] == sig:
            if sig == b"ftyp" and len(head) < 12:
                continue
            if sig == b"MZ" and b"\x00" not in head[:256]:
                continue  # a text file that happens to start with "MZ"
            return what
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}[head[8:12]]
    if _bom(head):
        return None
    if b"\x00" in head:
        # UTF-16/32 text without a BOM has NULs in every other (or every fourth) byte.
        enc = _guess_wide_encoding(head)
        if enc is None:
            return "binary data"
    return None


def _guess_wide_encoding(data: bytes) -> str | None:
    """Return utf-16-le/be or utf-32-le/be when NUL-laden bytes are really BOM-less wide text.

    The byte order is read from where the NULs sit (ASCII-range text in UTF-16-LE has them at
    odd offsets), then confirmed by decoding a sample into printable text.
    """
    sample = data[: SNIFF_BYTES]
    sample = sample[: len(sample) - len(sample) % 4] or sample
    half = max(1, len(sample) // 2)
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    if even > 0.4 and odd > 0.4:
        order = ("utf-32-le", "utf-32-be") if sample[0::4].count(0) < sample[3::4].count(0) else ("utf-32-be", "utf-32-le")
    elif odd >= even:
        order = ("utf-16-le", "utf-16-be")
    else:
        order = ("utf-16-be", "utf-16-le")
    for enc in order:
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        if text and _printable_ratio(text) > 0.95:
            return enc
    return None


def _printable_ratio(text: str) -> float:
    if not text:
        return 1.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f\v")
    return good / len(text)


# --------------------------------------------------------------------------------------------
# Decoding

_PREFERRED = (
    "cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257", "cp1255", "cp1256",
    "iso8859_15", "iso8859_2", "iso8859_5", "koi8_r", "gb18030", "big5", "shift_jis", "euc_kr",
)


@dataclass(frozen=True)
class Decoded:
    """The result of :func:`decode_bytes`."""

    text: str
    encoding: str
    replaced: int = 0  # undecodable bytes replaced by U+FFFD
    guessed: bool = False  # a legacy code page guessed from the bytes (not UTF, not declared)


def _utf8_mostly(data: bytes) -> tuple[str, int] | None:
    """Decode ``data`` as UTF-8 with replacement when it is clearly UTF-8 with a few bad bytes."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if bad <= 0:
        return None
    non_ascii = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    # Real multi-byte UTF-8 sequences present, and few errors next to them.
    if non_ascii >= 1 and bad <= max(3, non_ascii // 4):
        return text, bad
    return None


def decode_bytes(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode a whole file's bytes to text; raises ``ValueError`` when no encoding fits.

    Order: BOM, BOM-less UTF-16/32 (when NULs abound), strict UTF-8, ``declared`` (e.g. an
    HTML ``<meta charset>``), UTF-8 with a few bad bytes replaced, charset-normalizer.
    """
    bom = _bom(data)
    if bom:
        enc, n = bom
        try:
            return Decoded(data[n:].decode(enc), enc.replace("utf-8", "utf-8-sig"))
        except UnicodeDecodeError:
            text = data[n:].decode(enc, errors="replace")
            return Decoded(text, enc, text.count("\ufffd"))
    if b"\x00" in data[:SNIFF_BYTES]:  # NULs are valid UTF-8, so look for wide text first
        wide = _guess_wide_encoding(data)
        if wide:
            try:
                return Decoded(data.decode(wide), wide)
            except UnicodeDecodeError:
                pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            codec = codecs.lookup(declared).name
            if codec not in ("utf-8",):
                if codec in ("latin-1", "iso8859-1", "ascii"):
                    codec = "cp1252"  # as browsers do (WHATWG encoding standard)
                return Decoded(data.decode(codec), codec)
        except (LookupError, UnicodeDecodeError):
            pass
    mostly = _utf8_mostly(data)
    if mostly:
        return Decoded(mostly[0], "utf-8", mostly[1])
    enc = _detect_legacy(data)
    if enc is None:
        raise ValueError("cannot decode the text: not UTF-8, and no other encoding fits")
    return Decoded(data.decode(enc, errors="replace"), enc, guessed=True)


def _detect_legacy(data: bytes) -> str | None:
    """Pick a legacy (non-UTF) encoding: Windows-1252 for Western text, else charset-normalizer's guess.

    charset-normalizer alone often prefers a look-alike code page (cp1250, cp1125, mac_*) for
    short Western text, so cp1252 is taken first whenever it decodes the bytes strictly into
    mostly-ASCII letters (Cyrillic or Greek text read as cp1252 is nearly all accented letters).
    """
    from charset_normalizer import from_bytes

    sample = data[: 4 * SNIFF_BYTES]
    try:
        western = sample.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _printable_ratio(western) > 0.98:
        letters = [ch for ch in western if ch.isalpha()]
        accented = sum(1 for ch in letters if ord(ch) > 127)
        if letters and accented / len(letters) < 0.3:
            return "cp1252"
    results = list(from_bytes(sample))
    if not results:
        return None
    best_chaos = min(r.chaos for r in results)
    best_coherence = max(r.coherence for r in results)
    near = [r for r in results if r.chaos <= best_chaos + 0.02 and r.coherence >= best_coherence - 0.15]
    names = [r.encoding for r in near]
    for pref in _PREFERRED:
        if pref in names:
            return pref
    return (near or results)[0].encoding


def _normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text



def _decode_or_raise(data: bytes, name: str, warn: Callable[[str, str], None], declared: str | None = None) -> str:
    try:
        dec = decode_bytes(data, declared=declared)
    except ValueError as exc:
        raise DocumentError(name, str(exc), kind="decode") from None
    if dec.replaced:
        warn(name, f"invalid {dec.encoding.upper()}: {dec.replaced} undecodable byte(s) replaced by \ufffd")
    elif dec.guessed:
        warn(name, f"not valid UTF-8; read as {dec.encoding} (a guess: save the file as UTF-8 to be sure)")
    return _normalise_newlines(dec.text).lstrip("\ufeff")

