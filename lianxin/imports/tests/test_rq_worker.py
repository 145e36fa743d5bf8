"""Production runs imports on an RQ worker over Redis (LIANXIN_TASK_BACKEND=rq, `manage.py rqworker
--job-class django_tasks_rq.Job`): the queue call the pages make reaches Redis, and a worker with that
job class runs the dry run and the commit from there."""

import pytest
import xlsxwriter
from django.test import override_settings

from lianxin.imports.models import ImportBatch
from lianxin.imports.services import batch_queue_check, batch_queue_commit, batch_upload
from lianxin.people.models import Person
from lianxin.people.tests.factories import resident_id

redis = pytest.importorskip("redis")
REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_or_skip():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return client


@pytest.mark.django_db
def test_the_rq_worker_checks_and_commits_a_queued_import(tmp_path, group_a1, working_group_member):
    from django_tasks_rq import Job
    from rq import SimpleWorker

    client = _redis_or_skip()
    queue = "default"  # the queue the tasks are declared on; on Redis database 15, emptied first
    path = tmp_path / "户籍.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["村民小组", "户编号", "姓名", "身份证号", "与户主关系"])
    sheet.write_row(1, 0, ["甲马石一组", "R-1", "周一", resident_id(sequence=601), "户主"])
    book.close()
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}}
    with override_settings(TASKS=tasks, RQ_QUEUES={queue: {"URL": REDIS_URL}}):
        import django_rq

        django_rq.get_queue(queue).empty()
        try:
            with path.open("rb") as fh:
                batch = batch_upload(user=working_group_member, ledger="persons", file=fh, file_name=path.name)
            batch = batch_queue_check(batch=batch)
            assert batch.status == ImportBatch.Status.CHECKING  # queued in Redis, not run inline
            rq_queue = django_rq.get_queue(queue)
            assert rq_queue.count == 1

            SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job).work(burst=True)
            batch.refresh_from_db()
            assert (batch.status, batch.to_create) == (ImportBatch.Status.CHECKED, 1)

            batch_queue_commit(batch=batch, actor=working_group_member)
            SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job).work(burst=True)
            batch.refresh_from_db()
            assert batch.status == ImportBatch.Status.COMMITTED
            assert Person.objects.get().name == "周一"
        finally:
            client.flushdb()
