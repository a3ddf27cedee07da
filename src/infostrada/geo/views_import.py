"""The GIS operator's import page: upload a file, read the validation report.

``/urzad/<unit>/geoportal/import/``: one form for the three kinds of data
(cadastre, planning acts, other layers). The report is shown on the page that
answers the upload; the audit log keeps its counts. A refused file is shown
as the form's error, with the report of what was found where there is one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infostrada.accounts.access import official, workbench_context
from infostrada.accounts.roles import GEO_EDIT
from infostrada.geo.importers import (
    ImportRefused,
    ImportReport,
    ZoneMapping,
    import_app,
    import_egib,
    import_vector,
)
from infostrada.geo.importers.vector import MAX_IMPORT_BYTES
from infostrada.geo.models import Layer, Parcel, Plan, validate_layer_slug
from infostrada.geo.services import delete_layer as delete_layer_service

CRS_CHOICES = [
    ("", _("as the file states it")),
    ("EPSG:2180", _("PUWG 1992 (EPSG:2180)")),
    ("EPSG:2176", _("PUWG 2000 zone 5 (EPSG:2176)")),
    ("EPSG:2177", _("PUWG 2000 zone 6 (EPSG:2177)")),
    ("EPSG:2178", _("PUWG 2000 zone 7 (EPSG:2178)")),
    ("EPSG:2179", _("PUWG 2000 zone 8 (EPSG:2179)")),
    ("OGC:CRS84", _("WGS 84 longitude/latitude (CRS84)")),
]
LAYER_LIMIT = 200


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of data"),
        choices=[
            ("egib", _("Cadastre: EGiB GML (parcels, precincts, buildings)")),
            ("app", _("Planning act: APP GML (local plan or general plan)")),
            ("vector", _("Other layer: Shapefile in a ZIP, GeoPackage, GeoJSON or GML")),
        ],
    )
    file = forms.FileField(label=_("File"))
    crs = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=CRS_CHOICES,
        required=False,
        help_text=_(
            "Only for files that do not state it (a Shapefile without .prj, GML without "
            "srsName). For a Shapefile, GeoPackage or GeoJSON it also replaces the one the "
            "file states."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file and show the report (change nothing)"), required=False
    )
    # other layers
    target = forms.ChoiceField(
        label=_("Import into"),
        choices=[("layer", _("a layer of its own")), ("parcels", _("cadastral parcels"))],
        required=False,
        help_text=_(
            "For other layers. Into parcels, the identifier field holds parcel identifiers."
        ),
    )
    layer_slug = forms.CharField(
        label=_("Layer identifier"),
        max_length=63,
        required=False,
        validators=[validate_layer_slug],
        help_text=_("Lower-case letters, digits and hyphens; by default from the file name."),
    )
    layer_title = forms.CharField(label=_("Layer title"), max_length=200, required=False)
    id_field = forms.CharField(
        label=_("Identifier field"),
        max_length=100,
        required=False,
        help_text=_("The attribute that identifies each feature; by default the file's own."),
    )
    replace = forms.BooleanField(
        label=_("Replace the layer: remove its features that are not in the file"),
        required=False,
        help_text=_(
            "For other layers and parcels. Without it, features missing from the file are "
            "kept; the report counts the removed ones."
        ),
    )
    source_layer = forms.CharField(
        label=_("Layer in the file"),
        max_length=200,
        required=False,
        help_text=_("For a GeoPackage or archive with several layers."),
    )
    # planning acts
    zones_file = forms.FileField(
        label=_("Zone layer of the plan"),
        required=False,
        help_text=_(
            "For a local plan whose zones are not in the APP file: Shapefile (ZIP), "
            "GeoPackage, GeoJSON or GML; or APP zones delivered separately."
        ),
    )
    zone_symbol_field = forms.CharField(
        label=_("Field with the zone symbol"), max_length=100, required=False, initial="symbol"
    )
    zone_designation_field = forms.CharField(
        label=_("Field with the designation"),
        max_length=100,
        required=False,
        initial="przeznaczenie",
    )
    zone_provisions_field = forms.CharField(
        label=_("Field with the provisions"), max_length=100, required=False, initial="ustalenia"
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."),
                code="too_large",
                params={"limit": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if data.get("zones_file") and kind != "app":
            self.add_error("zones_file", _("A zone layer goes with a planning act only."))
        if kind == "vector" and data.get("target") == "parcels" and not data.get("id_field"):
            self.add_error("id_field", _("Name the field that holds the parcel identifiers."))
        return data


def _run(request: HttpRequest, data: dict[str, Any]) -> ImportReport:
    common = {
        "actor": request.actor,  # type: ignore[attr-defined]
        "unit": request.unit,  # type: ignore[attr-defined]
        "data": data["file"],
        "filename": data["file"].name,
        "crs": data["crs"] or None,
        "dry_run": data["dry_run"],
    }
    if data["kind"] == "egib":
        return import_egib(**common)
    if data["kind"] == "app":
        zones = data.get("zones_file")
        return import_app(
            **common,
            zones=zones,
            zones_filename=zones.name if zones else "",
            zone_mapping=ZoneMapping(
                symbol=data["zone_symbol_field"] or "symbol",
                designation=data["zone_designation_field"],
                provisions=data["zone_provisions_field"],
            ),
            zone_id_field=data["id_field"],
        )
    return import_vector(
        **common,
        target=data["target"] or "layer",
        layer_slug=data["layer_slug"],
        layer_title=data["layer_title"],
        id_field=data["id_field"],
        source_layer=data["source_layer"],
        replace=data["replace"],
    )


@official(GEO_EDIT)
def import_data(request: HttpRequest) -> HttpResponse:
    """Upload cadastre, planning or other spatial data and see its validation report."""
    unit = request.unit  # type: ignore[attr-defined]
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = _run(request, form.cleaned_data)
        except ImportRefused as exc:
            form.add_error("file", exc)
            report = exc.report
    layers = Layer.objects.for_unit(unit).order_by("title")[:LAYER_LIMIT]
    context = {
        **workbench_context(request, "geo_import"),
        "form": form,
        "report": report,
        "layers": list(layers),
        "fieldsets": [
            (None, ["kind", "file", "crs", "dry_run"]),
            (
                _("Other layers"),
                ["target", "layer_slug", "layer_title", "id_field", "source_layer", "replace"],
            ),
            (
                _("Planning acts"),
                [
                    "zones_file",
                    "zone_symbol_field",
                    "zone_designation_field",
                    "zone_provisions_field",
                ],
            ),
        ],
    }
    return render(request, "geo/import.html", context)


@official(GEO_EDIT)
def delete_layer(request: HttpRequest, layer_slug: str) -> HttpResponse:
    """Ask, then delete a layer with its features (``POST`` with ``confirm``)."""
    unit = request.unit  # type: ignore[attr-defined]
    layer = Layer.objects.for_unit(unit).filter(slug=layer_slug).first()
    if layer is None:
        raise Http404(layer_slug)
    if request.method == "POST" and request.POST.get("confirm") == layer.slug:
        removed = delete_layer_service(
            actor=request.actor,  # type: ignore[attr-defined]
            unit=unit,
            layer=layer,
        )
        messages.success(
            request,
            gettext("The layer %(title)s was deleted with its %(count)s features.")
            % {"title": removed["title"], "count": removed["features"]},
        )
        return redirect("geo_import:import", unit_slug=unit.slug)
    return render(
        request,
        "geo/delete_layer.html",
        {
            **workbench_context(request, "geo_import"),
            "layer": layer,
            "plans": Plan.objects.for_unit(unit).filter(layer=layer)[:20],
            "parcels": Parcel.objects.for_unit(unit).filter(feature__layer=layer).count(),
            "asked": request.method == "POST",
        },
        status=400 if request.method == "POST" else 200,
    )
