"""Report pages. Commissioners see aggregates only (SPEC §7)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def index(request):
    return render(request, "reports/index.html")
