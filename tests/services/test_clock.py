"""Clock skew against the server (the status bar warns above two minutes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.services.clock import (
    SKEW_WARNING_SECONDS,
    china_now,
    measure_skew,
    skew_warning,
)


@given(sent=st.floats(1.0e9, 2.0e9), rtt=st.floats(0, 30), skew=st.floats(-86_400, 86_400))
def test_skew_is_measured_against_the_midpoint_of_the_request(sent: float, rtt: float,
                                                              skew: float) -> None:
    received = sent + rtt
    server = datetime.fromtimestamp((sent + received) / 2 + skew, UTC)
    measured = measure_skew(server, sent, received)
    assert measured == pytest.approx(skew, abs=1e-3)
    if abs(abs(skew) - SKEW_WARNING_SECONDS) > 1e-2:  # away from float noise at the edge
        assert skew_warning(measured) == (abs(skew) > SKEW_WARNING_SECONDS)


def test_warning_threshold_and_time_zone() -> None:
    assert not skew_warning(None) and not skew_warning(120.0) and skew_warning(-120.5)
    assert china_now().utcoffset() == timedelta(hours=8)
    with pytest.raises(ValueError):
        measure_skew(datetime(2026, 1, 1), 0.0, 1.0)
