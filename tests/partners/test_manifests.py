"""Manifests (issue 15, deliverable 4): the import, all or nothing with each row's problems;
the matching with partners' reports, whichever comes first; the triage's flag, filter and
order; the side-by-side page; the matching's index."""

import io

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from partners.models import Manifest, ManifestLine, ManifestMatch, PartnerReport
from partners.services import manifests
from partners.services.alerts import Alert, alerts_receive
from partners.services.import_files import ImportProblem, ImportRejected
from portal.models import AuditEntry
from tests.partners.manifest_data import (
    HEADER,
    LINE,
    OTHER_LINE,
    manifest_file,
    manifest_of,
)
from tests.partners.report_data import report_of

pytestmark = pytest.mark.django_db


def _problems(user, *lines, header=HEADER) -> list[tuple]:
    with pytest.raises(ImportRejected) as rejected:
        manifest_of_file(user, manifest_file(*lines, header=header))
    return [(p.row, p.column, p.message) for p in rejected.value.problems]


def manifest_of_file(user, upload):
    return manifests.manifest_import(data=upload, file_name=upload.name, user=user)


# The import


def test_a_manifest_is_imported_with_its_references_normalised(officer):
    manifest = manifest_of(
        officer, "mscu 123456-6,MSC OSCAR,123E,cn sha,HKHKG,Shirts,ACME", OTHER_LINE
    )
    assert manifest.line_count == 2
    lines = list(
        manifest.lines.values_list("row", "reference", "port_of_loading", "declared_goods")
    )
    assert lines == [
        (2, "MSCU1234566", "CNSHA", "Shirts"),
        (3, "176-12345675", "GBLHR", "Spare parts for pumps"),
    ]
    entry = AuditEntry.objects.get(action="partners.manifest.imported")
    assert (entry.actor, entry.object_id) == (officer, str(manifest.pk))


def test_an_xlsx_manifest_is_imported(officer):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(LINE.split(","))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    manifest = manifests.manifest_import(data=data, file_name="m.xlsx", user=officer)
    assert list(manifest.lines.values_list("reference", "consignee")) == [
        ("MSCU1234566", "Example Trading Ltd")
    ]


def test_every_problem_is_listed_and_nothing_is_imported(officer):
    problems = _problems(
        officer,
        LINE,
        "MSCU1234567,MSC OSCAR,123E,CNSHA,HKHKG,Shirts,ACME",
        "176-12345675,CX 101,,LONDON,HKHKG,,Pump Co",
        "ABC,CX 101,,GBLHR,HKHKG,Pumps,Pump Co",
    )
    assert problems == [
        (
            3,
            "reference",
            "MSCU1234567 is not a valid container number: its check digit (the last digit) is "
            "7, but for MSCU123456 it should be 6.",
        ),
        (
            4,
            "port_of_loading",
            "LONDON is not a UN/LOCODE (country code and three letters, e.g. HKHKG).",
        ),
        (4, "declared_goods", "Required."),
        (
            5,
            "reference",
            "ABC is neither a container number (4 letters and 7 digits, ISO 6346) nor an air "
            "waybill number (3-digit airline prefix and 8 digits).",
        ),
    ]
    assert not Manifest.objects.exists()
    assert not ManifestLine.objects.exists()


def test_a_header_without_the_required_columns_is_refused(officer):
    problems = _problems(officer, "MSCU1234566,X", header="vessel_or_flight,colour")
    assert problems == [
        (1, "reference", "Missing column."),
        (1, "declared_goods", "Missing column."),
        (1, "colour", "Unknown column."),
    ]


def test_an_empty_manifest_is_refused(officer):
    assert _problems(officer) == [(None, "", "The file has no manifest lines.")]


def test_only_officers_import_manifests(verifier):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        manifest_of(verifier)


def test_the_import_page_lists_the_problems(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("partners:manifest-import"),
        {"file": manifest_file("MSCU1234567,,,,,Shirts,")},
    )
    assert response.status_code == 200
    assert response.context["problems"] == [
        ImportProblem(
            2,
            "reference",
            "MSCU1234567 is not a valid container number: its check digit (the last digit) is "
            "7, but for MSCU123456 it should be 6.",
        )
    ]


# The matching, both ways


def test_a_later_manifest_flags_the_reports_it_matches(officer, partner_user):
    matching = report_of(partner_user, shipment_references=["MSCU1234566", "CSQU3054383"])
    other = report_of(partner_user, shipment_references=["CSQU3054383"])
    manifest = manifest_of(officer, LINE, OTHER_LINE)
    assert manifest.matched == 1
    match = ManifestMatch.objects.get()
    assert (match.report, match.line.row, match.reference) == (matching, 2, "MSCU1234566")
    assert PartnerReport.objects.get(pk=matching.pk).matched_at is not None
    assert PartnerReport.objects.get(pk=other.pk).matched_at is None


