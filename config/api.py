"""The one JSON API (django-ninja), OpenAPI at /api/docs (after login). Each app contributes its router.

Here, once for every endpoint: the parser that keeps NUL and lone surrogates out of the database and
bounds JSON nesting (``CleanTextParser``), the one error body with its handlers, the error statuses
each operation documents, distinct schema names in the OpenAPI description, and the login that the
description and its page need.
"""

from functools import wraps

import ninja.openapi.schema
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from lianxin.accounts.api import router as accounts_router
from lianxin.accounts.auth import ActiveSessionAuth, ApiTokenAuth
from lianxin.accounts.services import api_token_authenticate
from lianxin.cases.api import router as cases_router
from lianxin.cases.api_statistics import router as cases_statistics_router
from lianxin.core.api import (
    CleanTextParser,
    DistinctNamesJsonSchema,
    document_errors,
    error_body,
    install_error_handlers,
)
from lianxin.enterprises.api import router as enterprises_router
from lianxin.imports.api import router as imports_router
from lianxin.land.api import router as land_router
from lianxin.land.api_gis import router as land_gis_router
from lianxin.livelihood.api import router as livelihood_router
from lianxin.party.api import router as party_router
from lianxin.people.api import router as people_router
from lianxin.regions.api import router as regions_router
from lianxin.reports.api import router as reports_router

# ninja builds the OpenAPI components with this generator (a module global, no setting for it):
# ours names enums by their class path (ParcelStatus, ProjectStatus) instead of a shared "Status".
assert ninja.openapi.schema.NinjaGenerateJsonSchema.__name__ == "NinjaGenerateJsonSchema"
ninja.openapi.schema.NinjaGenerateJsonSchema = DistinctNamesJsonSchema


def _api_user(request):
    """A bearer token's user, or the session's once past its one-time password; else None."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        user = api_token_authenticate(token.strip())
        if user is not None:
            return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not user.must_change_password:
        return user
    return None


def _docs_login_required(view):
    """The description of the API and its page are for signed-in users (session or token), like the API."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if _api_user(request) is None:
            if request.path.endswith("openapi.json"):
                return api.create_response(
                    request, error_body(_("请先登录,或提供有效的API令牌"), "not_authenticated"), status=401
                )
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Lianxin 连心桥 API",
    version="1",
    auth=[ApiTokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=_docs_login_required,
    parser=CleanTextParser(),
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
api.add_router("/party/", party_router)
api.add_router("/livelihood/", livelihood_router)
api.add_router("/reports/", reports_router)
install_error_handlers(api)
document_errors(api)
