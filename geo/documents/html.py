"""HTML pages: the main content, title, date and declared charset.

Main content (issue 13.3): the page's article is found by trafilatura (a library made for it), so
navigation menus, sidebars, footers and "most read" boxes are not read; the text kept is the page's
visible text (:func:`html_to_text`: blocks as paragraphs, whitespace collapsed as a browser does)
restricted to the blocks trafilatura judged to be content. When trafilatura finds nothing (or is
not installed) the whole visible text is kept, as before; so it is, with a note, for a page of more
than :data:`MAX_EXTRACT_ELEMENTS` elements (issue 20.4: trafilatura's time grows faster than the
page). Everything here is one pass over the page, without recursion: time linear in its size however
deeply it nests. Mention offsets index into the text kept.
Title: ``<title>``, else ``og:title``, else the first ``<h1>``, else the first line of the text.
Date: see :mod:`geo.documents.dates`.
"""
from __future__ import annotations

import codecs
import re
from typing import Callable

from geo.types import Document

from .dates import dateline_date, html_date
from .decoding import SNIFF_BYTES, _decode_or_raise
from .errors import DocumentError, log
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
#: Pages with more visible elements are not searched for their main content (read whole): bounds the
#: time trafilatura may take (issue 20.4). A news page has a few thousand.
MAX_EXTRACT_ELEMENTS = 30_000
_PRE_MARK = re.compile("\x00pre([0-9]+)\x00")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _looks_like_html(head: bytes) -> bool:
    h = head.lstrip(codecs.BOM_UTF8)
    return bool(_HTML_HEAD.match(h[:2048]))


def _html_document(data: bytes, name: str, *, warn: Callable[[str, str], None]) -> Document:
    from bs4.dammit import EncodingDetector

    declared = EncodingDetector.find_declared_encoding(data[:SNIFF_BYTES], is_html=True)
    markup = _decode_or_raise(data, name, warn, declared=declared)
    title, text, date = html_article(markup, on_note=lambda note: warn(name, note))
    if not text.strip():
        raise DocumentError(name, "no visible text in the HTML page", kind="empty")
    return Document(id=name, text=text, title=title or _first_line_title(text), path=name,
                    date=date or dateline_date(text))


def html_article(markup: str, *, on_note: Callable[[str], None] | None = None) -> tuple[str, str, str | None]:
    """Return ``(title, main_text, date)`` of an HTML page (see the module's docstring).

    A page of more than :data:`MAX_EXTRACT_ELEMENTS` visible elements is read as its whole visible
    text (trafilatura's time grows faster than the page: 80,000 cells in one table row take a
    minute), and ``on_note`` is told so."""
    from bs4 import Tag

    soup = _clean_soup(markup)
    title, date = _title(soup), html_date(soup)
    # the page without its invisible parts, serialised by bs4 from a filtered walk: the tree is not
    # changed (removing 80,000 hidden siblings one by one took minutes: each removal scans its siblings)
    nodes = list(_visible_nodes(soup))
    visible = _soup_text(soup)
    elements = sum(1 for n in nodes if isinstance(n, Tag))
    if elements > MAX_EXTRACT_ELEMENTS:
        if on_note is not None:
            on_note(f"page of {elements:,} elements, more than the {MAX_EXTRACT_ELEMENTS:,} searched for the "
                    "article's main content: its whole visible text is read")
        return title, visible, date
    cleaned = soup.decode(iterator=iter(nodes))
    return title, _main_content(cleaned, visible) or visible, date


_NON_WORD = re.compile(r"[\W_]+")


def _norm(s: str) -> str:
    return _NON_WORD.sub(" ", s.lower()).strip()


def _main_content(cleaned: str, visible: str) -> str | None:
    """The blocks of ``visible`` that trafilatura finds in the page's main content, or None.

    A block is kept when it is one of trafilatura's paragraphs, or (four words or more) lies inside
    its text, compared on words only; so a menu item "Europe" is not kept because the article says
    "Europe" somewhere."""
    try:
        import trafilatura
    except Exception:  # not installed, or a broken install (e.g. lxml without lxml_html_clean)
        log.debug("trafilatura unavailable; HTML read as its whole visible text", exc_info=True)
        return None
    try:
        extracted = trafilatura.extract(cleaned, include_comments=False, include_tables=True,
                                        include_images=False, deduplicate=False)
    except Exception:  # a page trafilatura chokes on is read whole, as before
        log.debug("trafilatura failed; HTML read as its whole visible text", exc_info=True)
        return None
    if not extracted or not extracted.strip():
        return None
    paragraphs = {_norm(line) for line in extracted.split("\n")} - {""}
    joined = " " + " ".join(_norm(line) for line in extracted.split("\n")) + " "
    kept = []
    for block in visible.split("\n\n"):
        n = _norm(block)
        if n and (n in paragraphs or (len(n.split()) >= 4 and f" {n} " in joined)):
            kept.append(block)
    return "\n\n".join(kept) or None


