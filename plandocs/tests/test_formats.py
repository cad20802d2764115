"""Plans arrive as PDF, .doc, saved web pages and Word files (issue 13): each sample plan, built in
every format, scores like its text against the gold file; hostile files (encrypted PDF, a scan,
a .doc that makes LibreOffice hang, 200 pages that are not a plan) get a Chinese message in time
and leave nothing saved, even two at once against the live server."""

from __future__ import annotations

import html
import importlib.util
import io
import json
import re
import shutil
import threading
import time
from pathlib import Path

import docx
import pytest
import requests
from django.conf import settings
from django.urls import reverse

from plandocs import intake
from plandocs.models import PlanImport
from plandocs.readers import ImportFailed, Para, TableBlock, extract
from plandocs.readers.text import text_to_blocks
from plandocs.tasks import soffice_convert
from plandocs.tests.test_import_web import assert_refused, upload
from qualitycity.uploads import PLAN_IMPORT_KINDS

BASE = Path(settings.BASE_DIR)
SAMPLES = sorted(p.stem for p in (BASE / "fixtures" / "samples").glob("*.txt"))
FORMATS = ["docx", "pdf", "doc", "html", "mhtml"]
HAS_SOFFICE = bool(shutil.which("soffice"))
needs_soffice = pytest.mark.skipif(
    not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed: make browser-deps"
)


def _scorer():
    spec = importlib.util.spec_from_file_location("score_import", BASE / "tests" / "data" / "score_import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


# ---- building a sample in each format -----------------------------------------------------


def sample_blocks(name: str) -> list[Para | TableBlock]:
    text = (BASE / "fixtures" / "samples" / f"{name}.txt").read_text(encoding="utf-8")
    return text_to_blocks(text)


def to_docx(blocks) -> bytes:
    document = docx.Document()
    for block in blocks:
        if isinstance(block, TableBlock):
            width = max(len(r) for r in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_html(blocks, *, title: str = "", chrome: bool = True) -> bytes:
    """A page as a government site serves it: navigation, breadcrumbs, the article in #zoom,
    related links and the footer."""
    body = []
    for block in blocks:
        if isinstance(block, TableBlock):
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in block.rows
            )
            body.append(f'<table border="1">{rows}</table>')
        else:
            body.append(f"<p>{html.escape(block.text)}</p>")
    if not chrome:
        return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{"".join(body)}</body></html>'.encode()
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}_市人民政府</title>
<script>var x = "一、不是任务";</script><style>p {{ margin: 0 }}</style></head><body>
<div class="header"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/xxgk">信息公开</a></div>
<ul class="nav"><li>一、机构设置</li><li>二、政策文件</li></ul>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>
<div class="main"><div id="zoom" class="TRS_Editor">{"".join(body)}</div>
<div class="related"><p>相关链接：一、市场监管局网站</p></div></div>
<div class="footer"><p>主办单位：市人民政府办公室 版权所有</p><p>网站标识码：3205000001</p></div>
</body></html>"""
    return page.encode("utf-8")


def to_mhtml(page: bytes) -> bytes:
    """The page as a browser's "save as single file" (.mhtml) writes it, quoted-printable."""
    import quopri

    return (
        b"From: <Saved by Blink>\r\nSnapshot-Content-Location: http://www.example.gov.cn/a.html\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype="text/html";\r\n'
        b'\tboundary="----MultipartBoundary--abc"\r\n\r\n------MultipartBoundary--abc\r\n'
        b"Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        b"Content-Location: http://www.example.gov.cn/a.html\r\n\r\n"
        + quopri.encodestring(page)
        + b"\r\n------MultipartBoundary--abc--\r\n"
    )


_BUILT: dict[tuple[str, str], bytes] = {}


