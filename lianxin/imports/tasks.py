"""Background work of the import flow (django-tasks): the database-backed queue on the embedded default
(`manage.py db_worker`, no extra server), an RQ worker on Redis in production."""

from django_tasks import task

from .models import ImportBatch


@task()
def import_batch_run(batch_id: int, commit: bool) -> str:
    from .services import batch_check, batch_commit

    batch = ImportBatch.objects.select_related("user").get(pk=batch_id)
    if commit:
        actor = batch.user
        batch = batch_commit(batch=batch, actor=actor)
    else:
        batch = batch_check(batch=batch)
    return batch.status
