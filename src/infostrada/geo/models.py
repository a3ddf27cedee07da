"""Layers and features of the spatial information system, and the cadastre on top.

Geometries are stored as WKB in PUWG 1992 (EPSG:2180, geo.crs) with their
bounding box in four columns. The box is indexed spatially — an R*Tree on
SQLite, a GiST index over ``box(...)`` on PostgreSQL (migration 0002) — so a
map view, a tile or a bbox query reads only the candidates, then checks the
exact geometry with shapely. PostGIS is not needed (DESIGN.md).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from shapely import wkb
from shapely.geometry.base import BaseGeometry

from infostrada.tenancy.scoping import TenantManager

validate_layer_slug = RegexValidator(r"^[a-z0-9][a-z0-9-]{0,62}$", code="invalid_slug")


class Layer(models.Model):
    class Kind(models.TextChoices):
        PARCELS = "parcels", _("cadastral parcels")
        PRECINCTS = "precincts", _("cadastral precincts")
        BUILDINGS = "buildings", _("buildings")
        LOCAL_PLAN = "local_plan", _("local zoning plan (MPZP)")
        GENERAL_PLAN = "general_plan", _("general plan of the municipality")
        OTHER = "other", _("other layer")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="layers")
    slug = models.SlugField(_("identifier"), max_length=63, validators=[validate_layer_slug])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    # [{"name": "symbol", "type": "string", "title": "Symbol"}, ...]
    schema = models.JSONField(_("attributes"), default=list, blank=True)
    # {"fill": "#rrggbb", "stroke": "#rrggbb", "width": 1.0, "opacity": 0.4,
    #  "by": "symbol", "classes": {"MN": {"fill": "#...", "label": "..."}}}
    style = models.JSONField(_("style"), default=dict, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    is_regional = models.BooleanField(_("shown region-wide"), default=False)
    feature_count = models.PositiveIntegerField(default=0)
    minx = models.FloatField(null=True, blank=True)
    miny = models.FloatField(null=True, blank=True)
    maxx = models.FloatField(null=True, blank=True)
    maxy = models.FloatField(null=True, blank=True)
    attribution = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("layer")
        verbose_name_plural = _("layers")
        ordering = ["unit_id", "title"]
        constraints = [models.UniqueConstraint(fields=["unit", "slug"], name="layer_slug")]

    def __str__(self) -> str:
        return self.title

    @property
    def extent(self) -> tuple[float, float, float, float] | None:
        if self.minx is None:
            return None
        return (self.minx, self.miny, self.maxx, self.maxy)  # type: ignore[return-value]


class Feature(models.Model):
    """One object of a layer: its source identifier, attributes and geometry."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="features")
    fid = models.CharField(_("identifier"), max_length=120)
    properties = models.JSONField(default=dict, blank=True)
    geom = models.BinaryField()  # WKB, EPSG:2180
    minx = models.FloatField()
    miny = models.FloatField()
    maxx = models.FloatField()
    maxy = models.FloatField()
    area = models.FloatField(null=True, blank=True)  # m², of the stored geometry
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("feature")
        verbose_name_plural = _("features")
        constraints = [models.UniqueConstraint(fields=["layer", "fid"], name="feature_fid")]

    def __str__(self) -> str:
        return self.fid

    @property
    def geometry(self) -> BaseGeometry:
        return wkb.loads(bytes(self.geom))


class Precinct(models.Model):
    """Obręb ewidencyjny."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    feature = models.OneToOneField(Feature, on_delete=models.CASCADE, related_name="precinct")
    identifier = models.CharField(_("identifier"), max_length=20)  # WWPPGG_R.OOOO
    name = models.CharField(_("name"), max_length=200)

    objects = TenantManager()

    class Meta:
        verbose_name = _("cadastral precinct")
        verbose_name_plural = _("cadastral precincts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "identifier"], name="precinct_identifier")
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"


class Parcel(models.Model):
    """Działka ewidencyjna, with the facts the register states about it."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="parcels")
    feature = models.OneToOneField(Feature, on_delete=models.CASCADE, related_name="parcel")
    identifier = models.CharField(_("parcel identifier"), max_length=40)
    precinct = models.CharField(_("precinct"), max_length=20)  # WWPPGG_R.OOOO
    number = models.CharField(_("parcel number"), max_length=20)
    area = models.DecimalField(
        _("area in the register (m²)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        constraints = [
            models.UniqueConstraint(fields=["unit", "identifier"], name="parcel_identifier")
        ]
        indexes = [
            models.Index(fields=["unit", "precinct", "number"], name="parcel_precinct_number"),
            models.Index(fields=["unit", "address"], name="parcel_address"),
        ]

    def __str__(self) -> str:
        return self.identifier


class Plan(models.Model):
    """A planning act: a local plan (MPZP) or the general plan (plan ogólny)."""

    class Kind(models.TextChoices):
        LOCAL = "local", _("local zoning plan (MPZP)")
        GENERAL = "general", _("general plan of the municipality")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    app_id = models.CharField(_("APP identifier (IIP)"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    in_force = models.BooleanField(_("in force"), default=True)
    layer = models.ForeignKey(Layer, on_delete=models.PROTECT, related_name="plans")

    objects = TenantManager()

    class Meta:
        verbose_name = _("planning act")
        verbose_name_plural = _("planning acts")
        constraints = [models.UniqueConstraint(fields=["unit", "app_id"], name="plan_app_id")]

    def __str__(self) -> str:
        return self.title


class PlanZone(models.Model):
    """A zone of a plan (teren / strefa planistyczna) with its provisions."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="zones")
    feature = models.OneToOneField(Feature, on_delete=models.CASCADE, related_name="zone")
    symbol = models.CharField(_("symbol"), max_length=40)  # e.g. 1MN, ZP, SW
    designation = models.CharField(_("designation"), max_length=300)
    zone_type = models.CharField(_("zone type"), max_length=60, blank=True)
    provisions = models.TextField(_("provisions"), blank=True, max_length=50_000)

    objects = TenantManager()

    class Meta:
        verbose_name = _("plan zone")
        verbose_name_plural = _("plan zones")

    def __str__(self) -> str:
        return f"{self.symbol} {self.designation}"


class SubmissionQuota(models.Model):
    """How many anonymous submissions one key made in one window (geo.ratelimit).

    Kept in the database, not in a process, so that every worker on every
    machine counts against the same budget. ``key`` names the budget and the
    client or unit (a client address only as a hash); it holds no tenant data.
    """

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="quota_key_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="quota_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
