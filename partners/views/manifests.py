"""Manifests: customs staff import them and read them; a partner never reaches these pages."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext

from partners import rules
from partners.forms.events import IMPORT_MAX_MB, EventImportForm
from partners.models import Manifest, ManifestLine
from partners.services.manifests import MANIFEST_COLUMNS, ImportRejected, manifest_import
from portal.exports import render_table
from portal.middleware import request_body_limit
from portal.roles import STAFF_ROLES, Role, role_required
from portal.rules import forbid_unless
from portal.shortcuts import paginate, send_download


@role_required(*STAFF_ROLES)
def manifest_list(request):
    manifests = Manifest.objects.visible_to(request.user).select_related("imported_by")
    return render(
        request,
        "partners/manifests/list.html",
        {
            "page": paginate(request, manifests),
            "may_import": rules.may_import_manifests(request.user),
        },
    )


@role_required(*STAFF_ROLES)
def manifest_detail(request, pk):
    manifest = get_object_or_404(
        Manifest.objects.visible_to(request.user).select_related("imported_by"), pk=pk
    )
    lines = ManifestLine.objects.visible_to(request.user).filter(manifest=manifest)
    return render(
        request,
        "partners/manifests/detail.html",
        {"manifest": manifest, "page": paginate(request, lines.order_by("row"))},
    )


@request_body_limit(IMPORT_MAX_MB * 1024 * 1024 + 1024 * 1024)  # the file and the form
@role_required(*STAFF_ROLES)
def manifest_import_view(request):
    forbid_unless(rules.may_import_manifests(request.user))
    form = EventImportForm(request.POST or None, request.FILES or None)
    problems = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            manifest = manifest_import(data=upload, file_name=upload.name, user=request.user)
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(
                request,
                ngettext(
                    "%(lines)d line imported; %(matched)d report matched it.",
                    "%(lines)d lines imported; %(matched)d reports matched them.",
                    manifest.line_count,
                )
                % {"lines": manifest.line_count, "matched": manifest.matched},
            )
            return redirect(manifest)
    return render(
        request,
        "partners/manifests/import.html",
        {"form": form, "problems": problems, "columns": MANIFEST_COLUMNS},
    )


@role_required(Role.OFFICER)
def manifest_template(request, fmt):
    example = [
        "MSCU1234566",
        "MSC OSCAR",
        "123E",
        "CNSHA",
        "HKHKG",
        "Cotton T-shirts, 2,000 cartons",
        "Example Trading Ltd",
    ]
    return send_download(render_table(MANIFEST_COLUMNS, [example], fmt), f"manifest-template.{fmt}")
