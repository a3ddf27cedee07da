"""The workbench import page and the ``geo-import`` command."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from infostrada.accounts.roles import Role
from infostrada.audit.models import AuditEvent
from infostrada.geo.models import Feature, Parcel, Plan
from infostrada.geo.tests.data.import_samples import EgibFile, app_general_plan
from infostrada.testing import official

pytestmark = pytest.mark.django_db


@pytest.fixture
def gis_client(client, lubicz):  # type: ignore[no-untyped-def]
    client.force_login(official(lubicz, Role.GIS_OPERATOR, username="lubicz.gis"))
    return client


def url(unit) -> str:  # type: ignore[no-untyped-def]
    return reverse("geo_import:import", kwargs={"unit_slug": unit.slug})


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_page_shows_the_form(gis_client, lubicz):
    response = gis_client.get(url(lubicz))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body and 'name="zones_file"' in body


def test_an_upload_imports_and_shows_the_report(gis_client, lubicz):
    response = gis_client.post(
        url(lubicz), {"kind": "egib", "file": upload("dzialki.gml", EgibFile().xml())}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report.sections["parcels"].created == 4
    body = response.content.decode()
    assert 'id="report"' in body and "dzialki.gml" in body
    assert Parcel.objects.for_unit(lubicz).count() == 4
    # "Updated" is a count in the report and a date in the layer list (msgctxt)
    assert '<th scope="col">Zaktualizowane</th>' in body
    layers = gis_client.get(url(lubicz)).content.decode()
    assert '<th scope="col">Ostatnia zmiana</th>' in layers


def test_problems_are_listed_with_the_identifier(gis_client, lubicz):
    sample = EgibFile()
    sample.parcels[1].id = "041508_2.0001.9"
    response = gis_client.post(url(lubicz), {"kind": "egib", "file": upload("d.gml", sample.xml())})
    body = response.content.decode()
    assert "041508_2.0001.9" in body and Parcel.objects.for_unit(lubicz).count() == 3


def test_a_refused_file_is_an_error_next_to_the_field_and_changes_nothing(gis_client, lubicz):
    response = gis_client.post(
        url(lubicz), {"kind": "app", "file": upload("egib.gml", EgibFile().xml())}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'class="field-error"' in response.content.decode()
    assert not Plan.objects.for_unit(lubicz).exists()
    assert not Feature.objects.for_unit(lubicz).exists()


def test_a_check_only_upload_saves_nothing(gis_client, lubicz):
    response = gis_client.post(
        url(lubicz),
        {"kind": "app", "file": upload("pog.gml", app_general_plan()), "dry_run": "on"},
    )
    assert response.context["report"].sections["zones"].created == 5
    assert not Plan.objects.for_unit(lubicz).exists()


def test_officials_without_the_gis_role_are_refused(client, lubicz):
    client.force_login(official(lubicz, Role.CASE_OFFICER, username="lubicz.referent"))
    assert client.get(url(lubicz)).status_code == 403


def test_the_command_prints_the_report(lubicz, tmp_path):
    path = tmp_path / "egib.gml"
    path.write_bytes(EgibFile().xml())
    out = io.StringIO()
    call_command("geo_import", str(path), "--unit", "lubicz", "--kind", "egib", stdout=out)
    text = out.getvalue()
    assert "Import of egib.gml" in text and "parcels" in text
    assert Parcel.objects.for_unit(lubicz).count() == 4
    event = AuditEvent.objects.filter(unit=lubicz, action="geo.import.egib").get()
    assert event.actor_kind == "system"

    bad = tmp_path / "bad.gml"
    bad.write_bytes(b"<not-closed>")
    with pytest.raises(CommandError, match="not well-formed"):
        call_command("geo_import", str(bad), "--unit", "lubicz", "--kind", "egib")


def test_an_operator_deletes_a_layer_after_confirming_and_it_is_audited(gis_client, lubicz):
    gis_client.post(url(lubicz), {"kind": "egib", "file": upload("dzialki.gml", EgibFile().xml())})
    page = gis_client.get(url(lubicz)).content.decode()
    delete = reverse(
        "geo_import:delete_layer", kwargs={"unit_slug": lubicz.slug, "layer_slug": "dzialki"}
    )
    assert f'href="{delete}"' in page
    asked = gis_client.get(delete)
    assert asked.status_code == 200
    assert "usunięte 4 działki ewidencyjne" in asked.content.decode()  # the official reads Polish
    # a wrong confirmation changes nothing
    assert gis_client.post(delete, {"confirm": "x"}).status_code == 400
    assert Parcel.objects.for_unit(lubicz).count() == 4
    done = gis_client.post(delete, {"confirm": "dzialki"})
    assert done.status_code == 302
    assert not Parcel.objects.for_unit(lubicz).exists()
    assert not Feature.objects.for_unit(lubicz).filter(layer__slug="dzialki").exists()
    event = AuditEvent.objects.for_unit(lubicz).get(action="geo.layer.deleted")
    assert event.changes["features"] == 4 and event.changes["parcels"] == 4
    assert gis_client.get(delete).status_code == 404


def test_only_a_gis_operator_of_the_unit_deletes_a_layer(client, lubicz, nieszawka):
    client.force_login(official(nieszawka, Role.GIS_OPERATOR, username="nieszawka.gis"))
    delete = reverse(
        "geo_import:delete_layer", kwargs={"unit_slug": lubicz.slug, "layer_slug": "dzialki"}
    )
    assert client.post(delete, {"confirm": "dzialki"}).status_code in (403, 404)


def test_deleting_a_plan_layer_takes_its_plans_and_zones(gis_client, lubicz):
    gis_client.post(url(lubicz), {"kind": "app", "file": upload("pog.gml", app_general_plan())})
    plan = Plan.objects.for_unit(lubicz).get()
    slug = plan.layer.slug
    delete = reverse(
        "geo_import:delete_layer", kwargs={"unit_slug": lubicz.slug, "layer_slug": slug}
    )
    assert plan.title in gis_client.get(delete).content.decode()
    assert gis_client.post(delete, {"confirm": slug}).status_code == 302
    assert not Plan.objects.for_unit(lubicz).exists()
    assert not Feature.objects.for_unit(lubicz).filter(layer__slug=slug).exists()
