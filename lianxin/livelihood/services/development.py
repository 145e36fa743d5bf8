"""Writes of trainings, businesses, insurance and village development: skills trainings with attendance, small
businesses (个体经营), social insurance (社会保险, 低保), village projects with their fund sources, village–enterprise
pairings with milestones, and village indicators with targets."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.enterprises.models import Enterprise
from lianxin.people.models import Person
from lianxin.regions.models import Region

from ..models import (
    Business,
    FundContribution,
    InsuranceEnrolment,
    Pairing,
    PairingMilestone,
    ProjectDocument,
    SkillsTraining,
    TrainingAttendance,
    VillageIndicator,
    VillageProject,
)
from .common import require, require_in_scope, require_region


def training_create(
    *,
    actor,
    region: Region,
    course: str,
    provider: str,
    hours: Decimal,
    starts_on: date,
    ends_on: date,
    skill: str = "",
    certificate: str = "",
) -> SkillsTraining:
    """A skills training course (技能培训)."""
    require(actor, "livelihood.add_skillstraining")
    require_region(actor, region, field="region")
    if ends_on < starts_on:
        raise DomainError(_("结束日期不能早于开始日期"), field="ends_on")
    if hours is None or hours <= 0:
        raise DomainError(_("学时必须大于0"), field="hours")
    with transaction.atomic(), acting_as(actor):
        training = SkillsTraining(
            region=region,
            course=course.strip(),
            provider=provider.strip(),
            hours=hours,
            starts_on=starts_on,
            ends_on=ends_on,
            skill=skill.strip(),
            certificate=certificate.strip(),
        )
        training.full_clean()
        training.save()
    return training


def attendance_record(
    *, actor, training: SkillsTraining, person: Person, completed: bool, certificate_no: str = ""
) -> TrainingAttendance:
    """A person on a course: completed or not; a certificate number only for those who completed."""
    require(actor, "livelihood.add_trainingattendance")
    require_in_scope(actor, person, field="person", label=_("该人员"))
    if certificate_no.strip() and not completed:
        raise DomainError(_("未结业的学员不能登记证书编号"), field="certificate_no")
    with transaction.atomic(), acting_as(actor):
        row = TrainingAttendance.objects.filter(training=training, person=person).first() or TrainingAttendance(
            training=training, person=person
        )
        row.village_group_id = person.household.village_group_id
        row.completed = completed
        row.certificate_no = certificate_no.strip()
        row.full_clean()
        row.save()
    return row


def business_register(
    *,
    actor,
    owner: Person,
    kind: str,
    name: str,
    opened_on: date,
    income_band: str,
    employees: int = 1,
    support: str = "",
) -> Business:
    """A small business a farmer opened (个体经营)."""
    require(actor, "livelihood.add_business")
    require_in_scope(actor, owner, field="owner", label=_("经营者"))
    if kind not in Business.Kind.values:
        raise DomainError(_("请选择经营类型"), field="kind")
    with transaction.atomic(), acting_as(actor):
        business = Business(
            owner=owner,
            village_group_id=owner.household.village_group_id,
            kind=kind,
            name=name.strip(),
            opened_on=opened_on,
            income_band=income_band,
            employees=employees,
            support=support.strip(),
        )
        business.full_clean()
        business.save()
    return business


def insurance_enrol(
    *,
    actor,
    person: Person,
    enrolled_on: date,
    government_share: Decimal,
    collective_share: Decimal,
    individual_share: Decimal,
    status: str = InsuranceEnrolment.Status.CONTRIBUTING,
    minimum_income_support: bool = False,
) -> InsuranceEnrolment:
    """Enrol (or update) a person in the landless farmers' insurance: the government, collective and individual
    shares of the contribution (政府、集体、个人分担), the status and the 低保 flag."""
    require(actor, "livelihood.add_insuranceenrolment")
    require_in_scope(actor, person, field="person", label=_("该人员"))
    for field, value, label in (
        ("government_share", government_share, _("政府补贴")),
        ("collective_share", collective_share, _("集体补助")),
        ("individual_share", individual_share, _("个人缴费")),
    ):
        if value is None or value < 0:
            raise DomainError(_("%(label)s不能为负数") % {"label": label}, field=field)
    with transaction.atomic(), acting_as(actor):
        row = InsuranceEnrolment.objects.filter(person=person).first() or InsuranceEnrolment(person=person)
        row.village_group_id = person.household.village_group_id
        row.enrolled_on = enrolled_on
        row.government_share, row.collective_share = government_share, collective_share
        row.individual_share = individual_share
        row.status = status
        row.minimum_income_support = minimum_income_support
        row.full_clean()
        row.save()
    return row


def village_project_create(
    *,
    actor,
    village: Region,
    name: str,
    kind: str,
    funds: list[tuple[str, Decimal, Enterprise | None]],
    status: str = VillageProject.Status.PLANNED,
    started_on: date | None = None,
    accepted_on: date | None = None,
    pairing: Pairing | None = None,
) -> VillageProject:
    """A village project (新农村建设项目) with its fund sources; the amount is their sum."""
    require(actor, "livelihood.add_villageproject")
    require_region(actor, village, field="village")
    if not funds:
        raise DomainError(_("请至少填写一项资金来源"), field="funds")
    for index, (source, amount, enterprise) in enumerate(funds, start=1):
        if source not in FundContribution.Source.values:
            raise DomainError(_("第%(n)s项资金:请选择资金来源") % {"n": index}, field="funds")
        if amount is None or amount <= 0:
            raise DomainError(_("第%(n)s项资金:金额必须大于0") % {"n": index}, field="funds")
        if source == FundContribution.Source.ENTERPRISE and enterprise is None:
            raise DomainError(_("第%(n)s项资金:企业出资须注明企业") % {"n": index}, field="funds")
    if status == VillageProject.Status.ACCEPTED and accepted_on is None:
        raise DomainError(_("已验收的项目须填写验收日期"), field="accepted_on")
    with transaction.atomic(), acting_as(actor):
        project = VillageProject(
            village=village,
            name=name.strip(),
            kind=kind,
            status=status,
            started_on=started_on,
            accepted_on=accepted_on,
            pairing=pairing,
        )
        project.full_clean()
        project.save()
        for source, amount, enterprise in funds:
            fund = FundContribution(project=project, source=source, amount=amount, enterprise=enterprise)
            fund.full_clean()
            fund.save()
        # SQLite's SUM is a double: back to yuan and fen
        project.amount = (project.funds.aggregate(s=Sum("amount"))["s"] or Decimal("0")).quantize(Decimal("0.01"))
        project.save(update_fields=["amount", "updated_at"])
    return project


def village_project_status(*, actor, project: VillageProject, status: str, on: date | None = None) -> VillageProject:
    """Move a project on (计划 → 在建 → 完工 → 已验收); acceptance needs its date."""
    require(actor, "livelihood.change_villageproject")
    require_in_scope(actor, project, field="project", label=_("该项目"))
    order = list(VillageProject.Status.values)
    if status not in order or order.index(status) < order.index(project.status):
        raise DomainError(_("项目状态只能向前推进"), field="status")
    if status == VillageProject.Status.ACCEPTED and on is None:
        raise DomainError(_("已验收的项目须填写验收日期"), field="accepted_on")
    with transaction.atomic(), acting_as(actor):
        project.status = status
        if status == VillageProject.Status.UNDER_CONSTRUCTION and project.started_on is None:
            project.started_on = on
        if status == VillageProject.Status.ACCEPTED:
            project.accepted_on = on
        project.full_clean()
        project.save()
    return project


def pairing_create(
    *,
    actor,
    enterprise: Enterprise,
    village: Region,
    commitment: str,
    amount: Decimal,
    signed_on: date,
    milestones: list[tuple[str, date]] = (),
) -> Pairing:
    """A village–enterprise pairing (村企结对) with its planned milestones."""
    require(actor, "livelihood.add_pairing")
    require_region(actor, village, field="village")
    if amount is None or amount < 0:
        raise DomainError(_("承诺金额不能为负数"), field="amount")
    with transaction.atomic(), acting_as(actor):
        pairing = Pairing(
            enterprise=enterprise, village=village, commitment=commitment.strip(), amount=amount, signed_on=signed_on
        )
        pairing.full_clean()
        pairing.save()
        for name, planned_on in milestones:
            milestone = PairingMilestone(pairing=pairing, name=name.strip(), planned_on=planned_on)
            milestone.full_clean()
            milestone.save()
    return pairing


def milestone_done(*, actor, milestone: PairingMilestone, done_on: date) -> PairingMilestone:
    """A pairing milestone reached; the pairing is fulfilled once every milestone is."""
    require(actor, "livelihood.change_pairingmilestone")
    require_in_scope(actor, milestone.pairing, field="milestone", label=_("该结对"))
    if done_on < milestone.pairing.signed_on:
        raise DomainError(_("完成日期不能早于结对日期"), field="done_on")
    with transaction.atomic(), acting_as(actor):
        milestone.done_on = done_on
        milestone.full_clean()
        milestone.save()
        pairing = milestone.pairing
        pending = pairing.milestones.filter(done_on__isnull=True).exists()
        pairing.status = Pairing.Status.IN_PROGRESS if pending else Pairing.Status.FULFILLED
        pairing.save(update_fields=["status", "updated_at"])
    return milestone


def indicator_set(
    *,
    actor,
    region: Region,
    year: int,
    indicator: str,
    target: Decimal | None = None,
    actual: Decimal | None = None,
) -> VillageIndicator:
    """The target and/or actual of one village indicator in one year (村级发展指标); a missing value keeps the
    stored one."""
    require(actor, "livelihood.add_villageindicator")
    require_region(actor, region, field="region")
    if indicator not in VillageIndicator.Indicator.values:
        raise DomainError(_("请选择指标"), field="indicator")
    if target is None and actual is None:
        raise DomainError(_("目标和实绩至少填写一项"), field="target")
    for field, value in (("target", target), ("actual", actual)):
        if value is not None and value < 0:
            raise DomainError(_("指标值不能为负数"), field=field)
    with transaction.atomic(), acting_as(actor):
        row = VillageIndicator.objects.filter(region=region, year=year, indicator=indicator).first()
        row = row or VillageIndicator(region=region, year=year, indicator=indicator)
        if target is not None:
            row.target = target
        if actual is not None:
            row.actual = actual
        row.full_clean()
        row.save()
    return row


DEFAULT_DOCUMENT_MAX_BYTES = 10 * 2**20


def project_document_add(*, actor, project: VillageProject, upload, title: str = "") -> ProjectDocument:
    """Attach a document or photo to a village project (项目资料): JPEG, PNG or PDF by its content, at most
    ``LIANXIN_PROJECT_DOCUMENT_MAX_BYTES`` (10 MB)."""
    from django.conf import settings

    from lianxin.cases.services import sniff_content_type

    require(actor, "livelihood.change_villageproject")
    require_in_scope(actor, project, field="project", label=_("该项目"))
    if upload is None:
        raise DomainError(_("请选择文件"), field="file")
    limit = getattr(settings, "LIANXIN_PROJECT_DOCUMENT_MAX_BYTES", DEFAULT_DOCUMENT_MAX_BYTES)
    if upload.size > limit:
        raise DomainError(
            _("文件“%(name)s”超过%(mb)sMB的上限") % {"name": upload.name, "mb": limit // 2**20}, field="file"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head, upload.name)
    document = ProjectDocument(
        project=project,
        title=(title or "").strip(),
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    with transaction.atomic(), acting_as(actor):
        document.file.save(f"{secrets.token_hex(8)}{extension}", upload, save=False)
        document.full_clean()
        document.save()
    return document
