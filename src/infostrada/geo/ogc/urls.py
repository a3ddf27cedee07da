"""OGC services at /ogc/: OGC API - Features and Tiles, WMS 1.3.0 (see views.py).

Path parameters: ``collection_id`` (``<unit-slug>.<layer-slug>``),
``feature_id`` (may contain '/', e.g. parcel numbers), ``tile_matrix_set_id``
(``WebMercatorQuad``), ``z``, ``x``, ``y`` (tile zoom, column, row; parsed by
the view so that a bad or negative number gets a clear error).
"""

from django.urls import path

from infostrada.geo.ogc import views

app_name = "ogc"

COLLECTION = "collections/<str:collection_id>"

urlpatterns = [
    path("", views.landing_page, name="landing"),
    path("conformance", views.conformance, name="conformance"),
    path("api", views.api, name="api"),
    path("collections", views.collections, name="collections"),
    path(COLLECTION, views.collection, name="collection"),
    path(f"{COLLECTION}/queryables", views.queryables, name="queryables"),
    path(f"{COLLECTION}/items", views.items, name="items"),
    path(f"{COLLECTION}/items/<path:feature_id>", views.item, name="item"),
    path(f"{COLLECTION}/tiles", views.tilesets, name="tilesets"),
    path(f"{COLLECTION}/tiles/<str:tile_matrix_set_id>", views.tileset, name="tileset"),
    path(
        f"{COLLECTION}/tiles/<str:tile_matrix_set_id>/<str:z>/<str:x>/<str:y>",
        views.tile,
        name="tile",
    ),
    path("tileMatrixSets", views.tile_matrix_sets, name="tile_matrix_sets"),
    path("tileMatrixSets/<str:tile_matrix_set_id>", views.tile_matrix_set, name="tile_matrix_set"),
    path("wms", views.wms_service, name="wms"),
]
