"""Where the files the app writes live: published PDFs and report PDFs, through Django's
storage API. The local file system (MEDIA_ROOT) is the embedded default; with S3_BUCKET
set (production, more than one machine) an S3-compatible bucket that every web process
and worker shares (settings ``STORAGES["default"]``).

Downloads stream from the storage: the web process passes the object on in blocks and
never holds a whole file in memory (``file_download``).
"""

import logging
from typing import IO, Any

from botocore.exceptions import ClientError
from django.core.files.base import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from storages.backends import s3
from storages.utils import clean_name

logger = logging.getLogger(__name__)


class S3StreamFile(File):
    """An object of the bucket opened for reading: reads come from the response body as
    it arrives, block by block."""

    def __init__(self, body: IO[bytes], name: str, size: int) -> None:
        super().__init__(body, name)
        self.size = size

    def seekable(self) -> bool:
        return False


class S3Storage(s3.S3Storage):
    """django-storages' S3 storage, except that a file opened for reading is a stream.

    django-storages downloads the whole object into a temporary file first (in memory,
    unless ``max_memory_size`` is set) before the first byte can be read.
    """

    def _open(self, name: str, mode: str = "rb") -> Any:
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            response = self.bucket.Object(key).get()
        except ClientError as err:
            if err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from err
            raise
        return S3StreamFile(response["Body"], name, int(response["ContentLength"]))


def file_download(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """A download of a stored file, streamed from the storage as an attachment.

    Served by the app rather than by redirecting to a signed bucket URL: the bucket stays
    private and unreachable from outside, each download is checked against the person's
    access when it is asked for (a signed URL works for anyone who has it until it
    expires), and the response keeps the site's own name, headers and file name.
    """
    if not file.name:
        raise FileNotFoundError("Nothing is stored in this field")
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        # The row names a file the storage does not have (lost, or a copy of the database
        # without its files): a 404 for the reader, an error for whoever runs the service.
        logger.error("The storage has no %s", file.name)
        raise Http404("This file is not available") from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    size = getattr(handle, "size", None)
    if not response.has_header("Content-Length") and isinstance(size, int):
        response["Content-Length"] = str(size)
    return response
