"""HTML pages: visible text, title, declared charset."""
from __future__ import annotations

import codecs
import re
from typing import Callable

from geo.types import Document

from .decoding import SNIFF_BYTES, _decode_or_raise
from .errors import DocumentError
from .text import _first_line_title

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

