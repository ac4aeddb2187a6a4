"""The highlighted item's detail under the queue (Today): its id is always in sight."""

import datetime as dt
import io

import pytest
from rich.console import Console

from csdesk.core.models import AlertLevel, BriefItem, ItemKind
from csdesk.tui.screens.today import item_detail

AS_OF = dt.date(2026, 12, 4)
ITEM_ID = "0015g0000q0biKKAAY:nps_detractor:2026-11-15:erin.nguyen@marlowmarkets.com"


def lines(text, width):
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(text)
    return console.export_text().splitlines()


@pytest.mark.parametrize("clears_words", [1, 20, 120])
@pytest.mark.parametrize("width", [78, 118])
def test_the_id_is_within_the_boxs_eight_lines_however_long_what_clears_it(clears_words, width):
    item = BriefItem(account_id="A1", name="Marlow Markets LLC", kind=ItemKind.nps_detractor,
                     level=AlertLevel.warning,
                     title="NPS detractor (6) from erin.nguyen@marlowmarkets.com on 2026-11-15",
                     action="Follow up and log the conversation", due=dt.date(2026, 11, 20),
                     overdue=True, id=ITEM_ID, clears_when=" ".join(["touchpoint"] * clears_words))
    shown = lines(item_detail(item, AS_OF), width)
    at = next(i for i, line in enumerate(shown) if ITEM_ID in line)
    assert at < 8  # #queue-detail's max-height
    assert "Clears when" not in "".join(shown[:at])  # the id before what clears it
    assert any("Clears when:" in line for line in shown[at:])