def test_a_report_is_matched_with_the_manifests_already_imported(officer, partner_user):
    manifest_of(officer, LINE, OTHER_LINE, name="first.csv")
    manifest_of(officer, LINE, name="second.csv")
    report = report_of(partner_user, shipment_references=["MSCU1234566"])
    assert sorted(
        ManifestMatch.objects.filter(report=report).values_list(
            "line__manifest__file_name", flat=True
        )
    ) == ["first.csv", "second.csv"]
    assert PartnerReport.objects.get(pk=report.pk).matched_at is not None


def test_an_alert_is_matched_with_the_manifests_already_imported(officer, partner_user):
    manifest_of(officer, LINE, OTHER_LINE)
    reports = alerts_receive(
        enterprise=partner_user.membership.enterprise,
        submitted_by=partner_user,
        system_name="Gate monitor",
        alerts=[
            Alert(description="Seal number differs", air_waybills=["176-12345675"]),
            Alert(description="Nothing known", containers=["CSQU3054383"]),
        ],
    )
    assert list(ManifestMatch.objects.values_list("report", "reference")) == [
        (reports[0].pk, "176-12345675")
    ]
    assert list(PartnerReport.objects.filter(matched_at__isnull=False)) == [reports[0]]


def test_a_manifest_imported_twice_matches_twice_but_marks_once(officer, partner_user):
    report = report_of(partner_user, shipment_references=["MSCU1234566"])
    assert manifest_of(officer).matched == 1
    first = PartnerReport.objects.get(pk=report.pk).matched_at
    assert manifest_of(officer).matched == 0
    assert ManifestMatch.objects.filter(report=report).count() == 2
    assert PartnerReport.objects.get(pk=report.pk).matched_at == first


# Triage


def test_triage_filters_and_puts_matched_reports_first(client, officer, partner_user):
    older = report_of(partner_user, shipment_references=["CSQU3054383"])
    matched = report_of(partner_user, shipment_references=["MSCU1234566"])
    manifest_of(officer)
    client.force_login(officer)
    url = reverse("partners:report-queue")
    assert list(client.get(url).context["page"]) == [matched, older]
    assert list(client.get(url, {"matched": "yes"}).context["page"]) == [matched]
    assert list(client.get(url, {"matched": "no"}).context["page"]) == [older]
    assert "Matches a manifest" in client.get(url).content.decode()


def test_triage_filters_by_source(client, officer, partner_user):
    web = report_of(partner_user)
    [system] = alerts_receive(
        enterprise=partner_user.membership.enterprise,
        submitted_by=partner_user,
        system_name="Gate monitor",
        alerts=[Alert(description="x")],
    )
    client.force_login(officer)
    url = reverse("partners:report-queue")
    assert list(client.get(url, {"source": "system"}).context["page"]) == [system]
    assert list(client.get(url, {"source": "web"}).context["page"]) == [web]


def test_the_report_page_shows_the_match_side_by_side(client, officer, partner_user):
    report = report_of(
        partner_user, shipment_references=["MSCU1234566"], description="Boxes of cigarettes seen"
    )
    manifest_of(officer)
    client.force_login(officer)
    response = client.get(report.get_absolute_url())
    page = response.content.decode()
    assert [m.line.declared_goods for m in response.context["matches"]] == [
        "Cotton T-shirts 2000 cartons"
    ]
    table = page[page.index('id="manifest-matches"') :]
    row = table[table.index("Goods") : table.index("</tr>", table.index("Goods"))]
    assert "Cotton T-shirts 2000 cartons" in row
    assert "Boxes of cigarettes seen" in row


def test_the_partner_never_sees_the_match(client, officer, partner_user):
    report = report_of(partner_user, shipment_references=["MSCU1234566"])
    manifest_of(officer)
    client.force_login(partner_user)
    for url in (report.get_partner_url(), reverse("partners:my-reports")):
        page = client.get(url).content.decode()
        assert "Cotton T-shirts" not in page
        assert "manifest" not in page.lower()


@pytest.mark.parametrize("count", [1, 3])
def test_the_manifest_list_costs_the_same_queries(
    client, officer, count, django_assert_num_queries
):
    for number in range(count):
        manifest_of(officer, name=f"m{number}.csv")
    client.force_login(officer)
    client.get(reverse("partners:manifest-list"))  # the session's first queries
    with django_assert_num_queries(5):
        response = client.get(reverse("partners:manifest-list"))
    assert len(response.context["page"]) == count


# The index


# PostgreSQL's plan: the suite runs on PostgreSQL (make test), like tests/test_list_plans.py.
def test_matching_an_alert_reads_the_index_not_the_manifests(officer):
    manifest = manifest_of(officer)
    ManifestLine.objects.bulk_create(
        ManifestLine(manifest=manifest, row=row, reference=f"ABCU{row:07d}", declared_goods="x")
        for row in range(3, 20_003)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_manifestline")
    plan = manifests.lines_matching(["MSCU1234566", "176-12345675"]).explain()
    assert "manifest_line_reference_idx" in plan
    assert "Seq Scan" not in plan
