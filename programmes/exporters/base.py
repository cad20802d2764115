# Moved to qualitycity.exporters (shared by every app); kept while in-flight work imports it.
from qualitycity.exporters.base import *  # noqa: F403
from qualitycity.exporters.base import (  # noqa: F401
    CONTENT_TYPES,
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Column,
    ExportFile,
    ListExporter,
    Row,
)
