"""HTML (as TimelineJS allows in a headline or text) into plain text, with a real parser.

Nothing of the markup survives: tags are dropped, entities become the characters they stand
for, ``<script>``, ``<style>`` and the like lose their contents too, and block elements become
paragraph breaks. A link keeps its URL, written after its words, only when it is http(s); any
other link (``javascript:``, ``data:``) keeps its words and loses its target. What comes out is
text, and every place that shows it treats it as text.
"""

from __future__ import annotations

from html.parser import HTMLParser

# Elements whose contents are not text a reader sees.
_DROPPED = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "noscript", "svg", "math"}
)
# Elements that start a new paragraph.
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "pre",
        "figure",
        "figcaption",
        "hr",
        "dl",
        "dt",
        "dd",
    }
)
_PARAGRAPH = "\n\n"
_LINE = "\n"


def is_web_link(url: str) -> bool:
    """True for an http(s) URL with a host and no whitespace or quotes: the only links shown."""
    url = url.strip()
    lowered = url.lower()
    if not lowered.startswith(("http://", "https://")):
        return False
    host = url.split("://", 1)[1]
    return bool(host) and not any(c.isspace() or c in "<>\"'`" for c in url)


def html_to_text(html: str) -> str:
    """Plain text from an HTML fragment: paragraphs separated by a blank line.

    >>> html_to_text('<p>Talks <b>begin</b>.</p><p>See <a href="https://x.org/a">this</a>.</p>')
    'Talks begin.\\n\\nSee this (https://x.org/a).'
    """
    if "<" not in html and "&" not in html:
        return _tidy(html)  # most cells are plain text: no parser needed
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return _tidy("".join(parser.parts))


def html_links(html: str) -> list[str]:
    """The http(s) URLs the fragment links to, in order, each once."""
    if "<" not in html:
        return []
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.links))


def _tidy(text: str) -> str:
    """Runs of spaces to one, at most one blank line between paragraphs, no edge whitespace."""
    paragraphs = []
    for block in text.split(_PARAGRAPH):
        lines = [" ".join(line.split()) for line in block.split(_LINE)]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(_LINE.join(lines))
    return _PARAGRAPH.join(paragraphs)


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._dropping: list[str] = []
        self._hrefs: list[tuple[str, int]] = []  # open links: (href, where their words start)

    def handle_starttag(self, tag, attrs):
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.append(tag)
            return
        if tag in _DROPPED:
            self._dropping.append(tag)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag == "a":
            href = next((v for k, v in attrs if k == "href" and v), "")
            self._hrefs.append((href.strip(), len(self.parts)))

    def handle_startendtag(self, tag, attrs):
        if not self._dropping and tag == "br":
            self.parts.append(_LINE)
        elif not self._dropping and tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)

    def handle_endtag(self, tag):
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.pop()
            return
        if tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
        elif tag == "a" and self._hrefs:
            href, start = self._hrefs.pop()
            if is_web_link(href):
                self.links.append(href)
                words = " ".join("".join(self.parts[start:]).split())
                if words != href:
                    self.parts.append(f" ({href})" if words else href)

    def handle_data(self, data):
        if not self._dropping:
            self.parts.append(data)
