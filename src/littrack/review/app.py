"""The triage page's HTTP layer (FastAPI): sessions, the JSON API under /api, the static page.

Thin on purpose: every route checks the session (and, if it changes state, the CSRF token),
then calls one `ReviewService` method in a worker thread. Errors are one line:
{"detail": "..."} with 401 (no session), 403 (no CSRF token), 422 (bad input), 429 (sign-in
rate limit).
"""

from __future__ import annotations

import hmac
import importlib.util
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from littrack.errors import LittrackError
from littrack.review.auth import SESSION_SECONDS, Session, Sessions
from littrack.review.catalog import FACET_COLUMNS
from littrack.review.errors import InvalidDecision, SignInFailed, TooManyAttempts
from littrack.review.service import QueueQuery, ReviewService

COOKIE = "littrack_session"
STATIC = resources.files("littrack.review") / "static"
SECURITY_HEADERS = {
    # the page is static files from this origin; no inline script or style can run
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
        " frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
MAX_PAGE = 500


class HttpError(Exception):
    def __init__(self, status: int, detail: str, headers: dict | None = None):
        self.status, self.detail, self.headers = status, detail, headers or {}


def create_app(service: ReviewService, sessions: Sessions) -> FastAPI:
    app = FastAPI(title="littrack review", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        if request.url.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(HttpError)
    async def http_error(request: Request, exc: HttpError):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=exc.headers)

    async def signed_in(request: Request, changes_state: bool = False) -> Session:
        session = await run_in_threadpool(sessions.lookup, request.cookies.get(COOKIE))
        if session is None:
            raise HttpError(401, "sign in first")
        token = request.headers.get("X-CSRF-Token", "")
        if changes_state and not hmac.compare_digest(token.encode(), session.csrf_token.encode()):
            raise HttpError(403, "missing or wrong X-CSRF-Token header")
        return session

    async def call(method, *args, status_code: int = 200, **kwargs) -> JSONResponse:
        try:
            result = await run_in_threadpool(method, *args, **kwargs)
        except InvalidDecision as exc:
            raise HttpError(422, str(exc)) from None
        # plain JSON types already: skip FastAPI's per-value encoder (60 ms for a 100-row page)
        return JSONResponse(result, status_code=status_code)

    @app.get("/", include_in_schema=False)
    async def page():
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.post("/api/session")
    async def sign_in(request: Request):
        body = await _json_object(request)
        name, password = body.get("name"), body.get("password")
        if not isinstance(name, str) or not isinstance(password, str):
            raise HttpError(422, "send {\"name\": ..., \"password\": ...}")
        client = request.client.host if request.client else "unknown"
        try:
            session = await run_in_threadpool(sessions.sign_in, name, password, client)
        except SignInFailed as exc:
            raise HttpError(401, str(exc)) from None
        except TooManyAttempts as exc:
            raise HttpError(429, str(exc), {"Retry-After": str(exc.retry_after_seconds)}) from None
        response = JSONResponse({"reviewer": session.reviewer, "csrf_token": session.csrf_token})
        response.set_cookie(COOKIE, session.token, max_age=SESSION_SECONDS, httponly=True,
                            samesite="strict", secure=request.url.scheme == "https", path="/")
        return response

    @app.get("/api/session")
    async def current_session(request: Request):
        session = await signed_in(request)
        return {"reviewer": session.reviewer, "csrf_token": session.csrf_token}

    @app.delete("/api/session")
    async def sign_out(request: Request):
        await signed_in(request, changes_state=True)
        await run_in_threadpool(sessions.sign_out, request.cookies[COOKIE])
        response = Response(status_code=204)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/api/settings")
    async def settings(request: Request):
        await signed_in(request)
        return await call(lambda: service.page_settings() | {"exports": exports})

    @app.get("/api/queue")
    async def queue(request: Request):
        session = await signed_in(request)
        params = request.query_params
        query = QueueQuery(
            filter=params.get("filter", "undecided"),
            text=params.get("q", ""),
            facets={c: params[c] for c in FACET_COLUMNS if params.get(c)},
            offset=_int_param(params, "offset", 0),
            limit=min(_int_param(params, "limit", 100), MAX_PAGE),
        )
        return await call(service.queue, session.reviewer, query)

    @app.get("/api/papers/{pmid}")
    async def paper(pmid: str, request: Request):
        session = await signed_in(request)
        return await call(service.paper, session.reviewer, _pmid(pmid))

    async def append_event(request: Request, append) -> JSONResponse:
        """Check session and token, then `append(reviewer, pmid, body)` → 201 with the event."""
        session = await signed_in(request, changes_state=True)
        body = await _json_object(request)
        pmid = _pmid(body.get("pmid"))
        return await call(lambda: _event_json(append(session.reviewer, pmid, body)), status_code=201)

    @app.post("/api/decisions")
    async def decide(request: Request):
        return await append_event(request, lambda reviewer, pmid, body: service.decide(
            reviewer, pmid, body.get("decision"), body.get("reason"), body.get("note"),
            body.get("tags") or []))

    @app.post("/api/undo")
    async def undo(request: Request):
        return await append_event(request, lambda reviewer, pmid, _: service.undo(reviewer, pmid))

    @app.post("/api/resolutions")
    async def resolve(request: Request):
        return await append_event(request, lambda reviewer, pmid, body: service.resolve(
            reviewer, pmid, body.get("decision"), body.get("reason"), body.get("note")))

    exports = _add_exports(app, service, signed_in)
    return app


def _add_exports(app: FastAPI, service: ReviewService, signed_in) -> bool:
    """Downloads and PRISMA counts, once littrack.review.exports and .prisma exist; True if added."""
    if any(importlib.util.find_spec(f"littrack.review.{name}") is None for name in ("exports", "prisma")):
        return False
    from littrack.review.exports import export_papers
    from littrack.review.prisma import prisma_counts
    from littrack.warehouse import Warehouse

    def with_snapshot(function, *args):
        with Warehouse(service.catalog.path).read() as con:
            return function(con, *args)

    @app.get("/api/export")
    async def export(request: Request):
        await signed_in(request)
        fmt, status = request.query_params.get("format", "ris"), request.query_params.get("status") or None
        try:
            result = await run_in_threadpool(with_snapshot, export_papers, fmt, status)
        except LittrackError as exc:  # an unknown format or status
            raise HttpError(422, str(exc)) from None
        return Response(result.content, media_type=result.media_type, headers={
            "Content-Disposition": f'attachment; filename="{result.filename}"'})

    @app.get("/api/prisma")
    async def prisma(request: Request):
        await signed_in(request)
        counts = await run_in_threadpool(with_snapshot, prisma_counts)
        return counts.as_dict()

    return True


async def _json_object(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        raise HttpError(422, "the request body must be JSON") from None
    if not isinstance(body, dict):
        raise HttpError(422, "the request body must be a JSON object")
    return body


def _pmid(value) -> int:
    if isinstance(value, bool):
        raise HttpError(422, "pmid must be a number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise HttpError(422, f"pmid must be a number, not {value!r}") from None


def _int_param(params, name: str, default: int) -> int:
    try:
        value = int(params.get(name, default))
    except ValueError:
        raise HttpError(422, f"{name} must be a whole number") from None
    if value < 0:
        raise HttpError(422, f"{name} must not be negative")
    return value


def _event_json(event) -> dict:
    return {
        "event_id": event.event_id, "pmid": event.pmid, "reviewer": event.reviewer,
        "action": event.action, "decision": event.decision, "reason": event.reason,
        "note": event.note, "tags": list(event.tags), "decided_at": event.decided_at.isoformat(),
    }
