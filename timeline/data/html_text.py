"""HTML (as TimelineJS allows in a headline or text) into plain text, with a real parser.

libxml2's HTML parser (lxml, already installed for python-pptx) reads it, fast enough for
10,000 slides, and libxslt writes its text; the standard library's ``html.parser`` takes over
for text libxml2 refuses (NUL bytes, say) or stops reading (elements nested 256 deep), or lxml
will not write back after a link (a control character). The text is written by the same rules
either way; where the two parsers read broken markup differently (an entity for a control
character, say), so do their texts.

Nothing of the markup survives: tags are dropped, entities become the characters they stand
for, ``<script>``, ``<style>`` and the like lose their contents too, and block elements become
paragraph breaks. A link keeps its URL, written after its words, only when it is http(s); any
other link (``javascript:``, ``data:``) keeps its words and loses its target. What comes out is
text, and every place that shows it treats it as text.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from itertools import chain, repeat
from operator import contains

import numpy as np
from lxml import etree

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
_NO_LINKS: list[str] = []
_NOT_IN_LINKS = re.compile(r"[\s<>\"'`]")
_LINE = "\n"


def is_web_link(url: str) -> bool:
    """True for an http(s) URL with a host and no whitespace or quotes: the only links shown."""
    return bool(web_link(url))


def web_link(url: str) -> str:
    """``url`` as a link to show, stripped and its scheme in lower case (' HTTPS://x.org' is
    'https://x.org', as the url column wants it); '' when it is not an http(s) URL with a host
    and no whitespace or quotes."""
    if url.startswith(("https://", "http://")) and len(url) > 8 and _plain(url):
        return url  # as most links are given: nothing to strip, lower or refuse
    url = url.strip()
    # Only ASCII letters lower to "http": the first 8 characters say it as the whole would.
    scheme = url[:8].lower()
    if scheme.startswith("https://"):
        cut = 8
    elif scheme.startswith("http://"):
        cut = 7
    else:
        return ""
    # \s is what str.split() splits on (str.isspace): one scan in C for all that is refused.
    if not url[cut:] or _NOT_IN_LINKS.search(url) is not None:
        return ""
    return scheme[:cut] + url[cut:]


def _plain(url: str) -> bool:
    """No whitespace (every whitespace character but the space is unprintable) and nothing
    ``_NOT_IN_LINKS`` refuses, in scans a regex search takes several times as long for."""
    return (
        url.isprintable()
        and " " not in url
        and '"' not in url
        and "'" not in url
        and "<" not in url
        and ">" not in url
        and "`" not in url
    )


def html_to_text(html: str) -> str:
    """Plain text from an HTML fragment: paragraphs separated by a blank line.

    >>> html_to_text('<p>Talks <b>begin</b>.</p><p>See <a href="https://x.org/a">this</a>.</p>')
    'Talks begin.\\n\\nSee this (https://x.org/a).'
    """
    if "<" not in html and "&" not in html:
        return _tidy(html)  # most cells are plain text: no parser needed
    return _tidy("".join(_walk(html)[0]))


def html_texts(htmls: list[str]) -> list[str]:
    """``html_to_text`` of each fragment, the same text, with many fragments to one parse.

    Starting a parse costs about as much as reading a short fragment, so the fragments with
    markup are read together, up to ``_BATCH`` in one document (``_batch_texts``).
    """
    return _read_all(htmls, with_links=False)[0]


def html_texts_and_links(htmls: list[str]) -> tuple[list[str], list[list[str]]]:
    """``html_texts`` of the fragments, and each one's ``html_links``, from the same parses."""
    return _read_all(htmls, with_links=True)


def _read_all(htmls: list[str], *, with_links: bool) -> tuple[list[str], list[list[str]]]:
    distinct = list(dict.fromkeys(htmls))
    if len(distinct) == len(htmls):
        return _read_distinct(htmls, with_links=with_links)
    # A sheet's credits say the same few sources again and again: each is read once, and
    # its copies share its text and links (which are never changed).
    texts, links = _read_distinct(distinct, with_links=with_links)
    text_of = dict(zip(distinct, texts, strict=True))
    links_of = dict(zip(distinct, links, strict=True)) if with_links else {}
    return [text_of[h] for h in htmls], [links_of[h] for h in htmls] if with_links else []


