"""Embedding a figure in web pages: an inline-SVG HTML fragment and a standalone, script-free page.

Every piece of text that reaches the HTML (title, caption, alt text) is escaped with
``markupsafe.escape``; the SVG comes from matplotlib, which escapes the text it writes. The page
has no script and no external resource, so it can be served as-is or loaded in an ``<iframe>``
(``sandbox`` with no permissions works).
"""
from __future__ import annotations

from markupsafe import escape


def _svg_body(svg: str) -> str:
    """The ``<svg>`` element of an SVG document (the XML declaration and DOCTYPE dropped)."""
    i = svg.find("<svg")
    if i < 0:
        raise ValueError("not an SVG document")
    return svg[i:].strip()


def html_fragment(svg: str, *, title: str | None = None, caption: str | None = None, untitled: str = "Map") -> str:
    """A ``<figure>`` with the SVG inline (scales to its container's width), labelled for screen readers
    by ``title`` (or ``caption``), and an escaped ``<figcaption>`` when a ``caption`` is given."""
    body = _svg_body(svg)
    label = escape(title or caption or untitled)
    body = body.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    # matplotlib's stylesheet says "*{...}": keep it to the figure, not the whole host page
    body = body.replace('<style type="text/css">*{', '<style type="text/css">.geo-figure *{', 1)
    # the title is drawn in the figure already: the caption carries only what is not
    cap = f"\n  <figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="geo-figure">\n  {body}{cap}\n</figure>\n'


_STYLE = ("body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
          "background:#fff;color:#1a1a1a}"
          ".geo-figure{margin:0 auto;max-width:100%;padding:0}"
          ".geo-figure svg{display:block;width:100%;height:auto}"
          ".geo-figure figcaption{font-size:0.8rem;color:#555;padding:0.4rem 0.2rem}")


def html_page(svg: str, *, title: str | None = None, caption: str | None = None, lang: str = "en",
              untitled: str = "Map") -> str:
    """A standalone HTML page (no scripts, no external resources) for an ``<iframe>`` or a CMS upload;
    ``lang``: its language, ``untitled``: its title when no ``title`` is given (the word "Map" in it)."""
    head_title = escape(title or untitled)
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            f'img-src data:">\n'
            f"<title>{head_title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"{html_fragment(svg, title=title, caption=caption, untitled=untitled)}</body>\n</html>\n")
