"""Charts are SVG built from strings: every label that comes from data must come out escaped."""

import pytest

from qualitycity import charts

EVIL = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.mark.parametrize(
    "svg",
    [
        lambda: charts.bar_chart([(EVIL, 3.0)], unit=EVIL, links={EVIL: f"/x?{EVIL}"}),
        lambda: charts.stacked_bar_chart([(EVIL, {"a": 1.0})], series=[("a", EVIL, "#000")]),
        lambda: charts.line_chart([(EVIL, 1.0), ("b", 2.0)], target=1.5, unit=EVIL),
        lambda: charts.heatmap([EVIL], [EVIL], {(EVIL, EVIL): "ok"}, legend={"ok": (EVIL, "#0f0")}),
        lambda: charts.traffic_lights({"met": 2}, labels={"met": EVIL}, colours={"met": "#0f0"}),
    ],
)
def test_data_in_a_chart_is_escaped(svg):
    markup = str(svg())
    assert markup.startswith("<svg") and markup.endswith("</svg>")
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;" in markup
