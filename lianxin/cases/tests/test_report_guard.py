"""Anonymous integrity reports (issue 11): rate limits per client and for everyone, no cross-site
submission, a human check that works offline, and no reporter's address in any log."""

import json
import logging
import shlex
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from lianxin.cases import report_guard
from lianxin.cases.models import Case

pytestmark = pytest.mark.django_db

API = "/api/cases/reports"
REPORTER = "203.0.113.77"


def _report(village, **extra) -> dict:
    return {"title": "验收时索要烟酒", "description": "某站所人员暗示企业送礼", "region_id": village.pk, **extra}


def _post_api(client, body, *, content_type="application/json", address=REPORTER, **headers):
    text = json.dumps(body)
    return client.post(API, data=text, content_type=content_type, headers=headers, REMOTE_ADDR=address)


def _page_data(village, **extra) -> dict:
    return {"title": "办证时要求请客", "description": "经过如下", "region": village.pk, "anonymous": "on", **extra}


# -- rate limits ----------------------------------------------------------------------------------
def test_61st_report_in_the_window_is_refused_with_a_429_in_chinese(client, village_a, answered_challenge):
    # given: 60 reports from 60 clients in one window (the default limit for everyone together)
    for i in range(60):
        response = _post_api(client, _report(village_a, **answered_challenge()), address=f"198.51.100.{i + 1}")
        assert response.status_code == 201, (i, response.content)

    # when: a 61st comes, from yet another client
    response = _post_api(client, _report(village_a, **answered_challenge()), address="192.0.2.1")

    # then: refused, in Chinese, and nothing is filed
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert "频繁" in response.json()["message"]
    assert Case.objects.filter(kind=Case.Kind.INTEGRITY_REPORT).count() == 60


def test_one_client_is_limited_per_window(client, village_a, answered_challenge, settings):
    settings.LIANXIN_REPORT_ATTEMPTS_PER_CLIENT = 3
    for _i in range(3):
        assert _post_api(client, _report(village_a, **answered_challenge())).status_code == 201

    assert _post_api(client, _report(village_a, **answered_challenge())).status_code == 429
    assert _post_api(client, _report(village_a, **answered_challenge()), address="192.0.2.9").status_code == 201


def test_the_page_answers_a_429_page_in_chinese(client, village_a, answered_challenge, settings):
    settings.LIANXIN_REPORT_ATTEMPTS_PER_CLIENT = 1
    url = reverse("cases:report")
    assert client.post(url, _page_data(village_a, **answered_challenge()), REMOTE_ADDR=REPORTER).status_code == 200

    response = client.post(url, _page_data(village_a, **answered_challenge()), REMOTE_ADDR=REPORTER)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "提交过于频繁" in response.content.decode()
    assert Case.objects.count() == 1


def test_the_page_refuses_the_61st_report_of_the_window(client, village_a, answered_challenge):
    url = reverse("cases:report")
    for i in range(60):
        client.post(url, _page_data(village_a, **answered_challenge()), REMOTE_ADDR=f"198.51.100.{i + 1}")
    assert Case.objects.count() == 60

    response = client.post(url, _page_data(village_a, **answered_challenge()), REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 429
    assert Case.objects.count() == 60


def test_the_cache_holds_no_address(client, village_a, answered_challenge):
    from django.core.cache import cache

    _post_api(client, _report(village_a, **answered_challenge()))

    assert not [key for key in cache._cache if REPORTER in str(key)]  # LocMemCache in tests


# -- cross-site submission ------------------------------------------------------------------------
def test_cross_site_text_plain_report_is_refused(client, village_a, answered_challenge):
    # A page of another site can POST text/plain without asking (no CORS preflight): the attack.
    response = _post_api(
        client,
        _report(village_a, **answered_challenge()),
        content_type="text/plain",
        Origin="https://evil.example",
    )

    assert response.status_code == 415
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "https://evil.example/page.html"}],
)
def test_report_from_another_sites_page_is_refused_even_as_json(client, village_a, answered_challenge, headers):
    response = _post_api(client, _report(village_a, **answered_challenge()), **headers)

    assert response.status_code == 403
    assert response.json()["code"] == "cross_site"
    assert not Case.objects.exists()


@pytest.mark.parametrize("headers", [{"Origin": "http://testserver"}, {"Referer": "http://testserver/cases/"}, {}])
def test_report_from_this_site_or_a_script_is_accepted(client, village_a, answered_challenge, headers):
    assert _post_api(client, _report(village_a, **answered_challenge()), **headers).status_code == 201


