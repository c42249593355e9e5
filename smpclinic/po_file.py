"""A small reader and writer of gettext .po catalogues (no outside package needed)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip()) if text.strip() else ""


def read(path) -> list[Entry]:
    entries, entry, key = [], Entry(), None
    started = False

    def finish():
        nonlocal entry, started
        if started:
            entries.append(entry)
        entry, started = Entry(), False

    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    for raw in lines:
        line = raw.strip()
        if not line:
            finish()
            key = None
            continue
        if line.startswith("#,"):
            if started and key is not None:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if started and key is not None and key != "comment":
                finish()
            entry.comments.append(raw)
            continue
        if line.startswith('"'):
            value = _unquote(line)
            if key == "msgid":
                entry.msgid += value
            elif key == "msgid_plural":
                entry.msgid_plural += value
            elif key == "msgctxt":
                entry.msgctxt += value
            elif key == "msgstr":
                entry.msgstr += value
            elif key is not None and key.startswith("msgstr["):
                n = int(key[7:-1])
                entry.msgstr_plural[n] += value
            continue
        word, _space, rest = line.partition(" ")
        if word == "msgctxt" and started and key != "comment":
            finish()
        started = True
        key = word
        value = _unquote(rest)
        if word == "msgid":
            entry.msgid = value
        elif word == "msgid_plural":
            entry.msgid_plural = value
        elif word == "msgctxt":
            entry.msgctxt = value
        elif word == "msgstr":
            entry.msgstr = value
        elif word.startswith("msgstr["):
            entry.msgstr_plural[int(word[7:-1])] = value
    finish()
    return entries


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in escaped[:-1]:
        return '"' + escaped.replace("\n", "\\n") + '"'
    parts = escaped.split("\n")
    lines = ['""'] + ['"' + part + '\\n"' for part in parts[:-1]]
    if parts[-1]:
        lines.append('"' + parts[-1] + '"')
    return "\n".join(lines)


def write(path, entries: list[Entry]) -> None:
    out = []
    for entry in entries:
        out.extend(c for c in entry.comments if not c.startswith("#|"))
        flags = sorted(entry.flags - {""})
        if flags:
            out.append("#, " + ", ".join(flags))
        # The previous wording of a fuzzy entry comes after its flags.
        out.extend(c for c in entry.comments if c.startswith("#|"))
        if entry.msgctxt is not None:
            out.append("msgctxt " + _quote(entry.msgctxt))
        out.append("msgid " + _quote(entry.msgid))
        if entry.msgid_plural is not None:
            out.append("msgid_plural " + _quote(entry.msgid_plural))
            for n in sorted(entry.msgstr_plural):
                out.append(f"msgstr[{n}] " + _quote(entry.msgstr_plural[n]))
        else:
            out.append("msgstr " + _quote(entry.msgstr))
        out.append("")
    with open(path, "w", encoding="utf-8") as file:
        file.write("\n".join(out))
