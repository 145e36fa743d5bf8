"""Background work of accounts (django-tasks): the daily checkpoint, written when it falls due."""

from django_tasks import task


@task()
def checkpoint_write_task() -> str:
    from .checkpoint import checkpoint_due, checkpoint_write

    if not checkpoint_due():
        return "not due"
    line = checkpoint_write(reason="daily")
    return line["written_at"]
