"""Shipment references in partners' reports: container numbers (ISO 6346) and air waybill
numbers, each recognised by its shape and accepted only if its check digit is right."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Owner code (3 letters), category identifier (U, J or Z), serial number (6 digits), check digit.
CONTAINER = re.compile(r"^[A-Z]{3}[UJZ]\d{7}$")
# The shape of one (4 letters and 7 digits), whatever its category letter: what is wrong with a
# reference of this shape is said precisely (the category, the check digit).
CONTAINER_SHAPE = re.compile(r"^[A-Z]{4}\d{7}$")
# Airline prefix (3 digits), serial number (7 digits), check digit.
AIR_WAYBILL = re.compile(r"^\d{11}$")
# Separators people type inside a reference: "MSCU 123456-7", "176-1234 5675".
_INSIDE_SEPARATORS = re.compile(r"[\s\-]")
# Between references: new lines, commas or semicolons.
_BETWEEN_SEPARATORS = re.compile(r"[\n,;]+")

MAX_REFERENCES = 50


def _letter_values() -> dict[str, int]:
    # A = 10, then upwards, skipping 11, 22 and 33 (multiples of 11).
    values, value = {}, 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


_LETTER_VALUES = _letter_values()


def container_check_digit(first_ten: str) -> int:
    """The ISO 6346 check digit of owner code, category and serial number ("MSCU123456")."""
    total = sum(
        (_LETTER_VALUES[char] if char.isalpha() else int(char)) * 2**position
        for position, char in enumerate(first_ten)
    )
    return total % 11 % 10


def air_waybill_check_digit(serial_seven: str) -> int:
    """The check digit of an air waybill serial number: the first seven digits modulo 7."""
    return int(serial_seven) % 7


def normalise_container(text: str) -> str:
    """A container number in its stored form ("MSCU1234567"), or a ValidationError."""
    compact = _INSIDE_SEPARATORS.sub("", text).upper()
    if not CONTAINER_SHAPE.match(compact):
        raise ValidationError(
            _("%(reference)s is not a container number (4 letters and 7 digits, ISO 6346).")
            % {"reference": text}
        )
    return normalise_reference(text)


def normalise_air_waybill(text: str) -> str:
    """An air waybill number in its stored form ("176-12345675"), or a ValidationError."""
    compact = _INSIDE_SEPARATORS.sub("", text).upper()
    if not AIR_WAYBILL.match(compact):
        raise ValidationError(
            _("%(reference)s is not an air waybill number (3-digit airline prefix and 8 digits).")
            % {"reference": text}
        )
    return normalise_reference(text)


# UN/LOCODE: the country's ISO 3166 code, then three letters or digits 2 to 9 ("HKHKG").
UN_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def normalise_port(text: str) -> str:
    """A port's UN/LOCODE in its stored form ("HKHKG", from "HK HKG"), or a ValidationError."""
    compact = _INSIDE_SEPARATORS.sub("", text).upper()
    if not UN_LOCODE.match(compact):
        raise ValidationError(
            _("%(port)s is not a UN/LOCODE (country code and three letters, e.g. HKHKG).")
            % {"port": text}
        )
    return compact


def normalise_reference(text: str) -> str:
    """One reference in its stored form ("MSCU1234567", "176-12345675"), or a
    ValidationError naming it."""
    compact = _INSIDE_SEPARATORS.sub("", text).upper()
    if CONTAINER_SHAPE.match(compact):
        _check_container(compact, text)
        return compact
    if AIR_WAYBILL.match(compact):
        if air_waybill_check_digit(compact[3:10]) != int(compact[10]):
            raise ValidationError(
                _("%(reference)s is not a valid air waybill number: its check digit is wrong.")
                % {"reference": text}
            )
        return f"{compact[:3]}-{compact[3:]}"
    raise ValidationError(
        _(
            "%(reference)s is neither a container number (4 letters and 7 digits, ISO 6346) "
            "nor an air waybill number (3-digit airline prefix and 8 digits)."
        )
        % {"reference": text}
    )


def _check_container(compact: str, text: str) -> None:
    problems = []
    if not CONTAINER.match(compact):
        problems.append(
            _(
                "%(reference)s is not a valid container number: its fourth letter (the "
                "equipment category) must be U, J or Z, not %(letter)s."
            )
            % {"reference": text, "letter": compact[3]}
        )
    expected = container_check_digit(compact[:10])
    if expected != int(compact[10]):
        problems.append(
            _(
                "%(reference)s is not a valid container number: its check digit (the last "
                "digit) is %(given)s, but for %(first_ten)s it should be %(expected)d."
            )
            % {
                "reference": text,
                "given": compact[10],
                "first_ten": compact[:10],
                "expected": expected,
            }
        )
    if problems:
        raise ValidationError(problems)


def parse_references(text: str) -> list[str]:
    """Every reference in `text` (one a line, or separated by commas), normalised and without
    repeats; a ValidationError lists every reference that is not valid."""
    references, errors = [], []
    for item in _BETWEEN_SEPARATORS.split(text):
        item = item.strip()
        if not item:
            continue
        try:
            reference = normalise_reference(item)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if reference not in references:
            references.append(reference)
    if errors:
        raise ValidationError(errors)
    if len(references) > MAX_REFERENCES:
        raise ValidationError(
            _("At most %(limit)d shipment references per report.") % {"limit": MAX_REFERENCES}
        )
    return references
