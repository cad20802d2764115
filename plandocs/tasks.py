"""Plan documents' background work: old Office files (.doc, .wps, .et, .xls) converted to
.docx/.xlsx by LibreOffice, in the worker, never in the web process.

Each conversion runs headless soffice with its own throwaway profile directory
(-env:UserInstallation=file:///tmp/…), no proxy in its environment and a hard time limit: the
subprocess is killed (its whole process group) after PLANDOCS_CONVERT_SECONDS, and Celery's
soft/hard limits stop the task a little later whatever happens. The soffice binary is the
setting PLANDOCS_SOFFICE (tests point it at a script that hangs).

Bytes travel base64-encoded (the JSON serializer); the task returns {"data": …} or
{"error": "<Chinese message>"} rather than raising, so the message survives the result backend.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import subprocess  # nosec B404
import tempfile
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext

CONVERT_SECONDS = 60
# What LibreOffice is told to write for each target, and the input name it reads best.
FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "pdf": "pdf",
    "doc": "doc:MS Word 97",
}
INPUT_EXTENSIONS = {"wps": "doc", "et": "xls", "wpt": "dot", "ett": "xlt"}


def convert_seconds() -> float:
    return float(settings.PLANDOCS_CONVERT_SECONDS)


def soffice_path() -> str:
    return settings.PLANDOCS_SOFFICE or shutil.which("soffice") or "/usr/bin/soffice"


class ConversionFailed(Exception):
    """LibreOffice could not convert the file; the message is in Chinese, for the office."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def soffice_convert(data: bytes, *, filename: str, to: str, timeout: float | None = None) -> bytes:
    """Convert with headless LibreOffice in a private temporary directory; ConversionFailed with
    a Chinese message when soffice is missing, fails, writes nothing or outlasts the timeout."""
    timeout = convert_seconds() if timeout is None else timeout
    ext = (filename.rsplit(".", 1)[-1] if "." in filename else "bin").lower()
    ext = INPUT_EXTENSIONS.get(ext, ext)
    binary = soffice_path()
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)) and not shutil.which(binary):
        raise ConversionFailed(
            gettext("服务器未安装 LibreOffice，无法读取「%(filename)s」：请另存为 .docx 或 .xlsx 后再导入")
            % {"filename": filename}
        )
    with tempfile.TemporaryDirectory(prefix="qc-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"input.{ext}"
        source.write_bytes(data)
        out = work / "out"
        out.mkdir()
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(HOME=str(work), TMPDIR=str(work), SAL_USE_VCLPLUGIN="svp")
        args = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nofirststartwizard",
            "--convert-to",
            FILTERS[to],
            "--outdir",
            str(out),
            str(source),
        ]
        process = subprocess.Popen(  # nosec B603
            args, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _out, err = process.communicate(timeout=timeout)
        except (subprocess.TimeoutExpired, SoftTimeLimitExceeded) as exc:
            _kill(process)
            raise ConversionFailed(
                gettext(
                    "转换「%(filename)s」超时（超过%(seconds)s秒），文件可能已损坏：请另存为 .docx 或 .xlsx 后再导入"
                )
                % {"filename": filename, "seconds": int(timeout)}
            ) from exc
        finally:
            _kill(process)
        result = out / f"input.{to}"
        if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed(
                gettext(
                    "LibreOffice 无法读取「%(filename)s」，文件可能已损坏或已加密：请另存为 .docx 或 .xlsx 后再导入"
                )
                % {"filename": filename}
            )
        return result.read_bytes()


def _kill(process) -> None:
    """The soffice process and any child it started (oosplash → soffice.bin)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@shared_task(
    name="plandocs.convert_office",
    soft_time_limit=CONVERT_SECONDS + 10,
    time_limit=CONVERT_SECONDS + 20,
    acks_late=False,  # a file that kills the worker is not handed to the next one
)
def convert_office(data_b64: str, filename: str, to: str) -> dict:
    """A .doc/.wps/.et/.xls file (base64) → {"data": base64 of the .docx/.xlsx} or {"error": …}."""
    try:
        converted = soffice_convert(base64.b64decode(data_b64), filename=filename, to=to)
    except ConversionFailed as exc:
        return {"error": exc.message}
    except SoftTimeLimitExceeded:
        return {
            "error": gettext("转换「%(filename)s」超时，文件可能已损坏：请另存为 .docx 或 .xlsx 后再导入")
            % {"filename": filename}
        }
    return {"data": base64.b64encode(converted).decode("ascii")}
