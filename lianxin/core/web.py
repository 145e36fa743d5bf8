"""Small helpers shared by the thin views: turning service errors into form errors, list paging, htmx partials."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from .errors import DomainError
from .pagination import KeysetPage, keyset_page


def add_service_errors(form: forms.Form, exc: ValidationError | DomainError) -> None:
    """Show a service's refusal on the form, next to the field it names when the form has that field."""
    if isinstance(exc, DomainError):
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def page_from_request(request, qs) -> KeysetPage:
    return keyset_page(
        qs, after=request.GET.get("after"), before=request.GET.get("before"), size=settings.LIANXIN_PAGE_SIZE
    )


def querystring_without(request, *names: str) -> str:
    """The current filters, minus paging keys, for building next/previous links."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def template_for(request, full: str, partial: str) -> str:
    """htmx requests to the same view get the partial (the table body), others the whole page."""
    return partial if getattr(request, "htmx", False) else full
