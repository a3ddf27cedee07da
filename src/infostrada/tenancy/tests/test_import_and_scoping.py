import io

import pytest
from django.core import checks
from django.core.exceptions import ValidationError

from infostrada.accounts.models import Membership
from infostrada.audit.context import Actor
from infostrada.audit.models import AuditEvent
from infostrada.tenancy import services
from infostrada.tenancy.checks import check_tenant_models
from infostrada.tenancy.models import Unit
from infostrada.tenancy.scoping import UnscopedQueryError
from infostrada.testing import official

SYSTEM = Actor.system("test")
HEADER = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"
GOOD = (
    "\ufeff" + HEADER + "04;;;;KUJAWSKO-POMORSKIE;województwo;2025-01-01\n"
    "04;15;;;toruński;powiat;2025-01-01\n"
    "04;15;01;1;Chełmża;gmina miejska;2025-01-01\n"
    "04;15;02;2;Chełmża;gmina wiejska;2025-01-01\n"
    "04;15;04;2;Lubicz;gmina wiejska;2025-01-01\n"
    "04;03;04;3;Koronowo;gmina miejsko-wiejska;2025-01-01\n"
    "04;03;04;4;Koronowo;miasto;2025-01-01\n"
    "04;03;04;5;Koronowo;obszar wiejski;2025-01-01\n"
    "04;03;;;bydgoski;powiat;2025-01-01\n"
    "04;61;;;Bydgoszcz;miasto na prawach powiatu;2025-01-01\n"
    "04;61;01;1;Bydgoszcz;gmina miejska;2025-01-01\n"
)


@pytest.mark.django_db
def test_import_builds_the_hierarchy_and_is_idempotent():
    report = services.import_terc(actor=SYSTEM, stream=io.StringIO(GOOD))
    assert len(report.created) == 8
    assert report.skipped == 3  # two gmina parts and the powiat row of Bydgoszcz
    woj = Unit.objects.get(teryt="04")
    powiat = Unit.objects.get(teryt="0415")
    assert woj.official_name == "Województwo Kujawsko-Pomorskie"
    assert powiat.parent == woj and powiat.slug == "powiat-torunski"
    assert {u.teryt for u in Unit.objects.gminy_of(powiat)} == {"0415011", "0415022", "0415042"}
    bydgoszcz = Unit.objects.get(teryt="0461011")
    assert bydgoszcz.kind == "miasto_na_prawach_powiatu" and bydgoszcz.parent == woj
    # two Chełmża units get distinct slugs; the urban one keeps the plain name
    assert Unit.objects.get(teryt="0415011").slug == "chelmza"
    assert Unit.objects.get(teryt="0415022").slug == "chelmza-gmina-wiejska"
    assert Unit.objects.of_region(woj).count() == 8
    events = AuditEvent.objects.for_unit(powiat).filter(action="tenancy.unit.created").count()
    assert events == 1

    again = services.import_terc(actor=SYSTEM, stream=io.StringIO(GOOD))
    assert again.created == [] and again.updated == [] and again.unchanged == 8
    assert Unit.objects.count() == 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("NAME;CODE\nfoo;bar\n", "Not a TERC file"),
        (HEADER + "04;;;;KUJAWSKO-POMORSKIE;województwo;2025-01-01\n04;15;04;7;X;y;z\n", "line 3"),
        (HEADER + "04;15;04;2;Lubicz;gmina wiejska;2025-01-01\n", "parent unit 0415"),
        (HEADER + "04;;;;KUJAWSKO-POMORSKIE\n", "7 columns"),
        (HEADER + "99;;;;X;województwo;2025-01-01\n", "line 2"),
    ],
)
def test_a_bad_file_is_refused_and_changes_nothing(text, message):
    with pytest.raises(ValidationError) as info:
        services.import_terc(actor=SYSTEM, stream=io.StringIO(text))
    assert message in " ".join(info.value.messages)
    assert Unit.objects.count() == 0
    assert AuditEvent.objects.unscoped("test").count() == 0


def test_unscoped_tenant_queries_fail_loudly(lubicz):
    official(lubicz, "case_officer")
    with pytest.raises(UnscopedQueryError):
        list(Membership.objects.all())
    with pytest.raises(UnscopedQueryError):
        Membership.objects.filter(role="case_officer").count()
    with pytest.raises(UnscopedQueryError):
        Membership.objects.exists()
    assert Membership.objects.for_unit(lubicz).count() == 1
    assert lubicz.memberships.count() == 1  # a related manager filters by unit
    assert Membership.objects.unscoped("test").count() == 1


def test_system_check_finds_a_tenant_model_without_scoped_manager(db):
    from django.db import models

    class Leaky(models.Model):
        unit = models.ForeignKey(Unit, on_delete=models.CASCADE)

        class Meta:
            app_label = "tenancy"

        def __str__(self) -> str:
            return "leaky"

    try:
        ids = [e.id for e in check_tenant_models()]
        assert "tenancy.E001" in ids
    finally:
        from django.apps import apps

        del apps.all_models["tenancy"]["leaky"]
        apps.clear_cache()
    assert check_tenant_models() == []
    assert not [m for m in checks.run_checks() if m.level >= checks.ERROR]


def test_unit_search_by_name_and_terc(region):
    assert [u.slug for u in Unit.objects.search("lubi")] == ["lubicz"]
    assert {u.slug for u in Unit.objects.search("0415")} == {
        "powiat-torunski",
        "lubicz",
        "wielka-nieszawka",
    }


def test_unit_validation_matches_kind_and_code(region):
    unit = Unit(teryt="0415052", kind="gmina_miejska", name="X", official_name="X", slug="x")
    with pytest.raises(ValidationError) as info:
        unit.full_clean()
    assert "kind" in info.value.message_dict
    partner = Unit(teryt="0415052", kind="partner", name="P", official_name="P", slug="p")
    with pytest.raises(ValidationError):
        partner.full_clean()
