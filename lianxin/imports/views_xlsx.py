"""Download the blank import template of a ledger (导入模板)."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .ledger import ledger_get
from .xlsx import XLSX_CONTENT_TYPE, template_workbook, title_prefix


@login_required
@require_GET
def ledger_template(request, ledger: str):
    """The .xlsx template of ``ledger`` for anyone who may import it (the ledger's permission)."""
    try:
        spec = ledger_get(ledger)
    except LookupError:
        raise Http404 from None
    if not request.user.has_perm(spec.permission):
        raise PermissionDenied
    prefix = title_prefix(request.user)
    content = template_workbook(spec, title_prefix=prefix)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{prefix}{spec.label}_{_('导入模板')}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
