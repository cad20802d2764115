"""Private file storage: evidence and generated reports live under PRIVATE_ROOT, never under a
public URL; views stream them after a permission check."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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
        raise ValueError("私有文件没有公开地址，请通过有权限检查的视图下载")

    def deconstruct(self):
        return ("qualitycity.storage.PrivateStorage", (self.subdir,), {})
