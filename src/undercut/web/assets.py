"""Static files of the dashboard, plotly.js included, served by the app itself.

plotly.js comes from the ``plotly`` Python package (no CDN: the dashboard works offline).
Files are read once, gzip-compressed once, and served under a name that carries the
package version with a year-long ``immutable`` cache lifetime, so a browser downloads the
4 MB bundle once per plotly release.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import Request, Response

from undercut.errors import NotFoundError

STATIC = Path(__file__).parent / "static"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    media_type: str
    etag: str


def plotly_path() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@cache
def plotly_name() -> str:
    import plotly

    return f"plotly-{plotly.__version__}.min.js"


@cache
def _asset(name: str) -> Asset:
    if name == plotly_name():
        path = plotly_path()
    else:
        path = STATIC / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise NotFoundError(f"static file {name!r} not found")
    body = path.read_bytes()
    return Asset(
        body=body,
        gzipped=gzip.compress(body, compresslevel=6),
        media_type=TYPES.get(path.suffix, "application/octet-stream"),
        etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"',
    )


@cache
def fingerprint(name: str) -> str:
    """``name?v=<hash>``: the URL of an own static file, changing with its content."""
    return f"{name}?v={_asset(name).etag.strip(chr(34))[:10]}"


def serve(request: Request, name: str) -> Response:
    asset = _asset(name)
    headers = {
        "ETag": asset.etag,
        "Cache-Control": "public, max-age=31536000, immutable",
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)
