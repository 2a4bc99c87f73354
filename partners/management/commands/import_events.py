from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partners.services.imports import ImportRejected, events_import
from portal.roles import Role, has_role

# Stands for "the command line" as the logger of imported events; it can never log in.
COMMAND_LINE_ACCOUNT = "records-import"


class Command(BaseCommand):
    help = (
        "Import cooperation events from a CSV or XLSX file (docs/import.md). The whole file is "
        "checked first; if any row has a problem nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (UTF-8) or XLSX file")
        parser.add_argument(
            "--as-verified",
            action="store_true",
            help="Historical records checked outside the portal: store them as verified.",
        )
        parser.add_argument(
            "--verifier",
            metavar="USERNAME",
            help="With --as-verified: the user, holding the Verifier role, recorded as verifier.",
        )
        parser.add_argument(
            "--officer",
            metavar="USERNAME",
            help=f"The officer recorded as logging the events (default: {COMMAND_LINE_ACCOUNT}).",
        )

    def handle(self, *args, file, as_verified, verifier, officer, **options):
        if as_verified and not verifier:
            raise CommandError("--as-verified needs --verifier USERNAME.")
        if verifier and not as_verified:
            raise CommandError("--verifier is only used with --as-verified.")
        try:
            data = file.open("rb")  # read row by row by the import, never whole
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc

        # One transaction: a rejected file leaves no trace, not even the command-line account.
        with data, transaction.atomic():
            logger = (
                _user_with_role(officer, Role.OFFICER, "--officer")
                if officer
                else _command_line_account()
            )
            checker = _user_with_role(verifier, Role.VERIFIER, "--verifier") if verifier else None
            if checker is not None and checker.pk == logger.pk:
                raise CommandError(
                    "The verifier must be someone other than the officer who logs the events."
                )
            try:
                result = events_import(
                    data=data,
                    file_name=file.name,
                    user=logger,
                    as_verified=as_verified,
                    verifier=checker,
                )
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
            except ImportRejected as rejected:
                for problem in rejected.problems:
                    self.stderr.write(
                        f"row {problem.row or '—'}, column {problem.column or '—'}: "
                        f"{problem.message}"
                    )
                raise CommandError(
                    f"{len(rejected.problems)} problem(s) in {file.name}; nothing was imported."
                ) from None
        self.stdout.write(f"{result.created} events imported as {result.status}.")


def _user_with_role(username: str, role: str, option: str):
    try:
        user = get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"{option}: there is no user named {username!r}.") from None
    if not user.is_active:
        raise CommandError(f"{option}: the account {username!r} is inactive.")
    if not has_role(user, role):
        raise CommandError(f"{option}: {username!r} does not hold the {role} role.")
    return user


def _command_line_account():
    user, _ = get_user_model().objects.get_or_create(
        username=COMMAND_LINE_ACCOUNT,
        defaults={"is_active": False, "password": make_password(None)},
    )
    return user
