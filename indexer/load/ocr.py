"""Text of scanned PDFs (no text layer) by OCR: pages rendered with pypdfium2, read by tesseract (chi_sim+eng).

Each page is rendered at OCR_DPI in grey and turned straight (a scan lies askew), its table rulings (long
dark runs) are found and erased so tesseract sees only the glyphs, and tesseract's words (TSV, with boxes)
are put back into lines: a line crossing a vertical ruling (or a wide gap) is a table row, its cells joined
by CELL_SEPARATOR like every other loader's rows (numbers and template labels OCR misreads repaired by
ocr_labels.py); other lines are prose, a paragraph's wrapped lines joined again.

tesseract runs as a subprocess reading the PNG on stdin (no temporary files, a timeout per page); a
wrapper library (pytesseract) would add a dependency for the same single call.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indexer.errors import UnreadablePage
from indexer.load import CELL_SEPARATOR
from indexer.load.ocr_labels import repair_cell

if TYPE_CHECKING:
    import numpy as np
    from PIL.Image import Image

logger = logging.getLogger(__name__)

OCR_DPI = 300
OCR_LANGUAGES = "chi_sim+eng"
PAGE_SEGMENTATION = "6"  # one uniform block: each printed line (a table row) stays one line, left to right
MAX_SKEW_DEGREES = 2.0  # scans are turned straight up to this angle
SKEW_STEP = 0.1
SKEW_REDUCE = 4  # the angle is searched on the page reduced this many times
DARK = 128  # grey level below which a pixel is ink
RULING_MIN_LENGTH = 0.04  # a run of ink this long (share of the page width) is a ruling, not a glyph stroke
RULING_ERASE_MARGIN = 2  # pixels erased either side of a ruling (anti-aliasing)
CELL_GAP_EM = 2.5  # without a ruling between them, words this many line heights apart are in two cells
ONE_THREAD = {"OMP_THREAD_LIMIT": "1"}  # tesseract on one thread: 3x faster than its OpenMP threads on a busy host
MIN_CONFIDENCE = 10  # Latin words below this confidence are noise (specks); Chinese ones are kept (often right)
CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
CJK_OR_DIGIT_RE = re.compile(r"[\d\u3400-\u9fff]")
HEADING_RE = re.compile(r"^[（(]?[一二三四五六七八九十]+[、）)]")
ONE_OCR_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class Word:
    """One word tesseract read, with its box in pixels and the line tesseract put it on."""

    text: str
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # (block, paragraph, line)

    @property
    def right(self) -> int:
        """Right edge."""
        return self.left + self.width


@dataclass(frozen=True)
class OcrLimits:
    """How much OCR may do for one file."""

    max_pages: int
    page_timeout: float


def tesseract_missing() -> str | None:
    """Say why OCR cannot run here (tesseract or its chi_sim data missing), or None when it can."""
    return _tesseract_missing(shutil.which("tesseract"))


@functools.lru_cache(maxsize=4)
def _tesseract_missing(path: str | None) -> str | None:
    """tesseract_missing for one tesseract path (asked once per process)."""
    if path is None:
        return "tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim)"
    listed = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    missing = [lang for lang in OCR_LANGUAGES.split("+") if lang not in listed.stdout.split()]
    return f"tesseract lacks language data {'+'.join(missing)} (Debian: tesseract-ocr-chi-sim)" if missing else None


@functools.lru_cache(maxsize=1)
def tesseract_version() -> str:
    """Name the OCR tool as the record states it, e.g. 'tesseract 5.3.0 (chi_sim+eng, 300 dpi)'."""
    shown = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30, check=False)
    first = (shown.stdout or shown.stderr).splitlines()[:1]
    return f"{first[0].strip() if first else 'tesseract'} ({OCR_LANGUAGES}, {OCR_DPI} dpi)"


def ocr_pdf(data: bytes, limits: OcrLimits) -> str:
    """Return the text of a scanned PDF, page after page; UnreadablePage when OCR cannot read it.

    One OCR at a time per process (the crawl builds records in threads): PDFium is not thread-safe,
    and a 300 dpi page and its arrays take a few hundred MB while they are read.
    """
    missing = tesseract_missing()
    if missing:
        raise UnreadablePage(f"scanned PDF: no text layer, and OCR cannot run: {missing}")
    with ONE_OCR_AT_A_TIME:
        return _ocr_pdf(data, limits)


def _ocr_pdf(data: bytes, limits: OcrLimits) -> str:
    """ocr_pdf's work, under its lock."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no type information

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadablePage(f"corrupt PDF file: {exc}") from exc
    with document:
        if len(document) > limits.max_pages:
            raise UnreadablePage(
                f"scanned PDF of {len(document)} pages: over the OCR limit of {limits.max_pages} (REPORTS_OCR_MAX_PAGES)"
            )
        pages = []
        for number, page in enumerate(document, start=1):
            started = time.monotonic()
            image = deskew(page.render(scale=OCR_DPI / 72, grayscale=True).to_pil().convert("L"))
            pages.append(page_text(image, limits.page_timeout, number))
            logger.debug("OCR page %d: %.1f s", number, time.monotonic() - started)
    text = "\n".join(page for page in pages if page)
    if not text.strip():
        raise UnreadablePage(f"scanned PDF: no text layer, and OCR found no text on its {len(pages)} page(s)")
    return text


