from django.db import migrations, models


def names_of_the_day(apps, schema_editor):
    """Certificates issued before this migration printed the enterprise's names as they are now
    (names are corrected by reissuing, which this field is for)."""
    Certificate = apps.get_model("awards", "Certificate")
    for certificate in Certificate.objects.select_related("result__nomination__enterprise"):
        enterprise = certificate.result.nomination.enterprise
        certificate.name_en, certificate.name_zh = enterprise.name_en, enterprise.name_zh
        certificate.save(update_fields=["name_en", "name_zh"])


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0003_certificate_runs_and_ceremony"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="name_en",
            field=models.CharField(
                default="", max_length=200, verbose_name="name (English) as printed"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="name_zh",
            field=models.CharField(
                default="", max_length=100, verbose_name="name (Chinese) as printed"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(names_of_the_day, migrations.RunPython.noop),
    ]
