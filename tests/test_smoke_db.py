from datetime import date

from tests import factories as f
from tracker import db
from tracker.views.population import snapshot


def test_a_person_with_level_3_is_covered_for_level_2(database):
    asha = f.person(role="SPLW")
    f.trained(asha, "SG-L3", date(2025, 1, 10))
    [result] = snapshot(date(2026, 11, 22))
    sg2 = next(t for t in result.training if t.course == "SG-L2")
    assert sg2.status == "compliant"
    assert sg2.satisfied_by == "SG-L3"
    assert db.schema_version() == db.LATEST_VERSION
