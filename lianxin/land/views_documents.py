"""Downloads of the printable land documents: the agreement (.docx) and a household's payment
statement (兑付明细, .docx / .xlsx). Scoped through the selectors (another village's id is a 404);
each download is recorded as an EXPORT security event (they name people and masked accounts)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lianxin.imports.xlsx import XLSX_CONTENT_TYPE, title_prefix

from . import documents, selectors


def _record(request, kind: str, pk: int) -> None:
    from lianxin.accounts.models import SecurityEvent
    from lianxin.accounts.services import security_event_record

    security_event_record(kind=SecurityEvent.Kind.EXPORT, user=request.user, detail={"list": kind, "id": pk})


@login_required
@permission_required("land.view_agreement", raise_exception=True)
@require_GET
def agreement_docx(request, pk: int):
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    document = documents.agreement_document(agreement)
    _record(request, "land.agreement_docx", agreement.pk)
    return document.response(_("征地补偿协议书_%(number)s.docx") % {"number": agreement.number})


def _statement(request, pk: int) -> documents.HouseholdStatement:
    household = selectors.household_get(user=request.user, pk=pk)
    agreements = list(
        selectors.agreement_list(user=request.user, household=household)
        .prefetch_related("supplements")
        .order_by("signed_on", "pk")
    )
    return documents.household_statement(household, agreements)


@login_required
@permission_required("land.view_payment", raise_exception=True)
@require_GET
def household_statement_docx(request, pk: int):
    statement = _statement(request, pk)
    _record(request, "land.household_statement_docx", pk)
    return documents.statement_document(statement).response(
        _("兑付明细_%(name)s_%(date)s.docx") % {"name": statement.head_name, "date": f"{timezone.localdate():%Y%m%d}"}
    )


@login_required
@permission_required("land.view_payment", raise_exception=True)
@require_GET
def household_statement_xlsx(request, pk: int):
    statement = _statement(request, pk)
    body = documents.statement_workbook(statement, township=title_prefix(request.user))
    _record(request, "land.household_statement_xlsx", pk)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    name = _("兑付明细_%(name)s_%(date)s.xlsx") % {
        "name": statement.head_name,
        "date": f"{timezone.localdate():%Y%m%d}",
    }
    response["Content-Disposition"] = content_disposition_header(True, name)
    patch_cache_control(response, private=True, no_store=True)
    return response
