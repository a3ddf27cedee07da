"""The resident's letters: what offices delivered to their account on the portal."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from infostrada.accounts.access import account
from infostrada.accounts.services import actor_for_user
from infostrada.documents.services import dispatch


def _citizen(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != "citizen":
        raise PermissionDenied("residents only")


@account
def letters(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _citizen(request)
    items = list(dispatch.citizen_letters(request.user)[:200])
    return render(request, "documents/citizen_letters.html", {"items": items})


@account
def letter(request: HttpRequest, letter_id: int) -> HttpResponse:
    """GET shows what the letter is; POST opens it (that is the delivery) and downloads it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _citizen(request)
    item = dispatch.citizen_letters(request.user).filter(pk=letter_id).first()
    if item is None:
        raise Http404("no such letter")
    if request.method != "POST":
        return render(request, "documents/citizen_letter.html", {"item": item})
    item, content = dispatch.open_delivery(actor=actor_for_user(request.user), item=item)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"pismo-{item.number}-{item.year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