def _clean_soup(markup: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(markup, "html.parser")


def _title(soup) -> str:
    def clean(s: str | None) -> str:
        return " ".join((s or "").split())

    tag = soup.find("title")
    if tag and clean(tag.get_text(" ")):
        return clean(tag.get_text(" "))
    for meta in soup.find_all("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() in ("og:title", "twitter:title"):
            if clean(meta.get("content")):
                return clean(meta.get("content"))
    h1 = soup.find("h1")
    return clean(h1.get_text(" ")) if h1 else ""


def _invisible(tag) -> bool:
    if tag.name in _DROP_TAGS:
        return True
    attrs = tag.attrs or {}
    return "hidden" in attrs or attrs.get("aria-hidden") == "true" or bool(_HIDDEN_STYLE.search(str(attrs.get("style", ""))))


def _walk(root, enter, leave=None) -> None:
    """Visit ``root``'s descendants in document order without recursion (issue 20.4: pages nested
    100,000 deep). ``enter(node)`` returns True to descend into a tag's children; ``leave(tag)`` is
    called after them. Every node is visited once: linear in the size of the page."""
    from bs4 import Tag

    stack = [(None, iter(root.contents))]
    while stack:
        tag, children = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if tag is not None and leave is not None:
                leave(tag)
            continue
        if enter(node) and isinstance(node, Tag):
            stack.append((node, iter(node.contents)))


def _visible_nodes(soup):
    """``soup`` and its descendants in document order, without the invisible elements (scripts,
    styles, ``hidden``/``display:none``...) and everything inside them; iterative."""
    from bs4 import Tag

    yield soup
    stack = [iter(soup.contents)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif isinstance(node, Tag):
            if not _invisible(node):
                yield node
                stack.append(iter(node.contents))
        else:
            yield node


def html_to_text(markup: str) -> tuple[str, str]:
    """Return ``(title, visible_text)`` of an HTML page: all of its visible text (no main-content choice).

    Scripts, styles, templates, ``hidden``/``display:none`` elements and comments are left out;
    block elements become paragraph breaks, inline whitespace is collapsed as a browser would.
    """
    soup = _clean_soup(markup)
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if title_tag else ""
    return title, _soup_text(soup)


def _plain_text(tag, kept: tuple) -> str:
    """``tag.get_text()`` without the invisible elements inside it; iterative."""
    from bs4 import Tag

    parts: list[str] = []

    def enter(node) -> bool:
        if isinstance(node, Tag):
            return not _invisible(node)
        if type(node) in kept:
            parts.append(str(node))
        return False

    _walk(tag, enter)
    return "".join(parts)


def _soup_text(soup) -> str:
    from bs4 import CData, NavigableString, Tag

    # What ``soup.get_text()`` would return once the invisible elements were removed, ``<br>`` became a
    # newline, ``<pre>`` a placeholder and block elements were wrapped in blank lines; built in one
    # pass that skips the invisible elements: the tree is not changed.
    pres: list[str] = []
    out: list[str] = []
    kept = (NavigableString, CData)  # bs4's main-content string types: no comments, doctypes, scripts

    def enter(node) -> bool:
        if not isinstance(node, Tag):
            if type(node) in kept:
                out.append(str(node))
            return False
        if _invisible(node):
            return False
        n = node.name
        if n == "br":
            out.append("\n")
            return False
        if n == "pre":
            # keep preformatted text's line breaks: protect them from whitespace collapsing
            pres.append(_plain_text(node, kept))
            out.append(f"\n\n\x00pre{len(pres) - 1}\x00\n\n")
            return False
        if n in _BLOCK_TAGS:
            out.append("\n\n")
        return True

    def leave(tag) -> None:
        n = tag.name
        if n in _BLOCK_TAGS:
            out.append("\n\n")
        elif n in _CELL_TAGS:
            out.append("\t")

    _walk(soup, enter, leave)
    raw = "".join(out)
    lines: list[str] = []
    for line in raw.split("\n"):
        line = " ".join(line.replace("\xa0", " ").split())
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if pres:  # one pass over the text, not one per <pre> (20,000 of them took seconds)
        text = _PRE_MARK.sub(lambda m: pres[int(m.group(1))].strip("\n"), text)
    return text