def sample_file(name: str, fmt: str) -> bytes:
    """The sample in a format (LibreOffice renders the .docx as PDF, the page as .doc); cached."""
    key = (name, fmt)
    if key not in _BUILT:
        blocks = sample_blocks(name)
        if fmt == "docx":
            _BUILT[key] = to_docx(blocks)
        elif fmt == "pdf":
            _BUILT[key] = soffice_convert(
                sample_file(name, "docx"), filename="sample.docx", to="pdf", timeout=120
            )
        elif fmt == "doc":
            # (LibreOffice 7.4 drops python-docx's tables on the way to .doc; from HTML it keeps them.)
            page = to_html(blocks, chrome=False)
            _BUILT[key] = soffice_convert(page, filename="sample.html", to="doc", timeout=120)
        elif fmt == "html":
            _BUILT[key] = to_html(blocks, title=blocks[0].text)
        elif fmt == "mhtml":
            _BUILT[key] = to_mhtml(sample_file(name, "html"))
    return _BUILT[key]


@pytest.fixture
def eager_celery():
    """The conversion task runs in this process (as in the embedded mode): no worker needed."""
    from qualitycity.celery import app

    before = {k: app.conf.get(k) for k in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app
    app.conf.update(before)


@pytest.fixture
def plan_kinds(monkeypatch):
    """The plan upload form takes the new kinds (qualitycity.uploads.PLAN_IMPORT_KINDS)."""
    import plandocs.forms

    monkeypatch.setattr(plandocs.forms, "PLAN_FILE_KINDS", PLAN_IMPORT_KINDS, raising=False)


# ---- figures ----------------------------------------------------------------------------------


@needs_soffice
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_scores_in_every_format(name, fmt, eager_celery):
    gold = json.loads((BASE / "tests" / "data" / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    data = sample_file(name, fmt)
    started = time.perf_counter()
    result = intake.read_upload(data, f"{name}.{fmt}")
    seconds = time.perf_counter() - started
    scores, misses = _scorer()(gold, result.to_schema())
    figures = {k: round(v["f1"], 3) for k, v in scores.items() if isinstance(v, dict) and "f1" in v}
    print(f"FIGURE {name} {fmt} {figures} {seconds:.2f}s")
    assert scores["tasks"]["f1"] >= 0.98, misses
    assert scores["departments"]["f1"] >= 0.95, misses
    assert scores["targets"]["f1"] >= 0.95, misses
    assert result.doc == f"{name}.{fmt}"


# ---- PDF rules ----------------------------------------------------------------------------------


def weasy_pdf(body: str, css: str = "") -> bytes:
    from weasyprint import HTML

    page = f"<html><head><style>@page {{ size: A4; margin: 2cm }} body {{ font-family: 'Noto Sans CJK SC'; font-size: 12pt }} {css}</style></head><body>{body}</body></html>"
    return HTML(string=page).write_pdf()


def test_pdf_running_headers_page_numbers_and_wrapped_lines():
    css = (
        "@page { @top-center { content: '某市质量强市工作领导小组办公室文件' } "
        "@bottom-center { content: '- ' counter(page) ' -' } }"
    )
    items = []
    for i in range(1, 41):
        items.append(
            f"<p>{i}.开展第{i}项质量提升行动，加强质量基础设施建设，推动企业质量管理体系认证覆盖面持续扩大，"
            f"确保重点产品监督抽查合格率达到9{i % 10}%以上。(牵头单位:市市场监管局)</p>"
        )
    data = weasy_pdf(
        "<h2 style='text-align:center'>某市质量提升行动方案</h2><p>一、重点任务</p>" + "".join(items), css
    )
    result = extract(data, filename="方案.pdf")
    tasks = result.to_schema()["tasks"]
    assert len(tasks) == 40
    assert result.title == "某市质量提升行动方案"
    from plandocs.readers.pdf import pdf_blocks

    texts = [b.text for b in pdf_blocks(data, "方案.pdf")]
    assert texts[:2] == ["某市质量提升行动方案", "一、重点任务"]
    # no running header or page number is left, and each wrapped paragraph is whole again
    assert len(texts) == 42
    assert all(t.startswith(f"{i}.开展第{i}项") for i, t in enumerate(texts[2:], start=1))
    assert all(t.endswith("以上。(牵头单位:市市场监管局)") for t in texts[2:])
    assert {t["lead"][0] for t in tasks} == {"市市场监管局"}


def test_pdf_tables_are_read_as_tables():
    rows = "".join(
        f"<tr><td>{i}</td><td>开展第{i}项质量专项整治</td><td>市市场监管局</td><td>市公安局</td><td>2026年底</td></tr>"
        for i in range(1, 13)
    )
    table = (
        "<table border='1' style='border-collapse:collapse'><tr><th>序号</th><th>工作任务</th><th>牵头单位</th>"
        f"<th>配合单位</th><th>完成时限</th></tr>{rows}</table>"
    )
    data = weasy_pdf(
        f"<p style='text-align:center'>重点工作任务分解表</p>{table}", "td, th { border: 1px solid #000 }"
    )
    tasks = extract(data, filename="分解表.pdf").to_schema()["tasks"]
    assert len(tasks) == 12
    assert tasks[0]["lead"] == ["市市场监管局"] and tasks[0]["participating"] == ["市公安局"]


# ---- bad input ------------------------------------------------------------------------------------


def plan_pdf() -> bytes:
    return weasy_pdf("<p>某市质量工作方案</p><p>一、加强质量监管，开展监督抽查。(市市场监管局负责)</p>")


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plan_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(image).rectangle((100, 100, 1100, 300), outline="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


def long_pdf_not_a_plan(pages: int = 200) -> bytes:
    text = "这是一份会议纪要的正文，讨论了若干事项，但没有编号条目，也没有任务分解表。" * 20
    return weasy_pdf("".join(f"<p style='page-break-after:always'>{text}</p>" for _ in range(pages)))


def test_an_encrypted_pdf_is_refused_saying_so():
    with pytest.raises(ImportFailed) as info:
        extract(encrypted_pdf(), filename="加密.pdf")
    assert "加密" in info.value.message and "「加密.pdf」" in info.value.message


def test_a_scanned_pdf_is_refused_saying_it_has_no_text_layer():
    with pytest.raises(ImportFailed) as info:
        extract(scanned_pdf(), filename="扫描件.pdf")
    assert "扫描件" in info.value.message and "文字层" in info.value.message


def test_a_200_page_pdf_that_is_not_a_plan_gets_a_message_quickly():
    data = long_pdf_not_a_plan()
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as info:
        extract(data, filename="纪要.pdf")
    assert time.perf_counter() - started < 30
    assert "未找到编号条目" in info.value.message


def test_a_pdf_beyond_the_page_limit_is_refused_without_reading_it():
    from plandocs.readers.pdf import extract_pdf

    with pytest.raises(ImportFailed) as info:
        extract_pdf(long_pdf_not_a_plan(pages=12), "长.pdf", max_pages=10)
    assert "超过上限10页" in info.value.message


def test_pdf_reading_stops_at_its_time_limit():
    from plandocs.readers.pdf import extract_pdf

    with pytest.raises(ImportFailed) as info:
        extract_pdf(long_pdf_not_a_plan(pages=20), "慢.pdf", max_seconds=0)
    assert "读取超时" in info.value.message


def test_a_web_page_keeps_its_article_and_drops_the_site_around_it():
    page = to_html(
        [Para("某市质量工作方案"), Para("一、加强质量监管"), Para("(一)开展监督抽查。(市市场监管局负责)")],
        title="某市质量工作方案",
    )
    result = extract(page, filename="方案.html")
    assert [t.title for t in result.tasks] == ["开展监督抽查"]
    schema = result.to_schema()
    assert not any("机构设置" in str(t) or "市场监管局网站" in str(t) for t in schema["tasks"])


def test_a_gbk_web_page_without_a_known_body_reads_by_its_largest_text_block():
    page = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>"
        "<div class='menu'><p>一、首页</p><p>二、新闻</p></div>"
        "<div><p>某县质量提升方案</p><p>一、重点任务</p><p>1.开展质量提升行动，强化企业主体责任。(县市场监管局牵头)</p>"
        "<p>2.推进标准化建设，完善标准体系。(县发展改革委牵头)</p></div>"
        "<div class='footer'>版权所有</div></body></html>"
    ).encode("gb18030")
    tasks = extract(page, filename="方案.htm").to_schema()["tasks"]
    assert [t["lead"] for t in tasks] == [["县市场监管局"], ["县发展改革委"]]


HANGING_SOFFICE = "#!/bin/sh\nsleep 120\n"


@pytest.fixture
def hanging_soffice(tmp_path, settings):
    script = tmp_path / "soffice"
    script.write_text(HANGING_SOFFICE)
    script.chmod(0o755)
    settings.PLANDOCS_SOFFICE = str(script)
    settings.PLANDOCS_CONVERT_SECONDS = 2
    return script


def fake_doc() -> bytes:
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 512
        + "WordDocument".encode("utf-16-le")
        + b"\x00" * 1024
    )


@pytest.mark.django_db
def test_a_doc_that_makes_libreoffice_hang_gets_a_message_in_time_and_nothing_is_saved(
    client, cast, hanging_soffice, eager_celery, plan_kinds
):
    client.force_login(cast.office)
    started = time.perf_counter()
    response = upload(client, cast.jurisdiction, data=fake_doc(), name="卡住.doc")
    assert time.perf_counter() - started < 15
    assert_refused(response, "转换「卡住.doc」超时")
    assert not PlanImport.objects.exists()


@needs_soffice
@pytest.mark.django_db
def test_a_wps_file_is_converted_and_becomes_a_draft(client, cast, eager_celery, plan_kinds):
    data = sample_file(SAMPLES[0], "doc")
    client.force_login(cast.office)
    response = upload(client, cast.jurisdiction, data=data, name="方案.wps")
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = PlanImport.objects.get()
    assert draft.source_name == "方案.wps" and len(draft.extraction["tasks"]) > 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "name", "words"),
    [(encrypted_pdf, "加密.pdf", ["加密"]), (scanned_pdf, "扫描件.pdf", ["扫描件"])],
    ids=["encrypted", "scan"],
)
def test_hostile_pdfs_uploaded_are_refused_and_nothing_saved(client, cast, plan_kinds, make, name, words):
    client.force_login(cast.office)
    assert_refused(upload(client, cast.jurisdiction, data=make(), name=name), *words)
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_a_real_pdf_upload_becomes_a_draft_with_its_text(client, cast, plan_kinds):
    client.force_login(cast.office)
    response = upload(client, cast.jurisdiction, data=plan_pdf(), name="方案.pdf")
    assert response.status_code == 302
    draft = PlanImport.objects.get()
    assert "加强质量监管" in draft.source_text