def _read_distinct(htmls: list[str], *, with_links: bool) -> tuple[list[str], list[list[str]]]:
    # One search of them all, most often, instead of one of each.
    document_ends = _DOCUMENT_END.search("\x00".join(htmls)) is not None
    if not document_ends and all(map(contains, htmls, repeat("<"))):
        return _read_batches(htmls, with_links=with_links)  # all markup, as texts are: seen in C
    # Each fragment's links replace the shared empty list when it has some: it is never changed.
    texts, links = [""] * len(htmls), [_NO_LINKS] * len(htmls) if with_links else []
    shared: list[int] = []
    for i, html in enumerate(htmls):
        if "<" not in html and "&" not in html:
            texts[i] = _tidy(html)  # plain text: no parser needed, and no links
        elif document_ends and _DOCUMENT_END.search(html):
            # What follows these reads differently in a part: each is read alone.
            texts[i], found = _read_one(html)
            if with_links:
                links[i] = found
        else:
            shared.append(i)
    read, found = _read_batches([htmls[i] for i in shared], with_links=with_links)
    for n, i in enumerate(shared):
        texts[i] = read[n]
        if with_links:
            links[i] = found[n]
    return texts, links


def _read_batches(htmls: list[str], *, with_links: bool) -> tuple[list[str], list[list[str]]]:
    """``_batch_texts`` of the fragments, ``_BATCH`` at a time, on as many threads as there are
    cores for: libxml2 and libxslt do most of the work, and lxml lets go of Python's lock
    while they do, so 10,000 texts are read in about 60% of the time on two cores."""
    batches = [htmls[start : start + _BATCH] for start in range(0, len(htmls), _BATCH)]
    read = functools.partial(_batch_texts, with_links=with_links)
    workers = min(len(batches), _cores())
    if workers > 1:
        _text_of_parts(), _text_of_document()  # made here, once: the threads share them
        # A pool of this call's own: threads made before a fork do not exist after it.
        with _STACK_SIZE_LOCK:  # each thread is started by its first submit, with this stack
            previous = _set_stack_size(_THREAD_STACK)
            try:
                pool = ThreadPoolExecutor(workers, thread_name_prefix="html-text")
                futures = [pool.submit(read, batch) for batch in batches]
            finally:
                _set_stack_size(previous)
        with pool:
            results = [future.result() for future in futures]
    else:
        results = list(map(read, batches))
    texts = list(chain.from_iterable(batch_texts for batch_texts, _ in results))
    links = list(chain.from_iterable(batch_links for _, batch_links in results))
    return texts, links


# libxslt recurses once per nested element, and libxml2 nests 256 deep: glibc gives a thread
# 8 MiB of stack, musl (Alpine) 128 KiB, in which 250 levels crash the process. So 8 MiB.
_THREAD_STACK = 8 * 1024 * 1024
_STACK_SIZE_LOCK = threading.Lock()


def _set_stack_size(size: int) -> int:
    """``threading.stack_size(size)``, the size it was; 0 where it cannot be set."""
    try:
        return threading.stack_size(size)
    except (ValueError, RuntimeError):
        return 0


