"""The `demo_data` fixture gives every test the rows `load_demo` wrote, keys and all."""

from __future__ import annotations

import pytest

from cxgov.testing import demo
from cxgov.testing.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("copy", ["first", "second"])
def test_each_test_gets_every_demo_row_back(demo_data: None, copy: str) -> None:
    snapshot = demo.demo_snapshot_current()
    assert snapshot, "the demo wrote no rows"
    for table in snapshot:
        manager = table.model._base_manager
        assert manager.count() == len(table.rows), table.model._meta.db_table
        pk_index = table.columns.index(table.model._meta.pk.column)
        first = table.rows[0][pk_index]
        assert manager.filter(pk=first).exists(), table.model._meta.db_table


def test_new_rows_after_the_copy_get_fresh_keys(demo_data: None) -> None:
    agency = AgencyFactory._meta.model
    (table,) = [t for t in demo.demo_snapshot_current() if t.model is agency]
    pk_index = table.columns.index(agency._meta.pk.column)
    assert AgencyFactory().pk not in {row[pk_index] for row in table.rows}
