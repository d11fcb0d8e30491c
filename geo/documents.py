"""Reading articles from disk: files, folders and globs -> :class:`~geo.types.Document`.

Formats: plain text (``.txt``, ``.md``, files without a suffix), HTML (``.html``/``.htm``:
visible text and ``<title>`` only), JSON (``.json``: one article object or a list of them) and
JSON Lines (``.jsonl``: one article object per line), with the fields ``text``, ``title``,
``url`` and ``date``.

Robustness rules (issue 5): every file that cannot be used -- missing, a broken link, empty,
binary, undecodable, not an article -- becomes a :class:`DocumentError` naming the file and the
problem; :func:`iter_documents` hands it to ``on_error`` and goes on with the next file.

Encodings: byte-order marks are honoured (UTF-8/16/32); then strict UTF-8; then UTF-8 with a few
bad bytes replaced (with a warning); then charset-normalizer, preferring Windows code pages
(cp1252 first) among its equally good guesses, since news text is mostly Western.

Large files: plain-text files over :data:`LARGE_FILE_BYTES` are streamed, never read whole, and
split at paragraph or line boundaries into parts of at most ``chunk_chars`` characters
(ids ``"<path>#part<n>"``), so memory stays bounded and nothing is dropped; their encoding is
guessed from the first 64 KB (bytes that do not fit later are replaced, with a warning). HTML and JSON files
over the limit are refused; JSON Lines files are streamed line by line at any size.
"""
from __future__ import annotations

import codecs
import glob
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from geo.types import Document

log = logging.getLogger(__name__)

__all__ = [
    "DocumentError",
    "SUPPORTED_SUFFIXES",
    "LARGE_FILE_BYTES",
    "CHUNK_CHARS",
    "read_path",
    "iter_path",
    "iter_documents",
    "expand_paths",
    "document_from_text",
    "decode_bytes",
]

SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl"}
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown", ""}
HTML_SUFFIXES = {".html", ".htm"}

#: Plain-text files above this size are streamed and split into parts.
LARGE_FILE_BYTES = 8 * 1024 * 1024
#: Largest part (in characters) a large file is split into; under spaCy's default max_length.
CHUNK_CHARS = 500_000
#: HTML and JSON files must fit in memory whole; above this they are refused.
MAX_STRUCTURED_BYTES = LARGE_FILE_BYTES
#: How many leading bytes are examined to recognise binary files and guess the encoding of a stream.
SNIFF_BYTES = 64 * 1024

_GLOB_CHARS = re.compile(r"[*?\[]")


class DocumentError(Exception):
    """A file (or a line of one) that cannot be used as an article.

    ``kind`` classifies the problem for callers that count or filter: ``missing``,
    ``broken-link``, ``not-a-file``, ``permission``, ``io``, ``empty``, ``binary``,
    ``decode``, ``format``, ``too-large``, ``unsupported``, ``no-match`` and -- for problems
    reported as warnings, where the file was still read -- ``warning``.
    """

    def __init__(self, path: str | os.PathLike, problem: str, *, kind: str = "format") -> None:
        self.path = str(path)
        self.problem = problem
        self.kind = kind
        super().__init__(f"{self.path}: {problem}")

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"

    @property
    def is_warning(self) -> bool:
        """True when the file was read all the same (the message is informative only)."""
        return self.kind == "warning"


# --------------------------------------------------------------------------------------------
# Binary files

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
    return Decoded(data.decode(enc, errors="replace"), enc)


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


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _first_line_title(text: str, *, markdown: bool = False, limit: int = 300) -> str:
    if markdown:
        front = _FRONT_MATTER.match(text)
        if front:  # YAML front matter: its title, else skip it
            m = re.search(r"^title:[ \t]*(.+?)[ \t]*$", front.group(1), re.M)
            if m and m.group(1).strip("\"' "):
                return m.group(1).strip().strip("\"'").strip()[:limit]
            text = text[front.end():]
    for line in text.split("\n", 200)[:200]:
        line = line.strip()
        if not line:
            continue
        if markdown:
            line = re.sub(r"^#{1,6}\s+", "", line).strip().rstrip("#").strip()
            if not line or set(line) <= set("=-*_ "):
                continue
        return line[:limit]
    return ""


# --------------------------------------------------------------------------------------------
# Public helpers

