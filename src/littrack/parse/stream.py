"""Cut a `PubmedArticleSet` into records and parse each on its own.

Why not one iterparse over the whole document: a record cut out as bytes can be parsed
alone, so one broken record is reported (with its own XML) while the rest of the file goes
on; its bulky `ReferenceList`, which littrack does not keep, is dropped before libxml2 sees
it (about 70% of the bytes of a modern efetch record); and no DTD or entity declared in the
prolog is ever read, so hostile input (billion laughs, external entities) cannot expand or
fetch anything. Cut-out records are parsed BATCH_RECORDS at a time (one libxml2 call each
batch), falling back to one at a time when a batch is not well-formed. Memory stays at about
one read chunk plus one batch.

A big file can be parsed by several processes at once, each taking one `Part`: every part
cuts the whole document (cheap byte scanning) but parses only the records that end in its
share of the bytes, so the parts together give each item exactly once, in document order.
"""

from __future__ import annotations

import gzip
import os
import re
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from littrack.errors import LittrackError
from littrack.parse.article import RecordError, build_record, deleted_pmids, pmid_of
from littrack.parse.records import MalformedRecord, ParseItem

CHUNK_BYTES = 1 << 20
BATCH_RECORDS = 64
MAX_RECORD_BYTES = 64 << 20  # far above any real record; bounds memory on hostile input
RECORD_TAGS = (b"PubmedArticle", b"PubmedBookArticle", b"DeleteCitation")
ROOT = b"PubmedArticleSet"
_RECORD_OPENING = re.compile(rb"<(?:PubmedArticle|PubmedBookArticle|DeleteCitation)[\s/>]")
_RECORD_START = re.compile(_RECORD_OPENING.pattern + rb"|</PubmedArticleSet")
_NAMESPACE_DECLARATION = re.compile(rb"""xmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_POSITION = re.compile(r", line \d+, column \d+$")  # counted in the wrapper, not the record
_TAG_NAME = re.compile(rb"</?([^\s/>]*)")
_PMID = re.compile(rb"<PMID[^>]*>\s*(\d{1,18})\s*</PMID>")
_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ERROR_TEXT = re.compile(rb"<ERROR>(.*?)</ERROR>", re.DOTALL)
_COMMENTS_AND_PIS = re.compile(rb"<!--.*?-->|<\?.*?\?>", re.DOTALL)
_TRAILER_BYTES = 1 << 16

Source = bytes | bytearray | memoryview | str | Path | BinaryIO


class ParseError(LittrackError):
    """The source is not a PubmedArticleSet at all (an error body, another document, nothing)."""


@dataclass(frozen=True)
class Part:
    """Part `index` (from 0) of `count`: the items that end in that share of the document's bytes."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"part {self.index} of {self.count} does not exist")

    def owns(self, offset: int, size: int) -> bool:
        """Whether an item ending at byte `offset` of a `size`-byte document is this part's."""
        share = min(offset * self.count // max(size, 1), self.count - 1)
        return share == self.index


WHOLE = Part(0, 1)


def iter_pubmed(source: Source, part: Part = WHOLE) -> Iterator[ParseItem]:
    """Records of a PubmedArticleSet in document order, reading it incrementally.

    `source`: the XML as bytes, a path (`.xml` or `.xml.gz`), or a binary file object.
    A broken record becomes a `MalformedRecord` and the rest goes on; ParseError only when
    the source is not a PubmedArticleSet. `part`: only that part's items (bytes or a path).
    """
    size = document_size(source) if part.count > 1 else 0
    with _opened(source) as stream:
        yield from _Splitter(stream).items(lambda offset: part.owns(offset, size))


def document_size(source: Source) -> int:
    """The document's length in bytes, uncompressed: what `Part`s divide."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return len(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.suffix != ".gz":
            return path.stat().st_size
        # gzip's last 4 bytes: the uncompressed size modulo 4 GiB; a wrong guess (bigger
        # files, several members) only makes the parts uneven, every item still has one part
        with path.open("rb") as handle:
            handle.seek(-4, os.SEEK_END)
            return struct.unpack("<I", handle.read(4))[0]
    raise ParseError("only bytes or a file can be parsed in parts")


@contextmanager
def _opened(source: Source) -> Iterator[BinaryIO | bytes]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        try:
            handle = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")
        except OSError as exc:
            raise ParseError(f"cannot read {path}: {exc.strerror or exc}") from exc
        with handle:
            yield handle
    elif hasattr(source, "read"):
        yield source
    else:
        raise ParseError(f"cannot parse a {type(source).__name__}: give bytes, a path or a binary file")


def _record_parser(encoding: str | None = None) -> etree.XMLParser:
    """libxml2 set so that nothing is loaded, fetched or expanded."""
    return etree.XMLParser(
        encoding=encoding, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
        remove_comments=True, remove_pis=True,
    )


class _Splitter:
    """Walks the document's top level: prolog, root start tag, then record after record.

    `buf` holds the unread input from `pos` on; offsets stay valid while a record is cut out,
    and what was consumed is dropped only between records.
    """

    def __init__(self, stream: BinaryIO | bytes) -> None:
        self.buf, self.stream = (stream, None) if isinstance(stream, bytes) else (b"", stream)
        self.pos = 0
        self.dropped = 0  # bytes of the input before `buf` (compacted away)
        self.parser = _record_parser()
        self.wrapper_start = b"<batch>"

    # -- buffer ------------------------------------------------------------------------------
    def _more(self) -> bool:
        """Append another chunk to the buffer; False at the end of the input."""
        if self.stream is None:
            return False
        try:
            chunk = self.stream.read(CHUNK_BYTES)
        except (OSError, EOFError) as exc:  # gzip's BadGzipFile is an OSError
            raise ParseError(f"cannot read the XML: {exc}") from exc
        if not chunk:
            return False
        if not isinstance(chunk, bytes):
            raise ParseError("the XML stream must be opened in binary mode")
        self.buf += chunk
        return True

    def _compact(self) -> None:
        if self.pos > CHUNK_BYTES:
            self.buf = self.buf[self.pos:]
            self.dropped += self.pos
            self.pos = 0

    def _find(self, needle: bytes, start: int) -> int:
        """Offset of `needle` at or after `start`, reading more as needed; -1 when it is not
        in the input, or not within MAX_RECORD_BYTES of unconsumed input."""
        while True:
            found = self.buf.find(needle, start)
            if found >= 0:
                return found
            if len(self.buf) - self.pos > MAX_RECORD_BYTES:
                return -1
            start = max(start, len(self.buf) - len(needle) + 1)
            if not self._more():
                return -1

    def _next_record_start(
        self, start: int, stop: int | None = None, pattern: re.Pattern = _RECORD_START
    ) -> int:
        """Where the next record or the root's end tag (`pattern`) begins after `start`; -1 if
        not before `stop` (default: within MAX_RECORD_BYTES of the input)."""
        while True:
            found = pattern.search(self.buf, start, len(self.buf) if stop is None else stop)
            if found:
                return found.start()
            if stop is not None or len(self.buf) - self.pos > MAX_RECORD_BYTES or not self._more():
                return -1

    def _tag_name(self, start: int) -> bytes:
        self._find(b">", start)  # the whole name must be in the buffer
        match = _TAG_NAME.match(self.buf, start)
        return match.group(1) if match else b""

    # -- document ----------------------------------------------------------------------------
    def items(self, wanted: Callable[[int], bool]) -> Iterator[ParseItem]:
        """Parsed records and reports, in document order; records are parsed a batch at a time.
        Only those `wanted(offset)` where they end are parsed and given."""
        pending: list[bytes] = []
        for piece in self._pieces():
            if not wanted(self.dropped + self.pos):  # each piece is yielded with `pos` past it
                continue
            if isinstance(piece, bytes):
                pending.append(piece)
                if len(pending) == BATCH_RECORDS:
                    yield from self._parsed(pending)
                    pending = []
            else:
                yield from self._parsed(pending)
                pending = []
                yield piece
        yield from self._parsed(pending)

    def _pieces(self) -> Iterator[bytes | MalformedRecord]:
        """Each record's XML cut out as bytes, or a report of what could not be cut out."""
        if not self._enter_root():
            yield from self._trailer()
            return
        while True:
            self._compact()
            start = self._find(b"<", self.pos)
            if start < 0:
                yield from self._stray(len(self.buf), "text")
                yield MalformedRecord("document ends before </PubmedArticleSet>: truncated")
                return
            yield from self._stray(start, "text")
            tag = self._tag_name(start)
            if tag in RECORD_TAGS:
                yield self._record(tag)
            elif self.buf.startswith(b"</" + ROOT, start):
                # the set ends only where no record follows: else this is damage inside a record
                resumed = self._next_record_start(start + len(ROOT) + 2, pattern=_RECORD_OPENING)
                if resumed >= 0:
                    yield from self._stray(resumed, f"</{ROOT.decode()}>")
                    continue
                end = self._find(b">", start)
                self.pos = len(self.buf) if end < 0 else end + 1
                yield from self._trailer()
                return
            elif self.buf.startswith((b"<!--", b"<?"), start):
                yield from self._skip_comment(start)
            else:
                what = f"<{tag.decode(errors='replace')}>"
                yield from self._stray(self._next_record_start(start + 1), what)

    def _enter_root(self) -> bool:
        """Skip the prolog (never reading its DTD) and check that the root is a PubmedArticleSet;
        False when the set is empty (`<PubmedArticleSet/>`)."""
        while len(self.buf) < 4096 and self._more():
            pass
        self.pos = 3 if self.buf.startswith(b"\xef\xbb\xbf") else 0
        declared = _ENCODING.match(self.buf, self.pos)
        if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
            self.parser = _record_parser(declared.group(1).decode())
        while True:
            start = self._find(b"<", self.pos)
            if start < 0:
                raise ParseError("not a PubmedArticleSet: the document has no root element")
            if self.buf.startswith(b"<!DOCTYPE", start):
                self.pos = self._doctype_end(start)
            elif self.buf.startswith((b"<!--", b"<?"), start):
                end = self._find(b"-->" if self.buf.startswith(b"<!--", start) else b"?>", start)
                if end < 0:
                    raise ParseError("not a PubmedArticleSet: a comment in the prolog never ends")
                self.pos = end + 2
            else:
                break
        tag = self._tag_name(start)
        if tag != ROOT:
            error = _ERROR_TEXT.search(self.buf, start)
            detail = f": {error.group(1).decode(errors='replace').strip()}" if error else ""
            raise ParseError(f"not a PubmedArticleSet but <{tag.decode(errors='replace')}>{detail}")
        end = self._find(b">", start)
        if end < 0:
            raise ParseError("not a PubmedArticleSet: its start tag never closes")
        self.pos = end + 1
        # records are parsed apart from the root, so they get its namespace declarations
        declarations = b" ".join(_NAMESPACE_DECLARATION.findall(self.buf, start, end))
        self.wrapper_start = b"<batch " + declarations + b">"
        return self.buf[end - 1] != ord("/")

    def _doctype_end(self, start: int) -> int:
        """Offset just past `<!DOCTYPE ...>`, internal subset included (it is never parsed)."""
        close = self._find(b">", start)
        bracket = self.buf.find(b"[", start, close if close >= 0 else len(self.buf))
        if bracket >= 0:
            subset_end = self._find(b"]", bracket)
            close = self._find(b">", subset_end) if subset_end >= 0 else -1
        if close < 0:
            raise ParseError("not a PubmedArticleSet: the DOCTYPE never ends")
        return close + 1

    def _skip_comment(self, start: int) -> Iterator[MalformedRecord]:
        """Step over a comment or processing instruction; one left open must not swallow records."""
        close = self._find(b"-->" if self.buf.startswith(b"<!--", start) else b"?>", start)
        following = self._next_record_start(start + 1)
        if close >= 0 and (following < 0 or close < following):
            self.pos = close + 2
        else:
            yield from self._stray(following, "unclosed comment")

    def _trailer(self) -> Iterator[MalformedRecord]:
        """Anything but comments and whitespace after the root is reported."""
        while len(self.buf) - self.pos < _TRAILER_BYTES and self._more():
            pass
        rest = _COMMENTS_AND_PIS.sub(b"", self.buf[self.pos:self.pos + _TRAILER_BYTES])
        if rest.strip():
            yield MalformedRecord("content after </PubmedArticleSet>", xml=rest[:4096])

    def _stray(self, end: int, what: str) -> Iterator[MalformedRecord]:
        """Report what lies between `pos` and `end` (-1: the end of the input), then skip it."""
        end = len(self.buf) if end < 0 else end
        text, self.pos = self.buf[self.pos:end], end
        if text.strip():
            yield MalformedRecord(f"unexpected {what} between records", pmid=_pmid_in(text), xml=text[:65536])

    # -- records -----------------------------------------------------------------------------
    def _record(self, tag: bytes) -> bytes | MalformedRecord:
        """The record starting at `pos`, cut out up to its end tag."""
        start = self.pos
        end = self._end_of(tag, start)
        name = tag.decode()
        if end >= 0:
            self.pos = end
            return self.buf[start:end]
        following = self._next_record_start(start + 1, len(self.buf))
        if following >= 0:
            self.pos = following
            return _cut_off(self.buf[start:following], name)
        if len(self.buf) - start > MAX_RECORD_BYTES:
            following = self._next_record_start(start + 1)
            self.pos = len(self.buf) if following < 0 else following
            return _malformed(self.buf[start:start + 4096], f"<{name}> exceeds {MAX_RECORD_BYTES >> 20} MiB")
        self.pos = len(self.buf)
        return _malformed(self.buf[start:], f"<{name}> is truncated: the document ends inside it")

    def _end_of(self, tag: bytes, start: int) -> int:
        """Offset just past `</tag>` (whitespace allowed before `>`), or -1."""
        closing = b"</" + tag
        search = start
        while True:
            found = self._find(closing, search)
            if found < 0:
                return -1
            gt = self._find(b">", found)
            if gt >= 0 and not self.buf[found + len(closing):gt].strip():
                return gt + 1
            search = found + 1

    def _parsed(self, records: list[bytes]) -> Iterator[ParseItem]:
        """Parse cut-out records in one libxml2 call (half the cost of one call each); if the
        batch is not exactly these records, well-formed, parse them one by one instead."""
        if not records:
            return
        try:
            elements = self._elements(records)
        except etree.XMLSyntaxError:
            for raw in records:
                yield from self._parsed_alone(raw)
        else:
            for element, raw in zip(elements, records):
                yield _built(element, raw)

    def _parsed_alone(self, xml: bytes) -> Iterator[ParseItem]:
        """One record; a broken one that holds the start of the next is split there."""
        while True:
            try:
                (element,) = self._elements([xml])
            except etree.XMLSyntaxError as exc:
                following = _RECORD_OPENING.search(xml, 1)  # a root end tag inside a record is damage
                if following is None:
                    yield _malformed(xml, f"not well-formed XML: {_POSITION.sub('', exc.msg)}")
                    return
                yield self._whole_or_cut_off(xml[:following.start()].rstrip(b" \t\r\n"))
                xml = xml[following.start():]
            else:
                yield _built(element, xml)
                return

    def _whole_or_cut_off(self, xml: bytes) -> ParseItem:
        """A piece split off before the next record's start: a cut that ran past a broken
        record's end can hold whole records too, so each piece is tried on its own."""
        try:
            (element,) = self._elements([xml])
        except etree.XMLSyntaxError:
            return _cut_off(xml, _TAG_NAME.match(xml).group(1).decode(errors="replace"))
        return _built(element, xml)

    def _elements(self, records: list[bytes]) -> list[etree._Element]:
        """The records' elements, parsed inside a wrapper that declares the root's namespaces;
        XMLSyntaxError unless that gives exactly one well-formed element per record."""
        wrapper = etree.fromstring(
            self.wrapper_start + b"".join(_without_references(r) for r in records) + b"</batch>", self.parser
        )
        elements = list(wrapper)
        if len(elements) != len(records) or any(
            element.tail is not None or element.tag.encode() != _TAG_NAME.match(raw).group(1)
            for element, raw in zip(elements, records)
        ):
            raise etree.XMLSyntaxError("content outside the record's element", None, 0, 0)
        return elements


def _built(element: etree._Element, xml: bytes) -> ParseItem:
    try:
        if element.tag == "DeleteCitation":
            return deleted_pmids(element)
        return build_record(element)
    except RecordError as exc:
        return MalformedRecord(str(exc), pmid=pmid_of(element), xml=xml)


def _without_references(xml: bytes) -> bytes:
    """The record minus its ReferenceList(s): littrack keeps none of it, and it is most of the bytes."""
    first = xml.find(b"<ReferenceList")
    if first < 0:
        return xml
    last = xml.rfind(b"</ReferenceList>")
    return xml[:first] + xml[last + len(b"</ReferenceList>"):] if last > first else xml


def _cut_off(xml: bytes, name: str) -> MalformedRecord:
    return _malformed(xml, f"<{name}> is cut off: the next record starts inside it")


def _malformed(xml: bytes, reason: str) -> MalformedRecord:
    return MalformedRecord(reason, pmid=_pmid_in(xml), xml=xml)


def _pmid_in(xml: bytes) -> int | None:
    match = _PMID.search(xml)
    return (int(match.group(1)) or None) if match else None
