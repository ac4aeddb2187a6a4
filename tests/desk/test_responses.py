"""The response `t` and `csdesk log --responds-to` pre-fill for an item (desk.work.response_for)."""

import datetime as dt

import pytest

from csdesk.core.models import AlertLevel, BriefItem, ItemKind, TouchpointKind
from csdesk.desk.work import response_for

AS_OF = dt.date(2026, 12, 4)


def _item(kind, item_id, title="Scheduled today: QBR", respond_with=TouchpointKind.qbr):
    return BriefItem(account_id="A1", name="Acme", kind=kind, level=AlertLevel.info,
                     title=title, action="Hold it", due=AS_OF, overdue=False, id=item_id,
                     respond_with=respond_with)


@pytest.mark.parametrize("item", [
    _item(ItemKind.scheduled, "A1:scheduled:2026-12-04:qbr"),
    _item(ItemKind.alert, "A1:alert:band_red:2026-11-10", "Health red",
          TouchpointKind.executive),
])
def test_who_was_met_is_kept_whatever_the_item(item):
    # `--with` was dropped for a scheduled meeting held (its touchpoint named nobody)
    t = response_for(item, AS_OF, ("ann@acme.example",))
    assert t.contacts == ("ann@acme.example",) and t.responds_to == item.id