def document_from_text(
    text: str,
    *,
    id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    date: str | None = None,
    path: str | None = None,
) -> Document:
    """Build a Document from raw text; the title defaults to its first non-empty line.

    The text is kept exactly as given. Without an ``id`` a stable one is derived from the
    text (``"text-<sha1 prefix>"``), so the same text always gets the same id.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if id is None:
        id = "text-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    if title is None:
        title = _first_line_title(text)
    return Document(id=id, text=text, title=title, path=path, url=url, date=date)


def read_path(path: str | os.PathLike, **options) -> list[Document]:
    """Read one file into its documents (a ``.jsonl`` or large text file may hold many).

    Raises :class:`DocumentError` for a file that cannot be used. Options are those of
    :func:`iter_path`.
    """
    return list(iter_path(path, **options))


def iter_path(
    path: str | os.PathLike,
    *,
    on_error: Callable[[DocumentError], None] | None = None,
    on_warning: Callable[[DocumentError], None] | None = None,
    chunk_chars: int = CHUNK_CHARS,
    large_bytes: int = LARGE_FILE_BYTES,
    progress: "bool | _Progress" = False,
) -> Iterator[Document]:
    """Yield the documents of one file (lazily, so large files never sit in memory whole).

    A problem with the whole file raises :class:`DocumentError`. A bad line of a JSON Lines
    file (or a bad item of a JSON list) goes to ``on_error`` (with path ``"<path>#<n>"``) when
    given, and is raised otherwise. Notes that do not stop the file (bytes replaced, a large file split) go to
    ``on_warning`` when given, else to the ``geo.documents`` logger.
    """
    name = str(path)
    p = Path(path)
    _check_file(p, name)
    try:
        size = p.stat().st_size
    except OSError as exc:  # raced away, or unreadable metadata
        raise _os_error(name, exc) from None
    if size == 0:
        raise DocumentError(name, "empty file (0 bytes)", kind="empty")
    head = _read_head(p, name)
    what = _sniff_binary(head)
    if what:
        raise DocumentError(name, f"binary file ({what}), not an article", kind="binary")

    warn = _warner(on_warning)
    suffix = p.suffix.lower()
    if suffix == ".jsonl":
        yield from _iter_jsonl(p, name, on_error=on_error, warn=warn)
        return
    if suffix in HTML_SUFFIXES or suffix == ".json":
        if size > MAX_STRUCTURED_BYTES:
            raise DocumentError(
                name,
                f"file too large ({_mb(size)}; {suffix} files are read whole, limit {_mb(MAX_STRUCTURED_BYTES)})",
                kind="too-large",
            )
        data = _read_all(p, name)
        if suffix == ".json":
            yield from _json_documents(data, name, warn=warn, on_error=on_error)
        else:
            yield _html_document(data, name, warn=warn)
        return
    if suffix not in (".txt", ".md", ".text", ".markdown") and _looks_like_html(head):  # saved pages: .php, none...
        yield _html_document(_read_all(p, name), name, warn=warn)
        return
    if size > large_bytes:
        yield from _iter_large_text(p, name, head, size, chunk_chars=chunk_chars, warn=warn, progress=progress)
        return
    data = _read_all(p, name)
    text = _decode_or_raise(data, name, warn)
    if not text.strip():
        raise DocumentError(name, "no text (the file holds only whitespace)", kind="empty")
    yield Document(
        id=name,
        text=text,
        title=_first_line_title(text, markdown=suffix in (".md", ".markdown")),
        path=name,
    )


def expand_paths(
    paths: Iterable[str | os.PathLike],
    *,
    on_error: Callable[[DocumentError], None] | None = None,
) -> list[str]:
    """Turn files, folders and glob patterns into a sorted, de-duplicated list of file paths.

    Folders are walked recursively (hidden entries skipped, symbolic links to folders not
    followed); only files with a supported suffix or no suffix are kept, and other files are
    reported as ``unsupported``. Problems go to ``on_error`` (raised when it is None).
    """
    report = on_error or _raise
    out: list[str] = []
    seen: set[str] = set()

    def add(f: str) -> None:
        key = os.path.realpath(f) if os.path.exists(f) else os.path.abspath(f)
        if key not in seen:
            seen.add(key)
            out.append(f)

    for raw in paths:
        given = os.fspath(raw)
        if os.path.isdir(given):
            for f in _walk(given, report):
                add(f)
        elif os.path.lexists(given) or not _GLOB_CHARS.search(given):
            add(given)  # files, broken links and missing paths: reported when read
        else:
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                report(DocumentError(given, "no files match this pattern", kind="no-match"))
            for m in matches:
                if os.path.isdir(m):
                    for f in _walk(m, report):
                        add(f)
                else:
                    add(m)
    return out


def iter_documents(
    paths: Iterable[str | os.PathLike],
    *,
    on_error: Callable[[DocumentError], None] | None = None,
    on_warning: Callable[[DocumentError], None] | None = None,
    progress: bool = False,
    chunk_chars: int = CHUNK_CHARS,
    large_bytes: int = LARGE_FILE_BYTES,
) -> Iterator[Document]:
    """Yield every readable document under ``paths`` (files, folders, globs), in a stable order.

    Each bad file is handed to ``on_error`` as a :class:`DocumentError` and the run goes on
    (without ``on_error`` problems are logged). Notes about files that were read all the same go
    to ``on_warning`` (else logged). ``progress=True`` shows a progress bar on stderr.
    """
    def report(err: DocumentError) -> None:
        if on_error is not None:
            on_error(err)
        else:
            log.warning("%s", err)

    files = expand_paths(paths, on_error=report)
    bar = _Progress(len(files)) if progress else None
    try:
        for f in files:
            if bar:
                bar.file(f)
            try:
                for doc in iter_path(
                    f, on_error=report, on_warning=on_warning, chunk_chars=chunk_chars,
                    large_bytes=large_bytes, progress=bar or False,
                ):
                    yield doc
            except DocumentError as err:
                report(err)
            except OSError as exc:
                report(_os_error(f, exc))
            except Exception as exc:  # last resort: a message, never a traceback, and the run goes on
                log.debug("unexpected error reading %s", f, exc_info=True)
                report(DocumentError(f, f"cannot read the file ({exc.__class__.__name__}: {exc})", kind="io"))
            if bar:
                bar.advance()
    finally:
        if bar:
            bar.close()


# --------------------------------------------------------------------------------------------
# Internals: files

def _raise(err: DocumentError) -> None:
    raise err


def _warner(on_warning: Callable[[DocumentError], None] | None) -> Callable[[str, str], None]:
    def warn(name: str, problem: str) -> None:
        err = DocumentError(name, problem, kind="warning")
        if on_warning is not None:
            on_warning(err)
        else:
            log.warning("%s", err)

    return warn


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _os_error(name: str, exc: OSError) -> DocumentError:
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM):
        return DocumentError(name, "permission denied", kind="permission")
    if exc.errno == errno.ENOENT:
        return DocumentError(name, "no such file or directory", kind="missing")
    if exc.errno == errno.EISDIR:
        return DocumentError(name, "is a folder, not a file", kind="not-a-file")
    if exc.errno == errno.ELOOP:
        return DocumentError(name, "symbolic link loop", kind="broken-link")
    return DocumentError(name, f"cannot read the file ({exc.strerror or exc})", kind="io")


def _check_file(p: Path, name: str) -> None:
    if not os.path.lexists(p):
        raise DocumentError(name, "no such file or directory", kind="missing")
    if p.is_symlink() and not p.exists():
        try:
            target = os.readlink(p)
        except OSError:
            target = "?"
        raise DocumentError(name, f"broken symbolic link (its target {target!r} does not exist)", kind="broken-link")
    if p.is_dir():
        raise DocumentError(name, "is a folder, not a file", kind="not-a-file")
    if not p.is_file():
        raise DocumentError(name, "not a regular file (device, pipe or socket)", kind="not-a-file")


def _read_head(p: Path, name: str) -> bytes:
    try:
        with open(p, "rb") as fh:
            return fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise _os_error(name, exc) from None


def _read_all(p: Path, name: str) -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise _os_error(name, exc) from None


def _decode_or_raise(data: bytes, name: str, warn: Callable[[str, str], None], declared: str | None = None) -> str:
    try:
        dec = decode_bytes(data, declared=declared)
    except ValueError as exc:
        raise DocumentError(name, str(exc), kind="decode") from None
    if dec.replaced:
        warn(name, f"invalid {dec.encoding.upper()}: {dec.replaced} undecodable byte(s) replaced by \ufffd")
    return _normalise_newlines(dec.text).lstrip("\ufeff")


def _walk(folder: str, report: Callable[[DocumentError], None]) -> list[str]:
    found: list[str] = []

    def onerror(exc: OSError) -> None:
        report(_os_error(exc.filename or folder, exc))

    for root, dirs, files in os.walk(folder, onerror=onerror, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for fn in sorted(files):
            if fn.startswith("."):
                continue
            f = os.path.join(root, fn)
            suffix = os.path.splitext(fn)[1].lower()
            if suffix in SUPPORTED_SUFFIXES or suffix == "":
                found.append(f)
            elif os.path.islink(f) and not os.path.exists(f):
                found.append(f)  # reported as a broken link when read
            else:
                report(DocumentError(f, f"unsupported file type {suffix!r}, skipped", kind="unsupported"))
    found.sort()
    return found


# --------------------------------------------------------------------------------------------
# Internals: large plain text

def _split_point(buf: str, limit: int) -> int:
    """Where to cut ``buf`` (len > limit): after a blank line, else a newline, else a space."""
    window = buf[:limit]
    floor = limit // 2
    for sep in ("\n\n", "\n", " "):
        i = window.rfind(sep)
        if i >= floor:
            return i + len(sep)
    return limit


def _iter_large_text(
    p: Path,
    name: str,
    head: bytes,
    size: int,
    *,
    chunk_chars: int,
    warn: Callable[[str, str], None],
    progress: "bool | _Progress",
) -> Iterator[Document]:
    bom = _bom(head)
    if bom:
        enc, skip = bom
    else:
        skip = 0
        # Guess from the head only (the file is streamed); cut at a line to avoid a split char.
        if b"\x00" in head:  # wide text: keep whole code units
            sample = head[: len(head) - len(head) % 4]
        else:
            sample = head[: head.rfind(b"\n") + 1] or head
        try:
            enc = decode_bytes(sample).encoding
        except ValueError:
            raise DocumentError(name, "cannot decode the text: not UTF-8, and no other encoding fits", kind="decode") from None
        enc = enc.replace("utf-8-sig", "utf-8")
    decoder = codecs.getincrementaldecoder(enc)(errors="replace")
    warn(name, f"large file ({_mb(size)}): read in parts of at most {chunk_chars:,} characters")
    if isinstance(progress, _Progress):
        bar: _Progress | None = progress
        progress.start_bytes(name, size)
    else:
        bar = _Progress(0, bytes_of=(name, size)) if progress else None
    title = ""
    part = 0
    replaced = 0
    buf = ""
    pending_cr = False
    try:
        with open(p, "rb") as fh:
            fh.seek(skip)
            while True:
                block = fh.read(1024 * 1024)
                final = not block
                piece = decoder.decode(block, final=final)
                replaced += piece.count("\ufffd")
                if pending_cr:
                    piece = "\r" + piece
                    pending_cr = False
                if piece.endswith("\r") and not final:
                    piece, pending_cr = piece[:-1], True
                buf += _normalise_newlines(piece)
                if bar:
                    bar.bytes(len(block))
                while len(buf) > chunk_chars or (final and buf):
                    cut = len(buf) if (final and len(buf) <= chunk_chars) else _split_point(buf, chunk_chars)
                    text, buf = buf[:cut], buf[cut:]
                    if not text.strip():
                        continue
                    part += 1
                    if part == 1:
                        text = text.lstrip("\ufeff")
                        title = _first_line_title(text, markdown=p.suffix.lower() == ".md")
                    yield Document(
                        id=f"{name}#part{part}",
                        text=text,
                        title=title if part == 1 else f"{title} (part {part})",
                        path=name,
                    )
                if final:
                    break
    except OSError as exc:
        raise _os_error(name, exc) from None
    finally:
        if bar is not None:
            if bar is progress:
                bar.end_bytes()
            else:
                bar.close()
    if replaced:
        warn(name, f"invalid {enc.upper()} in places: {replaced} undecodable byte(s) replaced by \ufffd")
    if part == 0:
        raise DocumentError(name, "no text (the file holds only whitespace)", kind="empty")


# --------------------------------------------------------------------------------------------
# Internals: HTML

_HTML_HEAD = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "head")
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tr", "ul", "caption", "title",
}
_CELL_TAGS = {"td", "th"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _looks_like_html(head: bytes) -> bool:
    h = head.lstrip(codecs.BOM_UTF8)
    return bool(_HTML_HEAD.match(h[:2048]))


def _html_document(data: bytes, name: str, *, warn: Callable[[str, str], None]) -> Document:
    from bs4.dammit import EncodingDetector

    declared = EncodingDetector.find_declared_encoding(data[:SNIFF_BYTES], is_html=True)
    markup = _decode_or_raise(data, name, warn, declared=declared)
    title, text = html_to_text(markup)
    if not text.strip():
        raise DocumentError(name, "no visible text in the HTML page", kind="empty")
    return Document(id=name, text=text, title=title or _first_line_title(text), path=name)


def html_to_text(markup: str) -> tuple[str, str]:
    """Return ``(title, visible_text)`` of an HTML page.

    Scripts, styles, templates, ``hidden``/``display:none`` elements and comments are dropped;
    block elements become paragraph breaks, inline whitespace is collapsed as a browser would.
    """
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(markup, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if title_tag else ""
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        attrs = tag.attrs or {}
        if "hidden" in attrs or attrs.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(str(attrs.get("style", ""))):
            tag.decompose()
    pres: list[str] = []
    for tag in soup.find_all(True):
        n = tag.name
        if n == "br":
            tag.replace_with(NavigableString("\n"))
        elif n == "pre":
            # keep preformatted text's line breaks: protect them from whitespace collapsing
            pres.append(tag.get_text())
            tag.replace_with(NavigableString(f"\n\n\x00pre{len(pres) - 1}\x00\n\n"))
        elif n in _BLOCK_TAGS:
            tag.insert_before(NavigableString("\n\n"))
            tag.insert_after(NavigableString("\n\n"))
        elif n in _CELL_TAGS:
            tag.insert_after(NavigableString("\t"))
    raw = soup.get_text()
    lines: list[str] = []
    for line in raw.split("\n"):
        line = " ".join(line.replace("\xa0", " ").split())
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    for i, pre in enumerate(pres):
        text = text.replace(f"\x00pre{i}\x00", pre.strip("\n"))
    return title, text


# --------------------------------------------------------------------------------------------
# Internals: JSON and JSON Lines

_TEXT_KEYS = ("text", "body", "content")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_TITLE_KEYS = ("title", "headline")
_EXPECTED = "expected an article object with a \"text\" field (and optionally title, url, date)"


def _article(obj: object, name: str, doc_id: str) -> Document:
    if not isinstance(obj, dict):
        raise DocumentError(doc_id, f"JSON {type(obj).__name__} is not an article; {_EXPECTED}", kind="format")
    text = next((obj[k] for k in _TEXT_KEYS if k in obj), None)
    if text is None:
        keys = ", ".join(list(map(str, obj))[:6]) or "none"
        raise DocumentError(doc_id, f"JSON object has no \"text\" field (keys: {keys}); {_EXPECTED}", kind="format")
    if not isinstance(text, str):
        raise DocumentError(doc_id, f"\"text\" is a JSON {type(text).__name__}, not a string", kind="format")
    text = _normalise_newlines(text)
    if not text.strip():
        raise DocumentError(doc_id, "empty \"text\" field", kind="empty")

    # JSON can spell characters no text file holds: lone surrogates ("\ud800") cannot be encoded as
    # UTF-8 anywhere downstream, so they become U+FFFD (same length: offsets are unchanged).
    text = _LONE_SURROGATE.sub("\ufffd", text)

    def opt(*keys: str) -> str | None:
        for k in keys:
            v = obj.get(k)
            if v is not None and not isinstance(v, (dict, list)):
                return _LONE_SURROGATE.sub("\ufffd", str(v))
        return None

    title = opt(*_TITLE_KEYS)
    return Document(
        id=doc_id,
        text=text,
        title=" ".join(title.split()) if title else _first_line_title(text),
        path=name,
        url=opt("url", "link"),
        date=opt("date", "published", "datetime"),
    )


def _json_documents(data: bytes, name: str, *, warn: Callable[[str, str], None],
                    on_error: Callable[[DocumentError], None] | None = None) -> Iterator[Document]:
    raw = _decode_or_raise(data, name, warn)
    if not raw.strip():
        raise DocumentError(name, "no text (the file holds only whitespace)", kind="empty")
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DocumentError(name, f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", kind="format") from None
    except RecursionError:
        raise DocumentError(name, "invalid JSON (nested too deeply)", kind="format") from None
    if isinstance(obj, list):
        if not obj:
            raise DocumentError(name, "empty JSON list, no articles", kind="empty")
        docs = []
        problems = []
        for i, item in enumerate(obj, 1):
            try:
                docs.append(_article(item, name, f"{name}#{i}"))
            except DocumentError as err:
                problems.append(err)
        if not docs:
            raise DocumentError(name, f"JSON list holds no article ({problems[0].problem})", kind=problems[0].kind)
        for err in problems:
            if on_error is None:
                raise err
            on_error(err)
        yield from docs
    else:
        doc = _article(obj, name, name)
        yield doc


def _iter_jsonl(
    p: Path,
    name: str,
    *,
    on_error: Callable[[DocumentError], None] | None,
    warn: Callable[[str, str], None],
) -> Iterator[Document]:
    head = _read_head(p, name)
    bom = _bom(head)
    enc = bom[0] if bom else "utf-8"
    if enc.startswith(("utf-16", "utf-32")):
        # wide encodings cannot be split on b"\n"; such files are small in practice
        data = _read_all(p, name)
        lines = _decode_or_raise(data, name, warn).split("\n")
        iterator: Iterable[tuple[int, str | bytes]] = enumerate(lines, 1)
    else:
        iterator = None  # type: ignore[assignment]
    good = 0
    bad: list[DocumentError] = []
    fallback_enc: str | None = None

    def handle(err: DocumentError) -> None:
        bad.append(err)
        if on_error is None:
            raise err
        on_error(err)

    try:
        fh = None
        if iterator is None:
            fh = open(p, "rb")
            iterator = enumerate(fh, 1)
        try:
            for line_no, line in iterator:
                if isinstance(line, bytes):
                    if line_no == 1 and bom:
                        line = line[len(codecs.BOM_UTF8):]
                    try:
                        line = line.decode(fallback_enc or "utf-8")
                    except UnicodeDecodeError:
                        try:
                            dec = decode_bytes(line)
                            line = dec.text
                            if dec.encoding not in ("utf-8", "utf-8-sig"):
                                fallback_enc = dec.encoding
                                warn(name, f"not UTF-8; read as {dec.encoding}")
                        except ValueError as exc:
                            handle(DocumentError(f"{name}#{line_no}", str(exc), kind="decode"))
                            continue
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    handle(DocumentError(f"{name}#{line_no}", f"invalid JSON ({exc.msg}, column {exc.colno})", kind="format"))
                    continue
                except RecursionError:
                    handle(DocumentError(f"{name}#{line_no}", "invalid JSON (nested too deeply)", kind="format"))
                    continue
                try:
                    doc = _article(obj, name, f"{name}#{line_no}")
                except DocumentError as err:
                    handle(err)
                    continue
                good += 1
                yield doc
        finally:
            if fh is not None:
                fh.close()
    except OSError as exc:
        raise _os_error(name, exc) from None
    if good == 0 and not bad:
        raise DocumentError(name, "no text (the file holds only whitespace)", kind="empty")


# --------------------------------------------------------------------------------------------
# Progress display (rich, on stderr; silent when stderr is not a terminal)

class _Progress:
    """A rich progress display: files done out of the total, plus bytes of a large file."""

    def __init__(self, total: int, *, bytes_of: tuple[str, int] | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
            TimeRemainingColumn(), TextColumn("{task.fields[current]}", style="dim"),
            console=Console(stderr=True), transient=True,
        )
        self._files = None
        self._bytes = None
        if total:
            self._files = self._progress.add_task("reading", total=total, current="", count=f"0/{total} files")
        self._total = total
        self._done = 0
        self._progress.start()
        if bytes_of:
            self.start_bytes(*bytes_of)

    def file(self, name: str) -> None:
        if self._files is not None:
            short = name if len(name) <= 50 else "\u2026" + name[-49:]
            self._progress.update(self._files, current=short)

    def advance(self) -> None:
        self._done += 1
        if self._files is not None:
            self._progress.update(self._files, advance=1, count=f"{self._done}/{self._total} files")

    def start_bytes(self, name: str, size: int) -> None:
        self._bytes = self._progress.add_task(
            f"reading {os.path.basename(name)}", total=size, current="", count=_mb(size)
        )

    def bytes(self, n: int) -> None:
        if self._bytes is not None:
            self._progress.advance(self._bytes, n)

    def end_bytes(self) -> None:
        if self._bytes is not None:
            self._progress.remove_task(self._bytes)
            self._bytes = None

    def close(self) -> None:
        self._progress.stop()
