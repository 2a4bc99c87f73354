"""`POST /api/v1/alerts/`: shipment alerts from a partner's monitoring system (docs/api.md,
"Alerts"). One alert or a batch of up to 500, checked whole: if any alert has an error,
nothing is received and every error is listed with the alert's index and field. An
`Idempotency-Key` header makes a retry answer the first response without creating anything."""

import base64
import binascii
import datetime
import hashlib
import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from partners.models import PartnerReport
from partners.services.alerts import BATCH_MAX, Alert, alert_batch_receive
from partners.services.uploads import validate_upload
from partners.shipments import (
    MAX_REFERENCES,
    normalise_air_waybill,
    normalise_container,
    normalise_port,
)
from portal.api.errors import PROBLEM_CONTENT_TYPE, field_errors, problem
from portal.api.permissions import HasScope
from portal.api.scopes import Scope
from portal.text import validate_single_line

ATTACHMENTS_MAX = 3
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, no spaces
# An event time a little ahead of ours is a clock's drift, not the future.
CLOCK_DRIFT = datetime.timedelta(minutes=5)


class Text(serializers.CharField):
    """Text PostgreSQL can keep: DRF refuses NUL already; a lone surrogate (valid JSON, "\\ud800")
    is refused here, not at the database."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise serializers.ValidationError(_("Contains characters that are not text.")) from None
        return value


class Line(Text):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        if not kwargs["required"]:
            kwargs.setdefault("default", "")
        super().__init__(validators=[validate_single_line], **kwargs)


def _django_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.messages)


class AttachmentSerializer(serializers.Serializer):
    name = Line(
        max_length=200, required=True, allow_blank=False, help_text="The file's name (shown)."
    )
    content = serializers.CharField(
        help_text="The file, base64-encoded: PDF, JPEG, PNG, XLSX or DOCX, up to 10 MB.",
        trim_whitespace=False,
    )

    def validate(self, data):
        if len(data["content"]) > (settings.EVIDENCE_MAX_BYTES + 2) // 3 * 4 + 4:
            raise serializers.ValidationError(
                {"content": _("The file is larger than 10 MB.")}, code="too_large"
            )
        try:
            content = base64.b64decode(data["content"], validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError({"content": _("Not valid base64.")}) from None
        upload = SimpleUploadedFile(data["name"], content)
        try:
            validate_upload(upload)  # the web's checks: type by content, active content, size
        except DjangoValidationError as error:
            raise serializers.ValidationError({"content": error.messages}) from None
        return upload


class AlertSerializer(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=PartnerReport.Category.choices,
        default=PartnerReport.Category.SUSPICIOUS_SHIPMENT,
    )
    concern = serializers.ChoiceField(
        choices=PartnerReport.Concern.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="What looked wrong.",
    )
    description = Text(
        max_length=10000, help_text="What the system saw, in English or Chinese (free text)."
    )
    containers = serializers.ListField(
        child=Text(max_length=20),
        required=False,
        default=list,
        max_length=MAX_REFERENCES,
        help_text="Container numbers (ISO 6346, with their check digit), e.g. CSQU3054383.",
    )
    air_waybills = serializers.ListField(
        child=Text(max_length=20),
        required=False,
        default=list,
        max_length=MAX_REFERENCES,
        help_text="Air waybill numbers (IATA: 3-digit prefix, 8 digits with the mod-7 check "
        "digit), e.g. 176-12345675.",
    )
    bill_of_lading = Line(max_length=35)
    vessel_or_flight = Line(max_length=64)
    voyage = Line(max_length=20)
    port = Line(max_length=10, help_text="UN/LOCODE of the port, e.g. HKHKG.")
    observed_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When the system saw it."
    )
    attachments = AttachmentSerializer(
        many=True, required=False, default=list, max_length=ATTACHMENTS_MAX
    )

    def _references(self, values, normalise):
        errors, normalised = {}, []
        for index, value in enumerate(values):
            try:
                normalised.append(normalise(value))
            except DjangoValidationError as error:
                errors[index] = error.messages
        if errors:
            raise serializers.ValidationError(errors)
        return list(dict.fromkeys(normalised))

    def validate_containers(self, values):
        return self._references(values, normalise_container)

    def validate_air_waybills(self, values):
        return self._references(values, normalise_air_waybill)

    def validate_port(self, value):
        if not value:
            return ""
        try:
            return normalise_port(value)
        except DjangoValidationError as error:
            raise _django_error(error) from None

    def validate_observed_at(self, value):
        if value is not None and value > timezone.now() + CLOCK_DRIFT:
            raise serializers.ValidationError(_("This time is in the future."))
        return value

    def validate(self, data):
        if not (data["containers"] or data["air_waybills"] or data["bill_of_lading"]):
            raise serializers.ValidationError(
                _("Name the shipment: at least one container, air waybill or bill of lading.")
            )
        if len(data["containers"]) + len(data["air_waybills"]) > MAX_REFERENCES:
            raise serializers.ValidationError(
                _("At most %(limit)d shipment references per report.") % {"limit": MAX_REFERENCES}
            )
        return data


class AlertBatchSerializer(serializers.Serializer):
    alerts = AlertSerializer(
        many=True,
        min_length=1,
        max_length=BATCH_MAX,
        help_text="1 to 500 alerts, received all together or not at all.",
    )


class ReceivedAlertSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The alert's place in the request, from 0.")
    id = serializers.IntegerField()
    acknowledgement_number = serializers.CharField()
    status = serializers.ChoiceField(choices=PartnerReport.Status.choices)
    received_at = serializers.DateTimeField()


class ReceiptSerializer(serializers.Serializer):
    alerts = ReceivedAlertSerializer(many=True)


def _problem(request, status_code: int, *, code: str, detail: str, errors=None) -> Response:
    return Response(
        problem(status_code, code=code, detail=detail, instance=request.path, errors=errors),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _item_errors(detail) -> list[dict]:
    """The batch's errors, each with the index of its alert ("alerts.3.port": index 3)."""
    errors = field_errors(detail)
    for error in errors:
        # A list's or an alert's own error is the list's or the alert's ("alerts.4").
        error["field"] = error["field"].removesuffix(".non_field_errors")
        parts = error["field"].split(".")
        if len(parts) > 1 and parts[0] == "alerts" and parts[1].isdigit():
            error["index"] = int(parts[1])
    return errors


