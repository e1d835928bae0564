"""Scanned sources: page images (PNG, JPEG, TIFF, PDF pages without a text layer) read by Tesseract at ingest.

    images      open a file's pages one at a time (size checked before decoding), deskew and clean them
    tesseract   Debian's `tesseract` CLI, one page per call, TSV out: words with boxes and confidences
    layout      a page's words -> text with offsets (lines joined, hyphens mended); pages -> one document
    cache       each page's reading and image, keyed by the file's hash, so a rebuild reads nothing again
    reader      one file -> a `Document` and its `ScanText` (or a `Skipped` with the reason), with
                progress, cancelling and the per-document figures the ingest reports
    correct     a curator's corrected text laid over the OCR words: unchanged words keep their boxes
    records     the frozen dataclasses between them: `Word`, `Page`, `ScanText`

Nothing here runs at import; Pillow and pypdfium2 are imported by the functions that need them.
"""
