"""Every error of the API in one shape, RFC 9457 problem details (application/problem+json):

    {"type": "about:blank", "title": "Invalid request", "status": 400, "code": "invalid",
     "detail": "The request has errors: see errors.", "instance": "/api/v1/alerts/",
     "errors": [{"field": "containers.0", "code": "invalid", "detail": "..."}]}

`title` and `detail` are in the language the request asked for (Accept-Language: en or
zh-Hant); `code` and `errors[].code` are for programs and never translated. Errors that Django
answers before any API view (an unknown address under /api/, a server error) take the same shape
through the project's handler404 and handler500 (portal/urls.py)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

API_PREFIX = "/api/"
PROBLEM_CONTENT_TYPE = "application/problem+json"
# The headers of DRF's own error response that the problem keeps.
PASSED_HEADERS = ("Retry-After", "WWW-Authenticate", "Allow")


def _titles() -> dict[int, str]:
    # A function, so that each title is translated in the language of the request.
    return {
        400: _("Invalid request"),
        401: _("Not authenticated"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("Unprocessable request"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def _own_detail(exc) -> str | None:
    """DRF's own messages for these errors are not all translated into Traditional Chinese: the
    portal says them itself (custom messages, a view's own, are kept)."""
    if isinstance(exc, exceptions.Throttled):
        return _("Too many requests: try again in %(seconds)d seconds.") % {
            "seconds": exc.wait or 1
        }
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("This method is not allowed here.")
    if isinstance(exc, exceptions.ParseError):
        return _("The request body could not be read: it is not valid JSON or form data.")
    defaults = {
        exceptions.NotAuthenticated: _(
            "No API key was given: send it in the header Authorization: Bearer <key>."
        ),
        exceptions.PermissionDenied: _("This API key may not do this."),
        exceptions.NotFound: _("Not found."),
        exceptions.NotAcceptable: _("This resource is available as JSON only."),
        exceptions.UnsupportedMediaType: _(
            "Send the request body as application/json (or multipart/form-data with files)."
        ),
    }
    if type(exc) in defaults and str(exc.detail) == str(exc.default_detail):
        return defaults[type(exc)]
    return None


def problem(status_code: int, *, code: str, detail: str, instance: str = "", errors=None) -> dict:
    body = {
        "type": "about:blank",
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "code": code,
        "detail": str(detail),
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def field_errors(detail, field: str = "") -> list[dict]:
    """DRF's nested errors ({"items": [{"container": ["..."]}]}) as a flat list, each with the
    dotted path of its field ("items.0.container"; "" for the request as a whole)."""
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in field_errors(
                value,
                "" if key in ("non_field_errors", "__all__") and not field else _join(field, key),
            )
        ]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [_error(item, field) for item in detail]
        return [
            error
            for index, item in enumerate(detail)
            for error in field_errors(item, _join(field, index))
        ]
    return [_error(detail, field)]


def _join(field: str, key) -> str:
    return f"{field}.{key}" if field else str(key)


def _error(message, field: str) -> dict:
    return {
        "field": field,
        "code": getattr(message, "code", None) or "invalid",
        "detail": str(message),
    }


def problem_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER. A service's django ValidationError is a 400 with its messages,
    by field where it names them."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1] if exc.args and exc.args[0] else ()))
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: handler500 answers it
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            response.status_code,
            code="invalid",
            detail=_("The request has errors: see errors."),
            instance=instance,
            errors=field_errors(exc.detail),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
        code = detail.code if hasattr(detail, "code") else "error"
        body = problem(
            response.status_code,
            code=code,
            detail=_own_detail(exc) or str(detail),
            instance=instance,
        )
    return Response(
        body,
        status=response.status_code,
        headers={
            k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")
        },
        content_type=PROBLEM_CONTENT_TYPE,
    )


def problem_response(request, status_code: int, *, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        problem(status_code, code=code, detail=detail, instance=request.path),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def page_not_found(request, exception=None):
    """handler404: a problem for addresses under /api/, the portal's page for the others."""
    if request.path.startswith(API_PREFIX):
        return problem_response(
            request, status.HTTP_404_NOT_FOUND, code="not_found", detail=_("Not found.")
        )
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: a problem for addresses under /api/ (nothing about the error itself)."""
    if request.path.startswith(API_PREFIX):
        return problem_response(
            request,
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            code="server_error",
            detail=_("The server could not answer; the error is logged. Please try again later."),
        )
    return defaults.server_error(request)
