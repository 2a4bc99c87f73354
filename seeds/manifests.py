"""The demo's manifests (docs/manifests.md): one sea manifest the officer imported, through the
real import, whose lines carry the containers of two of the demo's reports (partner1's reefers
and an earlier suspicious shipment), so that triage shows matched reports and their side-by-side
page; and lines that match nothing. A second run finds it imported and does nothing."""

import io

from partners.models import Manifest
from partners.services.manifests import MANIFEST_COLUMNS, manifest_import

FILE_NAME = "demo-manifest-MSC-OSCAR-123E.csv"
LINES = [
    [
        "TGHU 730418-9",
        "MSC OSCAR",
        "123E",
        "CLSAI",
        "HKHKG",
        "Frozen fish, 1,200 cartons",
        "Harbour Seafood Trading Ltd",
    ],
    [
        "CMAU 338207-2",
        "MSC OSCAR",
        "123E",
        "CLSAI",
        "HKHKG",
        "Frozen fish, 1,150 cartons",
        "Harbour Seafood Trading Ltd",
    ],
    [
        "OOLU 842157-5",
        "MSC OSCAR",
        "123E",
        "CNSHA",
        "HKHKG",
        "Cotton garments, 800 cartons",
        "Kowloon Apparel Co",
    ],
    [
        "CSQU 305438-3",
        "MSC OSCAR",
        "123E",
        "CNSHA",
        "HKHKG",
        "Plastic toys, 640 cartons",
        "Bright Toys Ltd",
    ],
]


def seed_manifests(users: dict) -> int:
    """Import the demo's manifest unless it is there; the number of manifests imported."""
    if Manifest.objects.filter(file_name=FILE_NAME).exists():
        return 0
    rows = [",".join(MANIFEST_COLUMNS)] + [
        ",".join(f'"{value}"' for value in line) for line in LINES
    ]
    data = io.BytesIO(("\n".join(rows) + "\n").encode())
    manifest_import(data=data, file_name=FILE_NAME, user=users["officer"])
    return 1
