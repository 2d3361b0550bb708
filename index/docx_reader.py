"""DOCX reports: headings from paragraph styles or outline levels, tables as rows."""

from __future__ import annotations

import io
import re
from pathlib import Path

from index.chapter_map import Block
from index.reading import IngestError, Read

def read_docx(path: Path, data: bytes) -> Read:
    """Title / Heading N styles (or styles based on them, or a direct outline level); tables as "a | b" rows."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, KeyError, PackageNotFoundError, XML errors
        raise IngestError(path, f"not a readable DOCX ({type(exc).__name__}: {exc})") from exc
    title, blocks = (document.core_properties.title or "").strip(), []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            rows = (dict.fromkeys(c.text.strip() for c in r.cells) for r in Table(child, document).rows)
            if text := "\n".join(" | ".join(c for c in cells if c) for cells in rows if any(cells)):
                blocks.append(Block("p", text))
        para = Paragraph(child, document) if child.tag == qn("w:p") else None
        if para is None or not (text := " ".join(para.text.split())):
            continue
        level, style = None, para.style
        while style is not None and level is None:
            m = re.fullmatch(r"heading\s*(\d)|(title)", (style.name or "").lower())
            level, style = (0 if m.group(2) else int(m.group(1))) if m else None, style.base_style
        outline = child.pPr.find(qn("w:outlineLvl")) if child.pPr is not None else None
        if level is None and outline is not None and outline.get(qn("w:val"), "9") in list("012345678"):
            level = int(outline.get(qn("w:val"))) + 1
        if level == 0:
            title = title or text
        else:
            blocks.append(Block("h" if level else "p", text, level or 0))
    return Read(title, blocks)
