"""Read a file's raw text: .txt and .md as text, .pdf through pdfium's text layer."""

from __future__ import annotations

from pathlib import Path

from rag.errors import InputRejected

SUFFIXES = (".txt", ".md", ".pdf")


def load_text(path: Path, *, max_mb: float = 50.0) -> tuple[str, list[str]]:
    """Return (raw text, warnings). Raises InputRejected with a one-line reason."""
    if not path.is_file():
        raise InputRejected(f"not a file: {path}")
    size = path.stat().st_size
    if size == 0:
        raise InputRejected("empty file")
    if size > max_mb * 1024 * 1024:
        raise InputRejected(f"file is {size / 1024 / 1024:.0f} MB, over the {max_mb:.0f} MB limit")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _load_pdf(path), []
    if suffix in (".txt", ".md"):
        return _load_txt(path)
    raise InputRejected(f"unsupported file type {suffix!r}; use .txt, .md or .pdf")


def _load_txt(path: Path) -> tuple[str, list[str]]:
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise InputRejected("binary data in a text file")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        return text, ["not UTF-8; read as Windows-1252 (save the file as UTF-8 to silence this)"]


def _load_pdf(path: Path) -> str:
    import pypdfium2 as pdfium

    head = path.read_bytes()[:1024]
    if b"%PDF" not in head:
        raise InputRejected("not a PDF (no %PDF header); the file is damaged or mis-named")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise InputRejected("encrypted PDF; save an unencrypted copy and index that") from exc
        raise InputRejected(f"corrupt PDF ({exc}); re-download the file") from exc
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise InputRejected(f"corrupt PDF ({exc}); re-download the file") from exc
    finally:
        doc.close()
    text = "\n".join(pages)
    if len(text.strip()) < 200:
        raise InputRejected("PDF has no text layer (a scan?); run it through OCR first")
    return text
