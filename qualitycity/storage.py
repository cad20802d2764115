"""Private file storage: evidence and generated reports live under PRIVATE_ROOT (a directory
every app server and worker mounts) or, where a deployment has it, in object storage through
django-storages; never under a public URL: views stream them after a permission check. A file
a row no longer uses is deleted after the commit."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


def private_storage(subdir: str) -> Storage:
    """The storage of one kind of private file (evidence, compiled, statistics, assessments): the
    deployment's STORAGES["private"] backend with its location under `subdir` where there is one
    (object storage every server reaches), else the shared directory PRIVATE_ROOT/subdir."""
    configured = settings.STORAGES.get("private")
    if configured is None:
        return PrivateStorage(subdir)
    options = dict(configured.get("OPTIONS", {}))
    options["location"] = "/".join(part for part in (options.get("location", "").strip("/"), subdir) if part)
    return import_string(configured["BACKEND"])(**options)


class PrivateStorage(FileSystemStorage):
    def __init__(self, subdir: str):
        self.subdir = subdir
        super().__init__(base_url=None)

    # Read at every use, not once at import, so a change of PRIVATE_ROOT (tests, deployments
    # that mount a volume) takes effect.
    @property
    def base_location(self):
        return str(Path(settings.PRIVATE_ROOT) / self.subdir)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(_("私有文件没有公开地址，请通过有权限检查的视图下载"))

    def deconstruct(self):
        return ("qualitycity.storage.PrivateStorage", (self.subdir,), {})


def file_delete_on_commit(storage, name: str) -> None:
    """A stored file goes once the transaction that dropped it commits: a rollback keeps the
    row and its file together."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def file_replace(field_file, *, name: str, content, save: bool = True) -> None:
    """A file field takes a new file; the one it replaces is deleted after the commit, so a
    replaced file does not stay on disk."""
    old = field_file.name
    field_file.save(name, content, save=save)
    if old and old != field_file.name:
        file_delete_on_commit(field_file.storage, old)