def test_two_hostile_files_at_once_against_the_live_server(
    transactional_db, live_server, cast, hanging_soffice, eager_celery, plan_kinds
):
    from django.test import Client

    browser = Client()
    browser.force_login(cast.office)
    cookies = {k: v.value for k, v in browser.cookies.items()}
    url = live_server.url + reverse("plandocs:plan_import")
    session = requests.Session()
    session.cookies.update(cookies)
    page = session.get(url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    files = [(fake_doc(), "卡住.doc"), (long_pdf_not_a_plan(), "纪要.pdf")]
    answers: dict[str, str] = {}

    def post(data, name):
        response = session.post(
            url,
            data={"jurisdiction": cast.jurisdiction.pk, "csrfmiddlewaretoken": token},
            files={"file": (name, data)},
            headers={"Referer": url},
            timeout=60,
        )
        answers[name] = f"{response.status_code} {response.text}"

    threads = [threading.Thread(target=post, args=f) for f in files]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    pings = 0
    while any(t.is_alive() for t in threads):
        ping = requests.get(live_server.url + "/-/ping", timeout=5)
        assert ping.status_code == 200
        pings += 1
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    assert time.perf_counter() - started < 60
    assert pings >= 1
    assert answers["卡住.doc"].startswith("200") and "转换「卡住.doc」超时" in answers["卡住.doc"]
    assert answers["纪要.pdf"].startswith("200") and "未找到编号条目" in answers["纪要.pdf"]
    assert not PlanImport.objects.exists()


@needs_soffice
@pytest.mark.django_db
def test_the_bench_reads_its_plan_back_from_a_pdf():
    from bench.data import Scale, seed_large
    from bench.exports import time_pdf_import
    from bench.world import bench_jurisdictions
    from programmes.models import Plan

    seed_large(Scale(jurisdictions=1, departments=6, tasks=20, targets=30, sections=2))
    plans = Plan.objects.count()
    figures = time_pdf_import(jurisdiction=bench_jurisdictions().get(), tasks=40)
    assert figures["import_pdf_tasks"] == 40
    assert 0 < figures["import_pdf_1000_tasks_s"] < 60
    assert Plan.objects.count() == plans
