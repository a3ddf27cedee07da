"""Cases (sprawy), the spis spraw that numbers them, parties and history.

A case's signature is ``DEPT.JRWA.NUMBER.YEAR`` (instrukcja kancelaryjna
§ 53), e.g. ``ZP.6730.12.2026``: the department's symbol, the JRWA class, the
next number in that department's spis spraw for the class and year, and the
year the case was opened.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada.audit.labels import system_actor_label
from infostrada.documents.models.correspondence import Correspondent
from infostrada.tenancy.scoping import TenantManager


class CaseList(models.Model):
    """Spis spraw: the cases of one department in one JRWA class in one year.

    ``last_number`` is the counter that makes case numbers gap-free: it is
    locked and incremented in the transaction that creates the case.
    """

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "documents.Department", on_delete=models.PROTECT, related_name="case_lists"
    )
    file_class = models.ForeignKey(
        "documents.FileClass", on_delete=models.PROTECT, related_name="case_lists"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        verbose_name = _("spis spraw")
        verbose_name_plural = _("spisy spraw")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "department", "file_class", "year"], name="case_list_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department_id}.{self.file_class_id}.{self.year}"


class DeadlineKind(models.TextChoices):
    """KPA art. 35 § 3: a month, or two months for a particularly complex case."""

    ONE_MONTH = "one_month", _("one month (KPA art. 35 § 3)")
    TWO_MONTHS = "two_months", _("two months, complex case (KPA art. 35 § 3)")
    IMMEDIATE = "immediate", _("without delay (KPA art. 35 § 2)")
    CUSTOM = "custom", _("a date set by a special provision")
    NONE = "none", _("no statutory deadline")


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")

    class ArchiveStatus(models.TextChoices):
        IN_DEPARTMENT = "in_department", _("in the department")
        IN_ARCHIVE = "in_archive", _("in the office's archive")
        TRANSFERRING = "transferring", _("transferred, receipt not yet confirmed")
        TRANSFERRED = "transferred", _("transferred to the state archive")
        DISPOSED = "disposed", _("destroyed after disposal approval")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="cases")
    case_list = models.ForeignKey(CaseList, on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(
        "documents.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    file_class = models.ForeignKey(
        "documents.FileClass",
        verbose_name=_("JRWA class"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    number = models.PositiveIntegerField(_("number"))
    year = models.PositiveSmallIntegerField(_("year"))
    signature = models.CharField(_("case signature"), max_length=40)
    # Copies taken when the case is opened: a later change of the JRWA never
    # rewrites a case (issue: "changing the scheme never rewrites closed cases").
    class_symbol = models.CharField(max_length=4)
    class_title = models.CharField(max_length=300)
    category = models.CharField(_("archival category"), max_length=6)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(_("proceedings started on"))
    deadline_kind = models.CharField(
        _("deadline"), max_length=16, choices=DeadlineKind.choices, default=DeadlineKind.ONE_MONTH
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    suspended_since = models.DateField(_("suspended since"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(_("days suspended"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_note = models.CharField(_("how the case was settled"), max_length=500, blank=True)
    retention_until = models.DateField(_("kept until"), null=True, blank=True)
    archive_status = models.CharField(
        _("archive"),
        max_length=16,
        choices=ArchiveStatus.choices,
        default=ArchiveStatus.IN_DEPARTMENT,
    )
    last_document_position = models.PositiveIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "signature"], name="case_signature"),
            models.UniqueConstraint(fields=["case_list", "number"], name="case_number_in_list"),
        ]
        indexes = [
            models.Index(fields=["unit", "department", "status"], name="case_department"),
            models.Index(fields=["unit", "assignee", "status"], name="case_assignee"),
            models.Index(fields=["unit", "status", "deadline"], name="case_deadline"),
            models.Index(fields=["unit", "archive_status", "retention_until"], name="case_archive"),
        ]

    def __str__(self) -> str:
        return f"{self.signature} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class CaseParty(Correspondent):
    """A party to the case (strona) or another participant."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("applicant")
        PARTY = "party", _("party")
        PARTICIPANT = "participant", _("other participant")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role in the case"), max_length=16, choices=Role.choices)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident's portal account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.correspondent_name


class CaseRelation(models.Model):
    """Cases that belong together (an appeal, a continuation, a related matter)."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "related"], name="case_relation_once"),
            models.CheckConstraint(
                condition=~models.Q(case=models.F("related")), name="case_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.related_id}"


class Assignment(models.Model):
    """Dekretacja: an item or a case routed to a department or an official."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for acceptance")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")
        FORWARDED = "forwarded", _("forwarded")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        "documents.IncomingItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    department = models.ForeignKey(
        "documents.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    instruction = models.CharField(_("instruction"), max_length=1000, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("assigned at"))
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=False) | models.Q(case__isnull=False),
                name="assignment_has_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) | models.Q(assignee__isnull=False),
                name="assignment_has_target",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "assignee", "status"], name="assignment_inbox"),
            models.Index(fields=["unit", "department", "status"], name="assignment_department"),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.status}"

    @property
    def sent_by(self) -> str:
        """Who routed it, in words: the official, or the system that routed it on its own.

        Only the intake routes without a person (an electronic submission such
        as a zoning-extract request goes straight to its department), and its
        internal name (``intake:zoning-extract``) means nothing to an official.
        """
        if self.assigned_by_id is not None:
            user = self.assigned_by
            return user.get_full_name() or user.get_username()
        electronic = self.item_id is not None and bool(self.item.source_system)
        return system_actor_label("intake:" if electronic else "")


class CaseEvent(models.Model):
    """Metryka sprawy: who did what with a case or an item, shown to officials.

    The audit log proves the same facts tamper-evidently; this table is the
    case history as the instrukcja kancelaryjna wants officials to read it.
    """

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    item = models.ForeignKey(
        "documents.IncomingItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    at = models.DateTimeField()
    actor_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=500)

    objects = TenantManager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