def deskew(image: Image) -> Image:
    """Turn a page scanned slightly askew straight: the angle whose rows of ink are sharpest (projection profile)."""
    import numpy as np
    from PIL.Image import Resampling

    small = image.reduce(SKEW_REDUCE)
    best_score, best_angle = -1.0, 0.0
    angles = sorted(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + SKEW_STEP / 2, SKEW_STEP), key=abs)
    for angle in angles:  # nearest 0 first: a tie keeps the smaller turn
        rows = (np.asarray(small.rotate(float(angle), fillcolor=255)) < DARK).sum(axis=1).astype(np.float64)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best_score, best_angle = score, float(angle)
    if abs(best_angle) < SKEW_STEP / 2:
        return image
    logger.debug("deskew: %.1f degrees", best_angle)
    return image.rotate(best_angle, resample=Resampling.BICUBIC, fillcolor=255)


def page_text(image: Image, timeout: float, number: int = 1) -> str:
    """Return the lines of one page image: prose lines and table rows (cells joined by CELL_SEPARATOR)."""
    import numpy as np

    pixels = np.asarray(image)
    rulings = find_rulings(pixels)
    words = read_words(erase_rulings(pixels, rulings.mask), timeout, number)
    return "\n".join(page_lines(words, rulings))


@dataclass(frozen=True)
class Rulings:
    """A page's table rulings: the pixels they cover, and each vertical one as (x, top, bottom)."""

    mask: np.ndarray
    vertical: list[tuple[int, int, int]]

    def between(self, left: int, right: int, y: int) -> bool:
        """Tell whether a vertical ruling crosses height `y` between two x positions."""
        return any(left <= x <= right and top <= y <= bottom for x, top, bottom in self.vertical)


def find_rulings(pixels: np.ndarray) -> Rulings:
    """Find table rulings: horizontal and vertical ink runs far longer than any glyph stroke."""
    ink = pixels < DARK
    length = max(int(pixels.shape[1] * RULING_MIN_LENGTH), 10)
    horizontal = _long_runs(ink, length)
    vertical = _long_runs(ink.T, length).T
    return Rulings(horizontal | vertical, _vertical_spans(vertical))


def _long_runs(ink: np.ndarray, length: int) -> np.ndarray:
    """Mark the pixels of each row that lie in a run of at least `length` ink pixels."""
    import numpy as np

    width = ink.shape[1]
    sums = np.cumsum(np.pad(ink.astype(np.int32), ((0, 0), (1, 0))), axis=1)
    starts = (sums[:, length:] - sums[:, :-length]) == length  # the run starting at column i is all ink
    # pixel j is covered when a run starts in j-length+1 … j: count the starts there with a second running sum
    padded = np.pad(starts.astype(np.int32), ((0, 0), (length + 1, length - 1)))
    counts = np.cumsum(padded, axis=1)
    return (counts[:, length + 1 : length + 1 + width] - counts[:, 1 : width + 1]) > 0


def _vertical_spans(vertical: np.ndarray) -> list[tuple[int, int, int]]:
    """Return each vertical ruling as (x, top, bottom), the neighbouring pixel columns of one ruling merged."""
    import numpy as np

    columns = np.flatnonzero(vertical.any(axis=0))
    if not len(columns):
        return []
    spans = []
    for group in np.split(columns, np.flatnonzero(np.diff(columns) > 1) + 1):
        rows = np.flatnonzero(vertical[:, group].any(axis=1))
        spans.append((int(group.mean()), int(rows.min()), int(rows.max())))
    return spans


def erase_rulings(pixels: np.ndarray, mask: np.ndarray) -> bytes:
    """Return the page as PNG bytes with its rulings (and a margin around them) painted white."""
    import numpy as np
    from PIL import Image

    for axis in (0, 1):
        for shift in range(1, RULING_ERASE_MARGIN + 1):
            mask = mask | np.roll(mask, shift, axis=axis) | np.roll(mask, -shift, axis=axis)
    out = io.BytesIO()
    Image.fromarray(np.where(mask, 255, pixels).astype(np.uint8)).save(out, format="PNG", dpi=(OCR_DPI, OCR_DPI))
    return out.getvalue()


