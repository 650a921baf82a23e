"""HTML fragments (feed summaries, content:encoded) to plain text.

lxml parses the markup the way a browser would (unclosed tags, stray entities); we then walk the tree
and keep the text a reader sees: scripts, styles and other non-content elements are dropped, block
elements (paragraphs, headings, list items, table rows) become blank-line-separated paragraphs and
``<br>`` a line break. Entities are decoded by the parser.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

# Elements whose content is never part of the text a reader sees.
SKIPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object",
    "embed", "svg", "math", "canvas", "form", "button", "select", "textarea", "input",
})
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "main", "nav", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "figure",
    "figcaption", "address", "hr", "body", "html", "center", "details", "summary", "caption",
})
CELL_TAGS = frozenset({"td", "th"})
_PARAGRAPH = "\x00P"  # markers while collecting pieces; text cannot contain NUL (parser drops it)
_LINE = "\x00L"
_MARKUP_HINT = re.compile(r"<\s*[a-zA-Z!/][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def looks_like_html(text: str) -> bool:
    """True when the string contains tags or character entities (feed fields are often mislabelled)."""
    return bool(_MARKUP_HINT.search(text))


def _tag(element) -> str:
    return element.tag.lower().rsplit("}", 1)[-1]


def _collect(root) -> list[str]:
    """The text pieces of ``root`` in reading order, with paragraph and line markers. Iterative, so
    hostile nesting depth cannot exhaust the stack."""
    pieces: list[str] = []
    walker = lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event in ("comment", "pi"):
            if element.tail:
                pieces.append(element.tail)
            continue
        tag = _tag(element)
        if tag in SKIPPED_TAGS:
            if event == "start":
                walker.skip_subtree()
            elif element.tail:
                pieces.append(element.tail)
            continue
        if event == "start":
            if tag == "br":
                pieces.append(_LINE)
            elif tag in BLOCK_TAGS:
                pieces.append(_PARAGRAPH)
            elif tag in CELL_TAGS:
                pieces.append(" ")
            if element.text:
                pieces.append(element.text)
        else:
            if tag in BLOCK_TAGS:
                pieces.append(_PARAGRAPH)
            elif tag in CELL_TAGS:
                pieces.append(" ")
            if element.tail and element is not root:
                pieces.append(element.tail)
    return pieces


def _join(pieces: list[str]) -> str:
    text = "".join(pieces)
    # Whitespace inside a paragraph is layout, not content: collapse it, then place the breaks.
    text = _SPACES.sub(" ", text.replace("\n", " "))
    text = text.replace(_LINE, "\n").replace(_PARAGRAPH, "\n\n")
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def html_to_text(markup: str) -> str:
    """The readable text of an HTML fragment or document: paragraphs separated by a blank line."""
    if not markup or not markup.strip():
        return ""
    markup = markup.replace("\x00", "")
    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return ""  # nothing but whitespace or comments: lxml found no element at all
    return _join(_collect(root))


def to_plain_text(value: str, content_type: str | None = None) -> str:
    """Feed text as plain text: HTML when declared or when it looks like markup, else as it stands."""
    if not value:
        return ""
    declared_html = bool(content_type) and ("html" in content_type or "xml" in content_type)
    if declared_html or looks_like_html(value):
        return html_to_text(value)
    # Plain text in XML is indented like the XML around it: a single line break is layout, a blank
    # line separates paragraphs.
    paragraphs = _BLANK_LINES.split(value.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
