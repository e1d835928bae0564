"""The route that serves scanned pages' images to the reader: `GET /scan-pages/<name>`, from the live index only.

The name is checked against the page images the loaded build records (`IndexData.page_image`): nothing from
the request is joined to a path, so no request can reach another file. Names are content hashes, so a
browser may keep an image as long as it likes; a page of a build that has since been replaced is 404.
"""

from __future__ import annotations

import re

from fastapi.responses import FileResponse, Response
from fastapi.routing import APIRoute

from .scan_view import PAGES_ROUTE

NAME = re.compile(r"[0-9a-f]{32}\.jpg")
HEADERS = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}


def page_image_routes(assistant) -> list[APIRoute]:
    """The page-image route over an assistant (or a LiveAssistant: the build answering now)."""

    def page_image(name: str):
        index = getattr(assistant, "index", None)
        path = index.page_image(name) if index is not None and NAME.fullmatch(name) else None
        if path is None or not path.is_file():
            return Response("No such page image.", status_code=404, media_type="text/plain")
        return FileResponse(path, media_type="image/jpeg", headers=HEADERS)

    return [APIRoute(f"/{PAGES_ROUTE}/{{name}}", page_image, methods=["GET"], include_in_schema=False)]


def with_page_images(app_kwargs: dict | None, assistant) -> dict:
    """FastAPI app arguments with the page-image route first (before Gradio's own routes)."""
    kwargs = dict(app_kwargs or {})
    kwargs["routes"] = [*page_image_routes(assistant), *kwargs.get("routes", [])]
    return kwargs
