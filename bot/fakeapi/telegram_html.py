"""Telegram's text parsing: parse_mode HTML (allowed tags, balanced nesting, escaped
`<` and `&`), MarkdownV2's visible text, entities, and the 4096/1024 limits counted in
UTF-16 code units after parsing, as Telegram counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

from bot.fakeapi.protocol import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, bad_request


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: what Telegram's limits and entity offsets count."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class ParsedText:
    """Text as the user sees it, with the entities Telegram would attach."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def parse_text(text: str, parse_mode: str | None) -> ParsedText:
    """Apply `parse_mode` like Telegram: HTML strictly, Markdown only well enough to count."""
    if not parse_mode:
        return ParsedText(text)
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("markdown", "markdownv2"):
        return ParsedText(_markdown_plain(text))
    raise bad_request("unsupported parse_mode")


_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z][\w-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([A-Za-z][\w-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_HTML_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
# Telegram's HTML tags and the entity type each one makes.
HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _decode_entity(match: re.Match[str]) -> str | None:
    """The character an HTML entity stands for, or None when it names no character."""
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _decode_attribute(value: str) -> str:
    """Attribute values (hrefs) get entities decoded, leniently: a stray & stays literal."""

    def replace(match: re.Match[str]) -> str:
        decoded = _decode_entity(match)
        return match.group(0) if decoded is None else decoded

    return _HTML_ENTITY.sub(replace, value)


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int
    language: str | None = None


class _HtmlParser:
    """One pass over Telegram HTML: plain text, entities, or the error Telegram would give."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chunks: list[str] = []
        self.units = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> ParsedText:
        position = 0
        while (special := _SPECIAL.search(self.source, position)) is not None:
            self._append(self.source[position : special.start()])
            if special.group() == "<":
                position = self._tag(special.start())
            else:
                position = self._entity(special.start())
        self._append(self.source[position:])
        if self.stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.chunks), self.entities)

    def _append(self, text: str) -> None:
        if text:
            self.chunks.append(text)
            self.units += utf16_length(text)

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def _fail(self, reason: str) -> NoReturn:
        raise bad_request(f"can't parse entities: {reason}")

    def _entity(self, index: int) -> int:
        match = _HTML_ENTITY.match(self.source, index)
        decoded = _decode_entity(match) if match else None
        if match is None or decoded is None:
            self._fail(
                f'Character "&" at byte offset {self._byte_offset(index)} begins no valid '
                "HTML entity; escape it as &amp;"
            )
        self._append(decoded)
        return match.end()

    def _tag(self, index: int) -> int:
        match = _TAG.match(self.source, index)
        if match is None:
            self._fail(
                f'Character "<" at byte offset {self._byte_offset(index)} begins no valid '
                "tag; escape it as &lt;"
            )
        closing, name, attribute_text = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            self._close(name, index)
        else:
            self._open(name, _attributes(attribute_text), index)
        return match.end()

    def _open(self, name: str, attributes: dict[str, str], index: int) -> None:
        at = f"at byte offset {self._byte_offset(index)}"
        if name not in HTML_TAGS:
            self._fail(f'Unsupported start tag "{name}" {at}')
        if name == "span" and attributes.get("class") != "tg-spoiler":
            self._fail(f'Tag "span" must have class "tg-spoiler" {at}')
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            self._fail(f'Tag "tg-emoji" must have attribute "emoji-id" {at}')
        self.stack.append(_OpenTag(name, attributes, self.units))

    def _close(self, name: str, index: int) -> None:
        at = f"at byte offset {self._byte_offset(index)}"
        if not self.stack:
            self._fail(f"Unexpected end tag {at}")
        top = self.stack[-1]
        if top.name != name:
            self._fail(f'Unmatched end tag {at}, expected "</{top.name}>", found "</{name}>"')
        self.stack.pop()
        self._emit(top)

    def _emit(self, tag: _OpenTag) -> None:
        """Turn a closed tag into its entity; empty entities are dropped, as Telegram does."""
        length = self.units - tag.offset
        language = tag.attributes.get("class", "")
        parent = self.stack[-1] if self.stack else None
        if tag.name == "code" and parent and parent.name == "pre":
            # <pre><code class="language-x"> is one pre entity that carries the language.
            if language.startswith("language-"):
                parent.language = language.removeprefix("language-")
            return
        if length == 0 or (tag.name == "a" and "href" not in tag.attributes):
            return
        entity: dict[str, Any] = {"type": HTML_TAGS[tag.name], "offset": tag.offset}
        entity["length"] = length
        if tag.name == "a":
            entity["url"] = tag.attributes["href"]
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes["emoji-id"]
        self.entities.append(entity)


def _attributes(text: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        name, double, single, bare = match.groups()
        value = next((v for v in (double, single, bare) if v is not None), "")
        attributes[name.lower()] = _decode_attribute(value)
    return attributes


def parse_html(source: str) -> ParsedText:
    """Telegram's HTML parse mode; raises the 400 "can't parse entities" Telegram would."""
    return _HtmlParser(source).parse()


_MARKDOWN_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\((?:[^)\\]|\\.)*\)", re.DOTALL)
_MARKDOWN_MARKUP = re.compile(r"\\(.)|[*_~|`]", re.DOTALL)


def _markdown_plain(text: str) -> str:
    """An approximation of the visible text of (legacy or V2) Markdown, for the length limit."""
    text = _MARKDOWN_LINK.sub(r"\1", text)
    return _MARKDOWN_MARKUP.sub(lambda m: m.group(1) or "", text)


# --------------------------------------------------------------------------- keyboards


def entities_or_parsed(text: str, params: dict[str, Any], entities_field: str) -> ParsedText:
    """Explicit entities win over parse_mode, as on Telegram."""
    if entities_field in params:
        return ParsedText(text, list(params[entities_field]))
    return parse_text(text, params.get("parse_mode"))


def message_text(text: str, params: dict[str, Any]) -> ParsedText:
    """A message text after parsing; empty (blank) or over 4096 UTF-16 units is a 400."""
    parsed = entities_or_parsed(text, params, "entities")
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if utf16_length(parsed.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return parsed


def caption_text(caption: str | None, params: dict[str, Any]) -> ParsedText:
    """A caption after parsing; over 1024 UTF-16 units is a 400."""
    if caption is None:
        return ParsedText("")
    parsed = entities_or_parsed(caption, params, "caption_entities")
    if utf16_length(parsed.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return parsed
