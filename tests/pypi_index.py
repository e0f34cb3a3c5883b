"""A package index for tests: PEP 691 JSON and real wheels and sdists built around a model."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import zipfile
from dataclasses import dataclass, field

from kms_permissions.scraper.pypi_botocore import SIMPLE_JSON

from .http_server import Reply

PYPI, FILES = "https://pypi.org", "https://files.pythonhosted.org"
INDEX_PATH = "/simple/botocore/"
MEMBER = "botocore/data/kms/2014-11-01/service-2.json.gz"
OLD_MEMBER = "botocore/data/aws/kms/2014-11-01.normal.json"


def wheel(model: bytes, filler: int = 2 * 1024 * 1024, members: int = 300) -> bytes:
    """A wheel laid out like botocore's: many small members, a large one, the KMS model
    gzip-compressed inside the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(members):
            archive.writestr(f"botocore/data/service{number}/2020-01-01/service-2.json", b"{}")
        archive.writestr(MEMBER, gzip.compress(model, mtime=0))
        # Incompressible, after the model: the whole wheel is large (botocore's is 16 MB) and
        # the model is far from the central directory, as in botocore's wheels.
        archive.writestr("botocore/vendored/filler.bin", os.urandom(filler), zipfile.ZIP_STORED)
        archive.writestr("botocore-1.dist-info/RECORD", b"")
    return buffer.getvalue()


def sdist(model: bytes, version: str) -> bytes:
    """An old sdist: a tar.gz with the model at the path botocore used before 0.107.0."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, body in ((f"botocore-{version}/setup.py", b""), (OLD_MEMBER, model)):
            name = name if name.startswith("botocore-") else f"botocore-{version}/{name}"
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    return buffer.getvalue()


@dataclass
class Index:
    """An index of releases being written: files served, and the PEP 691 document."""

    files: list[dict[str, object]] = field(default_factory=list)
    routes: dict[str, list[Reply]] = field(default_factory=dict)

    def add(
        self, filename: str, body: bytes, uploaded: str, ranges: bool = True, **extra: object
    ) -> str:
        path = f"/packages/{hashlib.sha256(body).hexdigest()[:8]}/{filename}"
        self.files.append(
            {
                "filename": filename,
                "url": f"{FILES}{path}",
                "hashes": {"sha256": hashlib.sha256(body).hexdigest()},
                "size": len(body),
                "upload-time": uploaded,
                "yanked": False,
                **extra,
            }
        )
        headers = {"Content-Type": "application/octet-stream"}
        self.routes[path] = [Reply(200, body, headers, ranges=ranges)]
        return path

    def served(self) -> dict[str, list[Reply]]:
        document = {
            "meta": {"api-version": "1.1"},
            "name": "botocore",
            "files": self.files,
            "versions": sorted({str(f["filename"]).split("-")[1] for f in self.files}),
        }
        page = Reply(200, json.dumps(document).encode(), {"Content-Type": SIMPLE_JSON})
        return {**self.routes, INDEX_PATH: [page]}


def mirrors(base: str) -> dict[str, str]:
    return {PYPI: base, FILES: base}