def _cores() -> int:
    """The cores this process may run on (up to 4: more gains little for 1,000 fragments)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, 4))


def _read_one(html: str) -> tuple[str, list[str]]:
    """``html_to_text`` and ``html_links`` of ``html``, from one parse."""
    if "<" not in html and "&" not in html:
        return _tidy(html), []
    parts, found = _walk(html)
    return _tidy("".join(parts)), list(dict.fromkeys(found))


def html_links(html: str) -> list[str]:
    """The http(s) URLs the fragment links to, in order, each once."""
    if "<" not in html:
        return []
    return list(dict.fromkeys(_walk(html)[1]))


_BATCH = 1000  # fragments per shared parse: bounds the document and the re-reading on a miss
# Each fragment's part of the shared document: an element of no meaning to the rules (not a
# paragraph), so the tree is marked only where the fragments' own markup is.
_PART = "rt-part"


class _Tools(threading.local):
    """A thread's parser and XPaths: lxml serialises the use of one of them by several threads
    (the stylesheets may be shared), and the batches are read on several (``_read_batches``)."""

    def __init__(self):
        self.parser = etree.HTMLParser(
            recover=True,
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            default_doctype=False,
        )
        self.texts = etree.XPath("count(text())")
        self.parts = etree.XPath(f"count(./{_PART})")


_TOOLS = _Tools()
# A literal start lets the regex engine skip ahead to each run (``\n{3,}`` tries every place).
_BREAKS = re.compile("\n\n\n+")
# Opens the token that marks each part: a character no text is likely to hold, and a
# printable one, so that the mark leaves the text tidy (``_is_tidy`` reads it as a word).
_TOKEN_START = "\u2042"  # ⁂, asterism
# Where a fragment's text reads differently inside a part than alone: it is read alone.
_DOCUMENT_END = re.compile("</(?:html|body)", re.IGNORECASE)


def _batch_texts(htmls: list[str], *, with_links: bool) -> tuple[list[str], list[list[str]]]:
    """The text (and links) of each fragment, read in one parse when the document allows it.

    Each fragment goes into an element marked with a random token and its number. A fragment
    cannot forge a mark it does not know, so if the document's body holds exactly the marked
    parts in order, with nothing between them, no fragment reached into another (an open
    comment, quote or ``<textarea>`` that swallows what follows removes the next mark, and a
    last empty part follows the last fragment; an unclosed ``<div>`` nests the next part in
    it). libxslt writes each part's mark before its text, and the marks are checked there, in
    the text that is cut at them. Otherwise each half is read again the same way, down to
    single fragments.
    """
    if len(htmls) <= 1:
        read = [_read_one(html) for html in htmls]
        return [text for text, _ in read], [found for _, found in read]
    token = _TOKEN_START + secrets.token_hex(8)
    document = "".join(f'<{_PART} n="{token}-{n}">{h}</{_PART}>' for n, h in enumerate(htmls))
    # A last, empty mark: a fragment that swallows its own closing tag swallows this too.
    document += f'<{_PART} n="{token}-{len(htmls)}"></{_PART}>'
    if document.count(token) != len(htmls) + 1:  # one scan in C of them all
        return _batch_texts(htmls, with_links=with_links)  # a 1 in 2**64 draw one of them holds
    try:
        root = etree.fromstring(document, _TOOLS.parser)
    except (ValueError, etree.LxmlError):
        root = None  # one of them libxml2 refuses (a lone surrogate): halves find which
    body = root[0] if root is not None and len(root) == 1 else None
    found = None
    if body is not None and _parts_only(body, len(htmls) + 1):
        try:
            found = _links_by_part(body, token, len(htmls)) if with_links else _mark_links(body)
        except ValueError:  # a character lxml will not write after a link: read alone
            found = None
    if found is not None:
        # Each part's mark as a paragraph of its own, then its text: one string from libxslt
        # holds them all, tidied at once (a paragraph break never joins two paragraphs).
        parted = str(_text_of_parts()(root.getroottree()))
        # Two line breaks or more break a paragraph alike: fewer empty paragraphs to tidy.
        # Between two blocks there are four: replaced in one pass before the regex looks.
        parted = parted.replace(_PARAGRAPH * 2, _PARAGRAPH)
        if "\n\n\n" in parted:
            parted = _BREAKS.sub(_PARAGRAPH, parted)
        if not _is_tidy_at_once(parted):
            parted = _tidy(parted)
        texts = _cut_at_marks(parted, token, len(htmls))
        if texts is not None:
            return texts, found if with_links else []
    half = len(htmls) // 2
    first, second = (_batch_texts(h, with_links=with_links) for h in (htmls[:half], htmls[half:]))
    return first[0] + second[0], first[1] + second[1]


def _links_by_part(body, token: str, count: int) -> list[list[str]]:
    """``_mark_links`` of each of the first ``count`` parts, in one walk of the document."""
    found = [_NO_LINKS] * count
    for n, href in _mark_links(body, token=token):
        if not 0 <= n < count:
            continue  # before the first mark (the checks refuse such a document anyway)
        if found[n] is _NO_LINKS:
            found[n] = [href]
        else:
            found[n].append(href)
    return [links if len(links) < 2 else list(dict.fromkeys(links)) for links in found]


def _parts_only(body, count: int) -> bool:
    """The body holds ``count`` parts and nothing else (their marks: ``_cut_at_marks``)."""
    tools = _TOOLS
    return (
        body.tag == "body"
        and len(body) == count
        and not tools.texts(body)
        and tools.parts(body) == count
    )


def _cut_at_marks(parted: str, token: str, count: int) -> list[str] | None:
    """The texts of the first ``count`` parts, from libxslt's text of all ``count + 1`` (each
    part's mark, then its text); None unless the marks are each part's own, in order (a part
    with no mark or another's was opened by a fragment), and the last part is empty."""
    pieces = parted.split(token)
    if len(pieces) != count + 2 or pieces[0].strip(_LINE) or pieces[-1].strip(_LINE) != f"-{count}":
        return None
    # Each piece: its part's number, on a line of its own ("-1" is not "-10"), and its text.
    heads = [f"-{n}\n" for n in range(count)]
    if not all(map(str.startswith, pieces[1:-1], heads)):
        return None
    return list(map(str.strip, map(str.removeprefix, pieces[1:-1], heads), repeat(_LINE)))


# The rules of ``_Text`` but links' (``_mark_links`` writes those into the tree first), in
# libxslt: block elements are paragraphs, <br> a line break, dropped elements are not read.
_TEXT_TEMPLATES = f"""
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="{"|".join(sorted(_BLOCKS))}">
    <xsl:text>&#10;&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;&#10;</xsl:text>
  </xsl:template>
  <xsl:template match="br"><xsl:text>&#10;</xsl:text></xsl:template>
  <xsl:template match="{"|".join(sorted(_DROPPED))}"/>
"""
_XSL = 'version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"'


@functools.cache
def _text_of_parts() -> etree.XSLT:
    """Each part's mark (a paragraph of its own), then its text."""
    return etree.XSLT(
        etree.XML(f"""
<xsl:stylesheet {_XSL}>{_TEXT_TEMPLATES}
  <xsl:template match="/">
    <xsl:for-each select="html/body/{_PART}">
      <xsl:text>&#10;&#10;</xsl:text><xsl:value-of select="@n"/><xsl:text>&#10;&#10;</xsl:text>
      <xsl:apply-templates/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>""")
    )


@functools.cache
def _text_of_document() -> etree.XSLT:
    """The text of a fragment read alone: by the same rules as a part's, so alike."""
    return etree.XSLT(etree.XML(f"<xsl:stylesheet {_XSL}>{_TEXT_TEMPLATES}</xsl:stylesheet>"))


def _walk(html: str) -> tuple[list[str], list[str]]:
    """The text pieces and the http(s) links of ``html``."""
    parser = _TOOLS.parser
    try:
        root = etree.fromstring(html, parser)
    except (ValueError, etree.LxmlError):
        root = False  # libxml2 refuses it: the standard library's parser reads anything
    # libxml2 stops at a fatal error and keeps what it read: elements nested 256 deep, say,
    # lose all their text. The standard library's parser keeps no tree, so no depth.
    if root is False or parser.error_log.filter_levels(etree.ErrorLevels.FATAL):
        return _walk_stdlib(html)
    if root is None:
        return [], []
    try:
        return _lxml_text(root)
    except ValueError:  # a character lxml reads but will not write into the tree
        return _walk_stdlib(html)


def _walk_stdlib(html: str) -> tuple[list[str], list[str]]:
    parser = _TextParser()
    parser.feed(html)
    # What feed leaves unread is text (an entity may go on), a last "<", or an unfinished tag
    # or comment. CPython before 3.11.13 reads the latter at close() in time quadratic in its
    # length (gh-135462: seconds for a few kilobytes of "<a "); HTML5, libxml2 and CPython
    # since drop an unfinished tag or comment at the end: so it is dropped here, unread.
    unread = parser.rawdata
    if unread == "<" or not unread.startswith("<"):
        parser.close()
    return parser.parts, parser.links


def _lxml_text(root) -> tuple[list[str], list[str]]:
    links = _mark_links(root)
    return [str(_text_of_document()(root.getroottree()))], links


def _mark_links(root, *, token: str = "") -> list:
    """Each http(s) link's URL written after its words (when they are not the URL itself),
    unless the link is inside an element that is dropped; the links, in order.

    With the ``token`` of a shared document's marks, each link comes as (the number of its
    part, the link): the marks are counted on the way (a fragment cannot forge one).
    """
    links = []
    dropping = next(root.iter(*_DROPPED), None) is not None  # else no link is inside one
    part, next_mark = -1, f"{token}-0"
    for element in root.iter(*(("a", _PART) if token else ("a",))):
        if element.tag == _PART:
            if element.get("n") == next_mark:
                part += 1
                next_mark = f"{token}-{part + 1}"
            continue
        href = web_link(element.get("href") or "")
        if not href:
            continue
        if dropping and next(element.iterancestors(*_DROPPED), None) is not None:
            continue
        links.append((part, href) if token else href)
        # A link of words alone (as most are) holds them as its text: no walk is needed.
        words = (element.text or "") if not len(element) else "".join(element.itertext())
        words = " ".join(words.split())
        if words != href:
            element.tail = (f" ({href})" if words else href) + (element.tail or "")
    return links


def _tidy(text: str) -> str:
    """Runs of spaces to one, at most one blank line between paragraphs, no edge whitespace."""
    if _LINE not in text:
        return _spaced(text)  # one paragraph of one line
    if "\n\n\n" not in text and _is_tidy(text):
        return text.strip(_LINE)  # every line already spaced: only the edges' breaks go
    if _LINE not in text.replace(_PARAGRAPH, ""):  # paragraphs of one line each
        return _PARAGRAPH.join([p for b in text.split(_PARAGRAPH) if (p := _spaced(b))])
    blocks = (_tidy_lines(b) if _LINE in b else _spaced(b) for b in text.split(_PARAGRAPH))
    return _PARAGRAPH.join(filter(None, blocks))


def _is_tidy(text: str) -> bool:
    """Every line of ``text`` is ``_spaced`` already, and no line holds only spaces: checked
    on the whole text at once, in C (a line break between two paragraph breaks or a run of
    three is not looked at: ``_tidy`` and ``_BREAKS`` see to those)."""
    return (
        "  " not in text
        and " \n" not in text
        and "\n " not in text
        and text[:1] != " "
        and text[-1:] != " "
        and text.replace(_LINE, "").isprintable()
    )


@functools.cache
def _printable_or_break() -> np.ndarray:
    """Whether each character of the Basic Multilingual Plane is printable or a line break
    (which ``_is_tidy`` allows), by its code."""
    table = np.array([chr(c).isprintable() for c in range(0x10000)])
    table[ord(_LINE)] = True
    return table


def _is_tidy_at_once(text: str) -> bool:
    """``_is_tidy`` of a long text, its characters read as an array of codes: in about a
    quarter of the time of the string scans (each of which reads the whole text)."""
    encoded = text.encode("utf-16-le", "surrogatepass")
    if len(encoded) != 2 * len(text):
        return _is_tidy(text)  # a character beyond the plane (two codes): the string scans
    codes = np.frombuffer(encoded, np.uint16)
    spaces, breaks = codes == 32, codes == 10
    if not len(codes) or spaces[0] or spaces[-1]:
        return not len(codes)
    # "  ", "\n " or " \n" anywhere: a space after a space or a line break, or before a break.
    if (spaces[1:] & (spaces[:-1] | breaks[:-1])).any() or (breaks[1:] & spaces[:-1]).any():
        return False
    # take, not indexing: the same lookup in a third of the time.
    return bool(np.take(_printable_or_break(), codes).all())


def _tidy_lines(block: str) -> str:
    return _LINE.join(filter(None, map(_spaced, block.split(_LINE))))


def _spaced(line: str) -> str:
    """Runs of whitespace to one space, none at the edges (``" ".join(line.split())``)."""
    # Already so, as most lines are, when its only whitespace is single inner spaces: every
    # whitespace character but the space is unprintable (tests/test_timelinejs.py checks).
    if line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " ":
        return line
    return " ".join(line.split())


class _Text:
    """Text and links collected from a parser's start tags, end tags and data, in order."""

    def __init__(self):
        self.parts: list[str] = []
        self.links: list[str] = []
        self._dropping: list[str] = []
        self._hrefs: list[tuple[str, int]] = []  # open links: (href, where their words start)

    def start(self, tag: str, href: str = "") -> None:
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
            self._hrefs.append((href.strip(), len(self.parts)))

    def end(self, tag: str) -> None:
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.pop()
            return
        if tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
        elif tag == "a" and self._hrefs:
            href, start = self._hrefs.pop()
            href = web_link(href)
            if href:
                self.links.append(href)
                words = " ".join("".join(self.parts[start:]).split())
                if words != href:
                    self.parts.append(f" ({href})" if words else href)

    def data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


class _TextParser(HTMLParser, _Text):
    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        _Text.__init__(self)

    def handle_starttag(self, tag, attrs):
        self.start(tag, next((v for k, v in attrs if k == "href" and v), ""))

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", *_BLOCKS):  # <br/>; a self-closed <script/> or <a/> holds nothing
            self.start(tag)
            if tag != "br":
                self.end(tag)

    def handle_endtag(self, tag):
        self.end(tag)

    def handle_data(self, data):
        self.data(data)
