"""Today's figures for the team lead, drawn with pyqtgraph (第二十七、三十三条).

Four charts: requests per hour, tickets per request type, and the two measures
the regulation rates units by — the on-time completion rate and the
satisfaction rate. pyqtgraph draws them (QtCharts is not part of the
PySide6-Essentials wheel); nothing is painted by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

BAR_BLUE = "#3a78c2"
BAR_ORANGE = "#e08a2c"
BAR_GREEN = "#3c9a5f"
BAR_PURPLE = "#7d57c1"

pg.setConfigOptions(antialias=True, background="w", foreground="#333333")


def _plot(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setTitle(title, size="11pt")
    plot.showGrid(x=False, y=True, alpha=0.25)
    plot.setMinimumHeight(180)
    return plot


class FiguresPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("今日数据", self)
        self.title.setObjectName("sectionTitle")
        self.hourly = _plot("每小时来电量")
        self.by_type = _plot("各类诉求工单量")
        self.rates = _plot("按时办结率与满意率（%）")
        self.summary = QLabel(self)
        self.summary.setObjectName("figuresSummary")
        self.summary.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self.hourly, 0, 0, 1, 2)
        grid.addWidget(self.by_type, 1, 0)
        grid.addWidget(self.rates, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        self._labels: list[pg.TextItem] = []
        self.values: dict[str, object] = {}

    def set_figures(
        self,
        day: date,
        per_hour: Sequence[int],
        per_type: Mapping[str, int],
        on_time_rate: float | None,
        satisfaction_rate: float | None,
        total: int | None = None,
    ) -> None:
        """Redraw every chart. Rates are fractions (0–1) or ``None`` when nothing to rate."""
        hours = list(per_hour)[:24] + [0] * max(0, 24 - len(per_hour))
        self.values = {"per_hour": hours, "per_type": dict(per_type),
                       "on_time_rate": on_time_rate, "satisfaction_rate": satisfaction_rate}
        count = total if total is not None else sum(per_type.values())
        self.title.setText(f"{day:%Y年%m月%d日} 数据")
        on_time = "暂无" if on_time_rate is None else f"{on_time_rate:.1%}"
        satisfied = "暂无" if satisfaction_rate is None else f"{satisfaction_rate:.1%}"
        # calls (one per call, whatever it ended in) and the records made of them
        self.summary.setText(f"今日来电 {sum(hours)} 个 · 受理记录 {count} 件 · "
                             f"按时办结率 {on_time} · 满意率 {satisfied}")

        self.hourly.clear()
        self.hourly.addItem(pg.BarGraphItem(x=list(range(24)), height=hours, width=0.7,
                                            brush=BAR_BLUE, pen=None))
        axis = self.hourly.getAxis("bottom")
        axis.setTicks([[(h, f"{h}时") for h in range(0, 24, 2)]])
        self.hourly.setXRange(-0.6, 23.6, padding=0)
        self.hourly.setYRange(0, max(max(hours), 1) * 1.15, padding=0)

        self.by_type.clear()
        labels = list(per_type)
        values = [per_type[label] for label in labels]
        if labels:
            self.by_type.addItem(pg.BarGraphItem(x=list(range(len(labels))), height=values,
                                                 width=0.6, brush=BAR_ORANGE, pen=None))
        self.by_type.getAxis("bottom").setTicks([list(enumerate(labels))])
        self.by_type.setXRange(-0.6, max(len(labels), 1) - 0.4, padding=0)
        self.by_type.setYRange(0, max(values, default=0) * 1.2 + 1, padding=0)

        self.rates.clear()
        names = ["按时办结率", "满意率"]
        rates = [on_time_rate, satisfaction_rate]
        heights = [0.0 if r is None else r * 100 for r in rates]
        self.rates.addItem(pg.BarGraphItem(x=[0, 1], height=heights, width=0.5,
                                           brushes=[BAR_GREEN, BAR_PURPLE], pen=None))
        self.rates.getAxis("bottom").setTicks([list(enumerate(names))])
        self.rates.setXRange(-0.6, 1.6, padding=0)
        self.rates.setYRange(0, 115, padding=0)
        font = QFont()
        font.setPointSize(11)
        font.setBold(True)
        for x, (rate, height) in enumerate(zip(rates, heights, strict=True)):
            text = "暂无数据" if rate is None else f"{rate:.1%}"
            label = pg.TextItem(text, color="#222222", anchor=(0.5, 1.0))
            label.setFont(font)
            label.setPos(x, height + 2)
            self.rates.addItem(label)
