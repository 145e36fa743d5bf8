from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.core.errors import DomainError
from lianxin.core.web import add_service_errors, page_from_request

from . import selectors, services
from .forms import BatchFilterForm, HeaderMappingForm, UploadForm
from .ledger import ledger_choices, ledger_get
from .permissions import FileAccess, can_read_rows, file_access
from .reading import FileRejected


def _ledgers_for(user) -> list[tuple[str, str]]:
    return [(key, label) for key, label in ledger_choices() if user.has_perm(ledger_get(key).permission)]


@login_required
@permission_required("imports.view_importbatch", raise_exception=True)
def batch_list(request):
    ledgers = _ledgers_for(request.user)
    form = BatchFilterForm(request.GET, ledgers=ledgers)
    qs = selectors.batch_list(user=request.user, ledger=form.values["ledger"])
    return render(
        request,
        "imports/batch_list.html",
        {
            "page": page_from_request(request, qs),
            "filters": form.querystring(),
            "ledgers": ledgers,
            "filter_form": form,
        },
    )


@login_required
@permission_required("imports.add_importbatch", raise_exception=True)
def batch_create(request):
    ledgers = _ledgers_for(request.user)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        ledgers=ledgers,
        user=request.user,
        initial={"ledger": request.GET.get("ledger")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.batch_upload(
                user=request.user,
                ledger=form.cleaned_data["ledger"],
                file=upload,
                file_name=upload.name,
                mode=form.cleaned_data["mode"],
                options=form.options(),
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            services.batch_queue_check(batch=batch)
            return redirect("imports:batch-detail", pk=batch.pk)
    return render(request, "imports/batch_form.html", {"form": form, "ledgers": ledgers})


def _detail_context(request, batch) -> dict:
    spec = ledger_get(batch.ledger)
    labels = {c.key: _(c.label) for c in spec.columns}
    return {
        "batch": batch,
        "ledger_label": _(spec.label),
        "options_shown": spec.options_shown(batch.options),
        "progress": selectors.batch_progress(batch=batch),
        "columns": [
            (
                batch.header.get("labels", {}).get(index, ""),
                labels.get(key, key),
                round(100 * batch.header.get("confidence", {}).get(index, 1.0)),
            )
            for index, key in sorted(batch.header.get("columns", {}).items(), key=lambda kv: int(kv[0]))
        ],
        "unmatched": [
            {
                **u,
                # a header that only contains a column's name, or shares its canonical form with two
                # columns, is offered for confirmation; the choice still starts on 忽略此列
                "suggestions": [
                    {"key": key, "label": labels.get(key, key), "percent": round(100 * sure)}
                    for key, sure in u.get("suggestions", [])
                ],
                "form": HeaderMappingForm(initial={"header": u["text"]}, ledger=batch.ledger, prefix=f"h{u['index']}"),
            }
            for u in batch.header.get("unmatched", [])
        ],
        "can_commit": batch.status == batch.Status.CHECKED
        and (batch.rejected == 0 or batch.mode == batch.Mode.VALID_ONLY)
        and (batch.to_create or batch.to_update),
        "can_undo": batch.status == batch.Status.COMMITTED and request.user.has_perm("imports.undo_importbatch"),
        "file_access": file_access(request.user, batch),
        "file_masked": file_access(request.user, batch) == FileAccess.MASKED,
        "rows_visible": can_read_rows(request.user, batch),
    }


@login_required
@permission_required("imports.view_importbatch", raise_exception=True)
def batch_detail(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    template = "imports/_batch_status.html" if request.htmx else "imports/batch_detail.html"
    response = render(request, template, _detail_context(request, batch))
    if request.htmx and not batch.is_running and request.GET.get("poll"):
        response["HX-Refresh"] = "true"  # the run has finished: show the whole result page
    return response


@login_required
@permission_required("imports.add_importbatch", raise_exception=True)
@require_POST
def batch_commit(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    try:
        services.batch_queue_commit(batch=batch, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("imports:batch-detail", pk=batch.pk)


@login_required
@require_POST
def batch_undo(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    try:
        services.batch_undo(batch=batch, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("整批导入已撤销"))
    return redirect("imports:batch-detail", pk=batch.pk)


@login_required
@permission_required("imports.add_importbatch", raise_exception=True)
@require_POST
def header_map(request, pk: int):
    """Map an unrecognised header to a column, remember it for the ledger, and check the file again."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    prefix = request.POST.get("prefix", "")
    form = HeaderMappingForm(request.POST, ledger=batch.ledger, prefix=prefix)
    if form.is_valid() and form.cleaned_data["column"] == HeaderMappingForm.IGNORE:
        messages.info(request, _("“%(header)s”列不导入") % {"header": form.cleaned_data["header"]})
    elif form.is_valid():
        services.header_mapping_remember(
            ledger=batch.ledger,
            header=form.cleaned_data["header"],
            column=form.cleaned_data["column"],
            actor=request.user,
        )
        services.batch_queue_check(batch=batch)
    return redirect("imports:batch-detail", pk=batch.pk)


def _download(request, pk: int, which: str):
    batch = selectors.batch_get(user=request.user, pk=pk)
    try:
        download = services.batch_download(batch=batch, actor=request.user, which=which)
    except (DomainError, FileRejected) as exc:
        messages.error(request, exc.message)
        return redirect("imports:batch-detail", pk=batch.pk)
    response = FileResponse(download.open(), as_attachment=True, filename=download.filename)
    download.cleanup()  # the open handle keeps the data until the response is sent
    return response


@login_required
@permission_required("imports.view_importbatch", raise_exception=True)
def batch_annotated(request, pk: int):
    """The uploaded workbook with every bad cell marked and explained (错误标注), to fix and upload again;
    masked unless the user may see the ledger's personal data in full (``services.batch_download``)."""
    return _download(request, pk, "annotated")


@login_required
@permission_required("imports.view_importbatch", raise_exception=True)
def batch_original(request, pk: int):
    """The file as uploaded (kept for the retention period); masked unless the user may see the ledger's
    personal data in full, and then the download is recorded as a reveal."""
    return _download(request, pk, "original")
