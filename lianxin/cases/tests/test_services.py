"""Clocks, suspension, integrity reports and their visibility, ratings, files: through the services."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.cases import selectors, services
from lianxin.cases.models import Case, CaseSuspension
from lianxin.core.errors import DomainError

from . import factories

State = Case.State


def _accept(case, actor, on, **kwargs):
    return services.case_transition(case=case, to_state=State.ACCEPTED, actor=actor, on=on, **kwargs)


def test_deadline_skips_spring_festival_and_counts_the_make_up_saturday(handler, liaison, enterprise_in_town):
    # given a request with a 5-working-day promise, accepted on Thursday 12 Feb 2026 before the Spring Festival
    item = factories.service_item("施工许可协调", days=5)
    case = factories.enterprise_request(liaison, enterprise_in_town, item=item)
    # when accepted
    case = _accept(case, handler, date(2026, 2, 12))
    # then Fri 13, make-up Sat 14, (holiday 15–23 Feb), Tue 24, Wed 25, Thu 26 → due Thursday 26 Feb
    assert case.due_on == date(2026, 2, 26)
    assert case.time_limit_workdays == 5
    assert not case.due_provisional


def test_make_up_saturday_is_a_working_day_of_the_clock(handler, liaison, enterprise_in_town):
    item = factories.service_item("用工招聘对接", days=2)
    case = _accept(factories.enterprise_request(liaison, enterprise_in_town, item=item), handler, date(2026, 2, 26))
    assert case.due_on == date(2026, 2, 28)  # Fri 27, Saturday 28 Feb is a make-up working day


def test_deadline_beyond_the_known_calendar_is_provisional(handler, village_a):
    case = _accept(factories.dispute(handler, village_a), handler, date(2027, 12, 20))
    assert case.due_provisional


def test_kind_default_time_limit_is_configurable(handler, village_a, settings):
    settings.LIANXIN_CASE_TIME_LIMITS = {"dispute": 3}
    case = _accept(factories.dispute(handler, village_a), handler, date(2026, 3, 2))
    assert (case.time_limit_workdays, case.due_on) == (3, date(2026, 3, 5))


def test_suspension_pauses_the_clock_and_moves_the_deadline(handler, village_a):
    # given a dispute accepted Monday 2 March 2026 with a 30-working-day limit (due 13 April: Qingming 4–6 April)
    case = _accept(factories.dispute(handler, village_a), handler, date(2026, 3, 2))
    due = case.due_on
    case = services.case_transition(case=case, to_state=State.IN_PROGRESS, actor=handler, on=date(2026, 3, 3))
    # when suspended on Friday 6 March waiting for the applicant's contract, and resumed Friday 13 March
    case = services.case_transition(
        case=case, to_state=State.SUSPENDED, actor=handler, reason="等待申请人补交承包合同", on=date(2026, 3, 6)
    )
    assert case.suspended_on == date(2026, 3, 6)
    case = services.case_transition(case=case, to_state=State.IN_PROGRESS, actor=handler, on=date(2026, 3, 13))
    # then the 5 working days of the pause (9–13 March) are added to the deadline, and the pause is on record
    assert case.suspended_workdays == 5
    from lianxin.core.workdays import add_workdays

    assert case.due_on == add_workdays(due, 5).date
    suspension = CaseSuspension.objects.get(case=case)
    assert (suspension.started_on, suspension.ended_on, suspension.workdays) == (
        date(2026, 3, 6),
        date(2026, 3, 13),
        5,
    )
    assert case.suspended_on is None


def test_integrity_report_is_seen_only_by_discipline(
    discipline, handler, town_admin, police, village_a, village_a_clerk
):
    case, _code, _passphrase = factories.integrity_report(None, village_a)
    assert selectors.case_visible_to(discipline).filter(pk=case.pk).exists()
    for other in (handler, town_admin, police, village_a_clerk):
        assert not selectors.case_visible_to(other).filter(pk=case.pk).exists()


def test_reported_cadre_never_sees_the_report_nor_handles_it(make_user, discipline, town, village_a):
    from lianxin.accounts.roles import Role

    colleague = make_user("jijian2", Role.DISCIPLINE_INSPECTOR, scope_region=town)
    case, _code, _passphrase = factories.integrity_report(None, village_a, reported_cadre=colleague)
    assert not selectors.case_visible_to(colleague).filter(pk=case.pk).exists()
    assert selectors.case_visible_to(discipline).filter(pk=case.pk).exists()
    with pytest.raises(DomainError, match="被举报干部"):
        _accept(case, discipline, date(2026, 3, 2), assignee=colleague)
    with pytest.raises(DomainError):
        services.case_assign(case=case, actor=discipline, assignee=colleague)
    with pytest.raises(DomainError):
        _accept(case, colleague, date(2026, 3, 2))


def test_tracking_code_and_passphrase_find_the_report(village_a):
    case, code, passphrase = factories.integrity_report(None, village_a)
    assert case.anonymous
    assert case.registered_by is None
    assert code not in (case.tracking_digest, case.tracking_passphrase)
    assert services.integrity_report_track(code=code.lower(), passphrase=passphrase) == case
    assert services.integrity_report_track(code=code, passphrase="wrong") is None
    assert services.integrity_report_track(code="AAAAAA-BBBBBB-CCCCCC-DDDDDD", passphrase=passphrase) is None


def test_named_report_needs_the_reporters_name(village_a):
    with pytest.raises(DomainError) as refused:
        factories.integrity_report(None, village_a, anonymous=False)
    assert refused.value.field == "reporter_name"


def test_enterprise_liaison_sees_only_own_requests_and_rates_at_revisit(
    liaison, outsider, handler, enterprise_in_town, village_a
):
    # given a request of the liaison's enterprise, and a dispute they must not see
    case = factories.enterprise_request(liaison, enterprise_in_town)
    dispute = factories.dispute(handler, village_a)
    visible = selectors.case_visible_to(liaison)
    assert list(visible) == [case]
    assert not selectors.case_visible_to(outsider).exists()
    assert dispute not in visible
    # the liaison cannot rate before the case is resolved
    with pytest.raises(DomainError):
        services.case_rate(case=case, actor=liaison, satisfaction=5)
    for step, reason in ((State.ACCEPTED, ""), (State.IN_PROGRESS, ""), (State.RESOLVED, "已协调供电所完成报装")):
        case = services.case_transition(case=case, to_state=step, actor=handler, reason=reason)
    # when the liaison rates, the case is revisited with the score
    case = services.case_rate(case=case, actor=liaison, satisfaction=4, comment="办得快")
    assert (case.state, case.satisfaction, case.satisfaction_comment) == (State.REVISITED, 4, "办得快")
    # and the other enterprise's liaison cannot rate it
    with pytest.raises(DomainError):
        services.case_rate(case=case, actor=outsider, satisfaction=1)


def test_liaison_cannot_submit_for_another_enterprise(liaison, town):
    from lianxin.enterprises.tests import factories as enterprise_factories

    other = enterprise_factories.enterprise(town, name="别家企业")
    with pytest.raises(DomainError, match="本企业"):
        factories.enterprise_request(liaison, other)


def test_village_cadre_cannot_register_in_another_village(village_b_clerk, village_a):
    with pytest.raises(DomainError) as refused:
        factories.dispute(village_b_clerk, village_a)
    assert refused.value.field == "region"


def test_police_sees_security_incidents_only(police, handler, village_a):
    incident = factories.security_incident(police, village_a)
    factories.dispute(handler, village_a)
    assert list(selectors.case_visible_to(police)) == [incident]
    with pytest.raises(DomainError):
        factories.dispute(police, village_a)


def test_solved_theft_records_suspects(police, village_a):
    case = factories.security_incident(police, village_a)
    for step in (State.ACCEPTED, State.IN_PROGRESS):
        case = services.case_transition(case=case, to_state=step, actor=police)
    case = services.case_transition(
        case=case, to_state=State.RESOLVED, actor=police, reason="破案", solved=True, suspects_caught=3
    )
    assert (case.solved, case.suspects_caught) == (True, 3)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%..."


@pytest.mark.parametrize(
    ("name", "content"), [("现场.png", PNG), ("协议.pdf", PDF), ("照片.JPG", b"\xff\xd8\xff\xe0rest")]
)
def test_attachment_accepts_jpeg_png_pdf(handler, village_a, name, content, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = factories.dispute(handler, village_a)
    attachment = services.attachment_add(case=case, actor=handler, upload=SimpleUploadedFile(name, content))
    assert attachment.size == len(content)
    assert attachment.file.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.pdf", b"MZ\x90\x00", "不是JPEG、PNG或PDF"),
        ("伪装.png", PDF, "扩展名与内容不符"),
        ("网页.html", b"<html>", "不是JPEG"),
    ],
)
def test_attachment_refuses_other_content(handler, village_a, name, content, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = factories.dispute(handler, village_a)
    with pytest.raises(DomainError, match=message):
        services.attachment_add(case=case, actor=handler, upload=SimpleUploadedFile(name, content))


def test_attachment_size_limit(handler, village_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LIANXIN_CASE_ATTACHMENT_MAX_BYTES = 2**20
    case = factories.dispute(handler, village_a)
    with pytest.raises(DomainError, match="超过1MB"):
        services.attachment_add(case=case, actor=handler, upload=SimpleUploadedFile("大.png", PNG + b"\x00" * 2**20))


def test_mediation_session_only_for_open_disputes(handler, police, village_a):
    case = factories.dispute(handler, village_a)
    with pytest.raises(DomainError, match="受理后"):
        services.mediation_record(
            case=case, actor=handler, held_on=date(2026, 3, 2), place="村委会", participants="双方", summary="未果"
        )
    case = _accept(case, handler, date(2026, 3, 2))
    session = services.mediation_record(
        case=case,
        actor=handler,
        held_on=date(2026, 3, 3),
        place="村委会",
        participants="双方、村调委会",
        summary="初步同意",
    )
    assert session.case == case
    assert case.events.filter(type="mediation").exists()
    incident = factories.security_incident(police, village_a)
    with pytest.raises(DomainError):
        services.mediation_record(
            case=incident, actor=police, held_on=date(2026, 3, 3), place="x", participants="x", summary="x"
        )