def read_words(png: bytes, timeout: float, number: int = 1) -> list[Word]:
    """Run tesseract on one page image; return its words in reading order."""
    command = ["tesseract", "stdin", "stdout", "-l", OCR_LANGUAGES, "--psm", PAGE_SEGMENTATION]
    command += ["--dpi", str(OCR_DPI), "tsv"]
    try:
        env = {**os.environ, **ONE_THREAD}
        done = subprocess.run(command, input=png, capture_output=True, timeout=timeout, check=False, env=env)
    except subprocess.TimeoutExpired as exc:
        raise UnreadablePage(f"OCR of page {number} took over {timeout:g} s (REPORTS_OCR_PAGE_TIMEOUT)") from exc
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise UnreadablePage(f"tesseract failed on page {number} (exit {done.returncode}: {' '.join(problem)})")
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[Word]:
    """Read tesseract's TSV: the word rows (level 5) with text, their boxes and line numbers."""
    words = []
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        block, paragraph, line, _, left, top, width, height = map(int, parts[2:10])
        text = parts[11].strip().replace("|", "")
        if text and (float(parts[10]) >= MIN_CONFIDENCE or CJK_OR_DIGIT_RE.search(text)):
            words.append(Word(text, left, top, width, height, (block, paragraph, line)))
    return words


@dataclass(frozen=True)
class Line:
    """One printed line: its cells (one for prose) and its box."""

    cells: list[str]
    left: int
    right: int
    height: int


def page_lines(words: list[Word], rulings: Rulings) -> list[str]:
    """Put the words back into lines: table rows as cells joined by CELL_SEPARATOR, prose paragraphs rejoined."""
    pieces = [piece for word in words for piece in split_at_rulings(word, rulings)]
    lines = [_line(group, rulings) for group in _by_line(pieces)]
    prose = [line for line in lines if len(line.cells) == 1]
    margin_left = min((line.left for line in prose), default=0)
    margin_right = max((line.right for line in prose), default=0)
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        if previous is not None and _continues(previous, line, margin_left, margin_right):
            out[-1] = join_words([out[-1], line.cells[0]])
        else:
            out.append(CELL_SEPARATOR.join(line.cells))
        previous = line
    return out


def split_at_rulings(word: Word, rulings: Rulings) -> list[Word]:
    """Split a word tesseract read across a vertical ruling (其他处理2申请人…) where the ruling is, by character width."""
    middle = word.top + word.height // 2
    inside = [x for x, top, bottom in rulings.vertical if word.left < x < word.right and top <= middle <= bottom]
    if not inside or len(word.text) < 2:
        return [word]
    x = inside[0]
    cut = round(len(word.text) * (x - word.left) / word.width)
    if not 0 < cut < len(word.text):
        return [word]
    left = Word(word.text[:cut], word.left, word.top, x - word.left, word.height, word.line)
    right = Word(word.text[cut:], x + 1, word.top, word.right - x - 1, word.height, word.line)
    return [left, *split_at_rulings(right, rulings)]


def _by_line(words: list[Word]) -> list[list[Word]]:
    """Group the words by the line tesseract read them on, in reading order, each line left to right."""
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        groups.setdefault(word.line, []).append(word)
    return [sorted(group, key=lambda w: w.left) for group in groups.values()]


def _line(words: list[Word], rulings: Rulings) -> Line:
    """Split a line's words into cells where a vertical ruling (or a wide gap) lies between two words."""
    height = sorted(w.height for w in words)[len(words) // 2]
    middle = sorted(w.top + w.height // 2 for w in words)[len(words) // 2]
    cells: list[list[str]] = [[words[0].text]]
    for before, word in zip(words, words[1:], strict=False):
        if rulings.between(before.right, word.left, middle) or word.left - before.right > CELL_GAP_EM * height:
            cells.append([])
        cells[-1].append(word.text)
    texts = [join_words(cell) for cell in cells]
    if len(texts) > 1:  # a table row: its numbers and labels as the table reader knows them
        texts = [repair_cell(text) for text in texts]
    return Line(texts, words[0].left, words[-1].right, height)


def join_words(pieces: list[str]) -> str:
    """Join words: no space next to a Chinese character or full-width sign, one space between other words."""
    text = ""
    for piece in pieces:
        if text and not CJK_RE.match(text[-1]) and not CJK_RE.match(piece[0]):
            text += " "
        text += piece
    return text


def _continues(previous: Line, line: Line, margin_left: int, margin_right: int) -> bool:
    """Tell a prose line that continues the one before (which ran to the right margin) from a new paragraph."""
    if len(previous.cells) != 1 or len(line.cells) != 1:
        return False
    reached_margin = previous.right >= margin_right - 2 * previous.height
    indented = line.left > margin_left + line.height
    return reached_margin and not indented and not HEADING_RE.match(line.cells[0])