def _batch(data):
    """The request as a batch: {"alerts": [...]}, or one alert sent as the object itself."""
    if isinstance(data, dict) and "alerts" not in data and data:
        return {"alerts": [data]}
    return data


@extend_schema(
    operation_id="alerts_create",
    request=AlertBatchSerializer,
    parameters=[
        OpenApiParameter(
            "Idempotency-Key",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="Any unique text up to 255 characters (a UUID). A retry with the same "
            "key and content gets the first response and creates nothing.",
        )
    ],
    responses={
        201: ReceiptSerializer,
        422: OpenApiResponse(
            description="The Idempotency-Key was used before for other content.",
            response={"$ref": "#/components/schemas/Problem"},
        ),
    },
)
@api_view(["POST"])
@parser_classes([JSONParser])
@permission_classes([HasScope(Scope.ALERTS_WRITE)])
def alerts_create(request):
    """Send one shipment alert, or a batch of up to 500, to customs. They land in the
    officers' triage queue with the web reports. Each gets an acknowledgement number."""
    idempotency_key = request.headers.get("Idempotency-Key")
    if idempotency_key is not None and not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        return _problem(
            request,
            400,
            code="invalid",
            detail=_("The Idempotency-Key header must be 1 to 255 printable characters."),
            errors=[],
        )
    data = _batch(request.data)
    serializer = AlertBatchSerializer(data=data)
    if not serializer.is_valid():
        errors = _item_errors(serializer.errors)
        failing = {error["index"] for error in errors if "index" in error}
        items = data.get("alerts") if isinstance(data, dict) else None
        total = len(items) if isinstance(items, list) else 0
        detail = (
            _(
                "Nothing was received: %(failing)d of the %(total)d alerts have errors (see "
                "errors). Correct them and send the whole request again."
            )
            % {"failing": len(failing), "total": total}
            if failing
            else _("Nothing was received: the request has errors (see errors).")
        )
        return _problem(request, 400, code="invalid", detail=detail, errors=errors)
    fingerprint = hashlib.sha256(
        json.dumps(request.data, sort_keys=True, ensure_ascii=True).encode()
    ).hexdigest()
    alerts = [
        Alert(
            category=item["category"],
            concern=item["concern"],
            description=item["description"],
            containers=item["containers"],
            air_waybills=item["air_waybills"],
            bill_of_lading=item["bill_of_lading"],
            vessel_or_flight=item["vessel_or_flight"],
            voyage=item["voyage"],
            port=item["port"],
            observed_at=item["observed_at"],
            attachments=item["attachments"],
        )
        for item in serializer.validated_data["alerts"]
    ]
    received = alert_batch_receive(
        user=request.user,
        api_key=request.auth,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        alerts=alerts,
    )
    if received.conflict:
        return _problem(
            request,
            422,
            code="idempotency_key_reused",
            detail=_(
                "This Idempotency-Key was used for a request with other content. Use a new "
                "key for new alerts."
            ),
        )
    headers = {"Idempotent-Replayed": "true"} if received.replayed else {}
    return Response(received.body, status=status.HTTP_201_CREATED, headers=headers)
