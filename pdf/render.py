"""render(kind, snapshot) -> PDF bytes: autoescaped Jinja + WeasyPrint, assets-only fetching."""

import ctypes.util
import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from pdf.qr import qr_svg
from pdf.seal import Place, seal_svg

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"

# Document kinds by name: {"title_zh", "title_en", "code", "template", "sample"}. Each procedure declares its
# own (workflows.definition.DocumentKind) and the registry hands them over here with register_kinds(), so
# this package lists no procedure's documents. The number's kind abbreviation ("code") sits between the
# authority abbreviation and 字: 哈道市监 + 经登 + 字〔2026〕…; the engine builds numbers, this only carries the code.
KINDS: dict[str, dict] = {}


def register_kinds(kinds: dict[str, dict]) -> None:
    """Make document kinds known (a kind declared twice must be declared alike)."""
    for name, meta in kinds.items():
        if KINDS.get(name, meta) != meta:
            raise ValueError(f"document kind {name!r} is declared twice, differently")
        KINDS[name] = meta


class AssetsOnlyFetcher(URLFetcher):
    """Serves file: URLs under pdf/assets/ and refuses everything else (ValueError).

    Snapshot values are escaped, so no applicant text can become a URL; this is the second
    wall: even a template mistake cannot make the renderer read /etc/passwd or call out.
    """

    def __init__(self):
        # Any refused fetch is a template bug: stop the render instead of printing a
        # document with something silently missing (render() turns it into an Exception).
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        try:
            body = asset_bytes(url)
        except ValueError:
            log.warning("refused to fetch %s while rendering a document", url[:200])
            raise
        return URLFetcherResponse(
            url, body=body, headers={"Content-Type": mimetypes.guess_type(url)[0] or "application/octet-stream"}
        )


def asset_path(url: str) -> Path:
    """The file under pdf/assets/ that `url` names; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"only pdf/assets files may be fetched, not {url!r}")
    path = Path(unquote(parts.path)).resolve()  # resolve() folds "..", symlinks
    if not path.is_relative_to(ASSETS) or not path.is_file():
        raise ValueError(f"only pdf/assets files may be fetched, not {url!r}")
    return path


@lru_cache(maxsize=32)
def _read_asset(path: Path) -> bytes:
    return path.read_bytes()


def asset_bytes(url: str) -> bytes:
    return _read_asset(asset_path(url))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(qr_svg=qr_svg, seal_svg=seal_svg, KINDS=KINDS)
    return env


ENV = _environment()  # built once: Jinja caches compiled templates on it
BASE_URL = ASSETS.as_uri() + "/"  # relative hrefs in templates resolve inside assets/
FETCHER = AssetsOnlyFetcher()


def html(kind: str, snapshot: dict, signed: bool = False) -> str:
    """The document's HTML (handy for debugging a template); raises UndefinedError on a gap. `signed`: leave the
    seal box empty for the digital signature's appearance to fill."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; known: {', '.join(KINDS)}")
    if kind == "correction_notice" and not snapshot.get("items", True):
        raise ValueError("a correction notice must list every item to correct (一次性告知): none given")
    context = dict(snapshot)
    if "facts" in snapshot:  # a missing key is left to StrictUndefined, like every other key
        # The engine keeps facts as (label, value) pairs, which come back from JSON as lists.
        context["facts"] = [
            row if isinstance(row, dict) else {"label": row[0], "value": row[1]} for row in snapshot["facts"]
        ]
    return ENV.get_template(KINDS[kind].get("template") or f"{kind}.html").render(
        kind=kind, meta=KINDS[kind], signed=signed, **context
    )


def render(kind: str, snapshot: dict) -> bytes:
    """An A4 PDF of document `kind` made from the plain-data `snapshot` (see pdf/samples.py), its seal a picture:
    a preview. Issued documents come from render_for_signing."""
    return _render(kind, html(kind, snapshot)).write_pdf()


def render_for_signing(kind: str, snapshot: dict) -> tuple[bytes, Place]:
    """The PDF with an empty seal box, and where that box is: the signature's appearance goes there."""
    document = _render(kind, html(kind, snapshot, signed=True))
    data = document.write_pdf()
    for index, page in enumerate(document.pages):
        if "seal" in page.anchors:
            # the box's corners in CSS px (1/96 in) from the page's top left; PDF wants points from the bottom left
            x1, y1, x2, y2 = page.anchors["seal"]
            return data, Place(index, (x1 * 0.75, (page.height - y2) * 0.75, x2 * 0.75, (page.height - y1) * 0.75))
    raise RuntimeError(f"document {kind}: the template has no seal box (#seal)")


def _render(kind: str, source: str):
    try:
        return HTML(string=source, base_url=BASE_URL, url_fetcher=FETCHER).render()
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal error is a BaseException: re-raise as an ordinary one so that
        # the app's error handling and the engine's rollback see it.
        raise RuntimeError(f"document {kind}: {error}") from error.__cause__


@lru_cache(maxsize=1)
def harfbuzz_subset_available() -> bool:
    """True when WeasyPrint can subset fonts with HarfBuzz (without it CJK is ~20x slower)."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

        # Same test WeasyPrint makes before choosing HarfBuzz over fontTools.
        return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))
    except (ImportError, AttributeError):  # private module moved: ask the loader instead
        return ctypes.util.find_library("harfbuzz-subset") is not None
