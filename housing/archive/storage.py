"""Content-addressed, write-once file storage for the archive under ``MEDIA_ROOT``.

A blob's path is derived from its SHA-256, so the same bytes always land in the same place and
two documents with identical files share one blob. A blob is created exclusively (hard link of a
fully written temporary file: atomic, fails if the name exists) and made read-only; an existing
blob is reused only after its hash is re-checked, never rewritten.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .models import storage_name_for

CHUNK_SIZE = 1024 * 1024


class StorageIntegrityError(Exception):
    """A stored blob does not hash to its name: it was altered or damaged on disk."""


def blob_path(sha256: str) -> Path:
    return Path(settings.MEDIA_ROOT) / storage_name_for(sha256)


def sha256_of_file(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
        digest.update(chunk)
    return digest.hexdigest()


def blob_hash(sha256: str) -> str:
    with open(blob_path(sha256), "rb") as handle:
        return sha256_of_file(handle)


def hash_chunks(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def blob_store(*, sha256: str, chunks: Iterable[bytes]) -> Path:
    """Write ``chunks`` (whose hash is ``sha256``) once; reuse an intact existing blob.

    Raises ``StorageIntegrityError`` if the bytes do not match ``sha256`` or if a damaged blob
    already occupies the path (it is left untouched for investigation, never overwritten).
    """
    target = blob_path(sha256)
    if target.exists():
        _check_existing(target, sha256)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if digest.hexdigest() != sha256:
            raise StorageIntegrityError(_("写入的文件内容与摘要不一致，已放弃保存。"))
        os.chmod(temp_name, 0o444)
        try:
            # link() is the exclusive create: it fails if another upload placed the blob first.
            os.link(temp_name, target)
        except FileExistsError:
            _check_existing(target, sha256)
    finally:
        Path(temp_name).unlink(missing_ok=True)
    return target


def _check_existing(target: Path, sha256: str) -> None:
    with open(target, "rb") as handle:
        actual = sha256_of_file(handle)
    if actual != sha256:
        raise StorageIntegrityError(
            _("存储中已有同名文件但内容校验失败（%(path)s），拒绝覆盖。") % {"path": target.name}
        )
