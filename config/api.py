"""The one JSON API (django-ninja), OpenAPI at /api/docs. Each app contributes its router."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from lianxin.accounts.api import router as accounts_router
from lianxin.accounts.auth import ActiveSessionAuth, ApiTokenAuth
from lianxin.cases.api import router as cases_router
from lianxin.cases.api_statistics import router as cases_statistics_router
from lianxin.core.errors import DomainError
from lianxin.enterprises.api import router as enterprises_router
from lianxin.imports.api import router as imports_router
from lianxin.land.api import router as land_router
from lianxin.land.api_gis import router as land_gis_router
from lianxin.people.api import router as people_router
from lianxin.regions.api import router as regions_router
from lianxin.reports.api import router as reports_router

api = NinjaAPI(
    title="Lianxin 连心桥 API",
    version="1",
    auth=[ApiTokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/accounts/", accounts_router)
api.add_router("/regions/", regions_router)
api.add_router("/people/", people_router)
api.add_router("/enterprises/", enterprises_router)
api.add_router("/imports/", imports_router)
api.add_router("/land/", land_router)
api.add_router("/land/gis/", land_gis_router)
api.add_router("/cases/", cases_router)
api.add_router("/cases/statistics/", cases_statistics_router)
api.add_router("/reports/", reports_router)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    errors = {exc.field: [exc.message]} if exc.field else {}
    status = 403 if exc.code == "permission_denied" else 400
    return api.create_response(request, {"message": exc.message, "code": exc.code, "errors": errors}, status=status)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(errors.values()))[0]
    return api.create_response(request, {"message": first, "code": "invalid", "errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    message = str(exc) or _("您的角色无权执行此操作")
    return api.create_response(request, {"message": message, "code": "permission_denied"}, status=403)
