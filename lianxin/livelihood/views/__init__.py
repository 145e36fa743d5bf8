"""Pages of the livelihood module (民生发展), thin: a form or filters, one service or selector, a template."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .. import selectors


@login_required
def home(request):
    """The module's overview: the four figures of the home page and the way into each ledger."""
    figures = selectors.home_figures(user=request.user)
    if figures is None:
        raise PermissionDenied
    return render(request, "livelihood/home.html", {"figures": figures})
