from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A Chinese page instead of Django's English CSRF notice (usually an expired form after idle logout)."""
    return render(request, "403_csrf.html", status=403)