def test_the_page_form_needs_its_csrf_token(village_a, answered_challenge):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("cases:report"), _page_data(village_a, **answered_challenge()))

    assert response.status_code == 403
    assert not Case.objects.exists()
    form_page = client.get(reverse("cases:report")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in form_page


# -- the human check ------------------------------------------------------------------------------
def test_report_without_the_challenge_is_refused(client, village_a):
    response = _post_api(client, _report(village_a))

    assert response.status_code == 422
    assert "challenge_token" in response.json()["errors"]
    assert not Case.objects.exists()


def test_wrong_answer_is_refused_and_the_token_is_used_up(client, village_a):
    challenge = report_guard.challenge_new()
    wrong = str(challenge.answer + 1)

    response = _post_api(client, _report(village_a, challenge_token=challenge.token, challenge_answer=wrong))
    assert response.status_code == 400
    assert "challenge_answer" in response.json()["errors"]
    again = _post_api(
        client, _report(village_a, challenge_token=challenge.token, challenge_answer=str(challenge.answer))
    )
    assert again.status_code == 400  # one answer per question: no guessing the same token 19 times
    assert not Case.objects.exists()


def test_forged_or_expired_token_is_refused(client, village_a):
    challenge = report_guard.challenge_new()
    forged = challenge.token[:-2] + ("AA" if not challenge.token.endswith("AA") else "BB")
    assert _post_api(client, _report(village_a, challenge_token=forged, challenge_answer="1")).status_code == 400

    with freeze_time(timezone.now() - timedelta(hours=1)):
        old = report_guard.challenge_new()
    response = _post_api(client, _report(village_a, challenge_token=old.token, challenge_answer=str(old.answer)))
    assert response.status_code == 400
    assert "过期" in response.json()["message"]


def test_an_answer_faster_than_a_person_is_refused(client, village_a, settings):
    settings.LIANXIN_REPORT_CHALLENGE_MIN_SECONDS = 3
    challenge = report_guard.challenge_new()

    response = _post_api(
        client, _report(village_a, challenge_token=challenge.token, challenge_answer=str(challenge.answer))
    )

    assert response.status_code == 400
    assert "过快" in response.json()["message"]


def test_the_question_is_a_small_sum_in_chinese_numerals_answered_in_any_digits(client):
    body = client.get("/api/cases/reports/challenge").json()

    assert body["question"].endswith("等于几?")
    assert all(ch in report_guard.NUMERALS + "加减等于几?" for ch in body["question"])
    assert report_guard.read_answer("8") == 8
    assert report_guard.read_answer("８") == 8
    assert report_guard.read_answer("八") == 8
    assert report_guard.read_answer("十七") == 17
    assert report_guard.read_answer("eight") is None


def test_the_page_asks_the_question_and_refuses_a_wrong_answer(client, village_a):
    page = client.get(reverse("cases:report")).content.decode()
    assert "验证题:" in page
    assert 'name="challenge_token"' in page

    response = client.post(
        reverse("cases:report"), _page_data(village_a, challenge_token="x", challenge_answer="3"), REMOTE_ADDR=REPORTER
    )

    assert response.status_code == 200
    assert not Case.objects.exists()
    assert "验证题无效" in response.content.decode()
    assert response.context["form"]["challenge_token"].value() != "x"  # a new question to answer


def test_the_page_refuses_a_filled_honeypot(client, village_a, answered_challenge):
    page = client.get(reverse("cases:report")).content.decode()
    assert 'class="mb-3 d-none"' in page  # the honeypot field is not shown to people

    client.post(reverse("cases:report"), _page_data(village_a, website="http://spam.example", **answered_challenge()))

    assert not Case.objects.exists()


# -- no address in any log ------------------------------------------------------------------------
def _run_sh_gunicorn_options() -> dict[str, str]:
    """The gunicorn options scripts/run.sh serves the site with."""
    text = (Path(__file__).resolve().parents[3] / "scripts" / "run.sh").read_text()
    command = text[text.index(".venv/bin/gunicorn") :].replace("\\\n", " ")
    words = shlex.split(command.splitlines()[0])
    options = {}
    for index, word in enumerate(words):
        if word.startswith("--") and index + 1 < len(words):
            options[word] = words[index + 1]
    return options


def _access_line(path: str, address: str) -> str:
    """The access-log line gunicorn, configured as scripts/run.sh configures it, writes for one request."""
    from datetime import timedelta as duration

    from gunicorn.config import Config

    options = _run_sh_gunicorn_options()
    config = Config()
    config.set("logger_class", options.get("--logger-class", "gunicorn.glogging.Logger"))
    config.set("accesslog", "-")
    config.set("access_log_format", options["--access-logformat"])
    logger = config.logger_class(config)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.access_log.handlers = [handler]

    class Response:
        status = "201 Created"
        sent = 120
        headers = []

    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": address,
        "HTTP_X_FORWARDED_FOR": address,
    }
    logger.access(Response(), [("X-Forwarded-For", address)], environ, duration(milliseconds=5))
    return records[0].getMessage()


@pytest.mark.parametrize("path", ["/cases/report/", "/api/cases/reports", "/cases/track/"])
def test_access_log_of_a_report_holds_no_address(path):
    line = _access_line(path, REPORTER)

    assert path in line
    assert REPORTER not in line


def test_access_log_of_other_pages_keeps_the_address():
    assert REPORTER in _access_line("/cases/", REPORTER)


def test_django_log_records_about_a_report_hold_no_address(rf):
    from django.conf import settings

    request = rf.post("/cases/report/", REMOTE_ADDR=REPORTER, HTTP_X_FORWARDED_FOR=f"{REPORTER}, 10.0.0.1")
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Bad request from %s", (REPORTER,), None)
    record.request = request
    handler_filters = settings.LOGGING["handlers"]["console"]["filters"]
    assert handler_filters == ["address_free"]
    from lianxin.core.logfilters import AddressFreeFilter

    assert AddressFreeFilter().filter(record)
    assert REPORTER not in record.getMessage()
    assert record.request is None


def test_submitting_a_report_logs_no_address(client, village_a, answered_challenge, caplog):
    caplog.set_level(logging.DEBUG)

    _post_api(client, _report(village_a, **answered_challenge()))
    client.post(reverse("cases:report"), _page_data(village_a, **answered_challenge()), REMOTE_ADDR=REPORTER)

    for record in caplog.records:
        assert REPORTER not in record.getMessage()
        assert REPORTER not in str(getattr(record, "request", None) and record.request.META)
