"""Factories shared by the test suites of every context (factory_boy)."""

from __future__ import annotations

import factory

from infostrada.accounts.models import Membership, User
from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import parse_terc

DEMO_PASSWORD = "Wiosna-Torun-2026!"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("teryt",)

    teryt = factory.Sequence(lambda n: f"04{(n % 19) + 1:02d}{(n // 19) % 99 + 1:02d}2")
    kind = factory.LazyAttribute(lambda o: parse_terc(o.teryt).kind if o.teryt else "partner")
    name = factory.Sequence(lambda n: f"Gmina testowa {n}")
    official_name = factory.LazyAttribute(lambda o: f"Gmina {o.name}")
    slug = factory.Sequence(lambda n: f"gmina-testowa-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"urzednik{n}")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Testowa{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    kind = User.Kind.OFFICIAL
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        if create:
            instance.save()


def official(unit: Unit, *roles: str, username: str | None = None) -> User:
    """An official holding ``roles`` in ``unit``."""
    existing = User.objects.filter(username=username).first() if username else None
    user = existing or (UserFactory(username=username) if username else UserFactory())
    for role in roles:
        Membership.objects.for_unit(unit).get_or_create(user=user, unit=unit, role=role)
    return user
