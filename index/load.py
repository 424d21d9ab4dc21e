"""Read a file's raw text: .txt and .md as text, .pdf through pdfium's text layer."""

from __future__ import annotations

from pathlib import Path

from rag.errors import InputRejected

SUFFIXES = (".txt", ".md", ".pdf")


def load_text(path: Path, *, max_mb: float = 50.0) -> tuple[str, list[str]]:
    """Return (raw text, warnings). Raises InputRejected with a one-line reason."""
    try:
        return _load(path, max_mb)
    except OSError as exc:
        why = (exc.strerror or exc.__class__.__name__).lower()
        raise InputRejected(f"cannot read the file ({why}); check its permissions") from exc


def _load(path: Path, max_mb: float) -> tuple[str, list[str]]:
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


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL, as in mostly-ASCII UTF-16."""
    sample = data[:4096]
    if len(sample) < 64 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.6 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _load_txt(path: Path) -> tuple[str, list[str]]:
    data = path.read_bytes()
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None) or _utf16_without_bom(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise InputRejected(f"damaged {encoding.upper()} text; save the file as UTF-8") from None
        text = text.removeprefix("\ufeff")
        if "\x00" in text:
            raise InputRejected("binary data in a text file")
        return text, []
    if b"\x00" in data:  # anywhere in the file: a NUL never belongs in a letter
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
