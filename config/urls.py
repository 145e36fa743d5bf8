from django.urls import include, path
from django.views.i18n import set_language

from .api import api

urlpatterns = [
    path("", include("lianxin.reports.urls")),
    path("", include("lianxin.core.urls")),
    path("accounts/", include("lianxin.accounts.urls")),
    path("regions/", include("lianxin.regions.urls")),
    path("people/", include("lianxin.people.urls")),
    path("enterprises/", include("lianxin.enterprises.urls")),
    path("imports/", include("lianxin.imports.urls")),
    path("land/", include("lianxin.land.urls")),
    path("cases/", include("lianxin.cases.urls")),
    path("party/", include("lianxin.party.urls")),
    path("livelihood/", include("lianxin.livelihood.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]
