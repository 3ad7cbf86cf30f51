"""Clean text out of PubMed's mixed content: inline markup dropped, MathML flattened readably."""

from __future__ import annotations

from lxml import etree

# accents that `mover` puts over a symbol ("V̇O2max"): written as combining characters
_COMBINING_ACCENTS = {
    ".": "\u0307", "˙": "\u0307", "¨": "\u0308", "..": "\u0308", "¯": "\u0304", "‾": "\u0304",
    "^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "→": "\u20d7", "´": "\u0301",
}


def clean_text(element: etree._Element | None) -> str:
    """The element's text with markup removed and whitespace collapsed to single spaces."""
    if element is None:
        return ""
    if len(element) == 0:
        text = element.text or ""
    else:
        parts: list[str] = []
        _collect(element, parts)
        text = "".join(parts)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already clean; long abstracts usually are, and splitting them is costly
    return " ".join(text.split())


def optional_text(element: etree._Element | None) -> str | None:
    """`clean_text`, but None for a missing or empty element."""
    return clean_text(element) or None


def _collect(element: etree._Element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if not isinstance(child.tag, str):
            pass  # comments and processing instructions carry no text
        elif _local_name(child.tag) == "math":
            parts.append(flatten_mathml(child))
        else:
            _collect(child, parts)  # i, b, sup, sub, u and anything unknown: keep its text
        if child.tail:
            parts.append(child.tail)


def flatten_mathml(math: etree._Element) -> str:
    """MathML as one line of text: `alttext` when given, else its tokens in reading order."""
    alttext = math.get("alttext")
    if alttext and alttext.strip():
        return alttext.strip()
    return _math_tokens(math)


def _math_tokens(element: etree._Element) -> str:
    name = _local_name(element.tag) if isinstance(element.tag, str) else ""
    children = [c for c in element if isinstance(c.tag, str)]
    if name == "mover" and len(children) == 2:
        base, accent = _math_tokens(children[0]), _math_tokens(children[1])
        combining = _COMBINING_ACCENTS.get(accent)
        return base + combining if combining and len(base) == 1 else base + accent
    if not children:
        return "".join((element.text or "").split()) if name != "mspace" else " "
    return "".join(_math_tokens(c) for c in children)


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]
