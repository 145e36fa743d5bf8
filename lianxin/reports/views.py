from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors
from .work import home_work


@login_required
def home(request):
    """The park overview (园区概况); roles without the dashboard permission see their own work entries only."""
    context = {}
    if request.user.has_perm("accounts.view_dashboard"):
        overview = selectors.park_overview(user=request.user)
        context = {"overview": overview}
        if overview.population is not None:
            context["chart_population"] = selectors.population_by_village_group(user=request.user)
        if not overview.public:  # one enterprise's output is not a public figure: only within the user's scope
            context["chart_output"] = selectors.output_by_enterprise(user=request.user, year=overview.indicator_year)
    context["work"] = home_work(user=request.user)  # every role: its 待办 and key counts (issue 10)
    return render(request, "reports/home.html", context)
