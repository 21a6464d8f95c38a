"""Decision 766 indicators computed on the hand-built data set; the others say they are outside motcua."""

import pytest

from motcua.dossiers.models import Dossier
from motcua.stats.service_index import service_index
from motcua.stats.tests import dataset
from motcua.stats.tests.dataset import END, NOW, START

pytestmark = pytest.mark.django_db


def test_indicators(world, clock):
    dataset.build(world, clock)
    index = service_index(Dossier.objects.all(), date_from=START, date_to=END, now=NOW)
    by_code = {i.code: i for i in index.indicators}
    assert sum(i.points for i in index.indicators) == 100
    groups = {}
    for i in index.indicators:
        groups[i.group] = groups.get(i.group, 0) + i.points
    assert groups == {
        "publicity": 18,
        "progress": 20,
        "online_service": 12,
        "online_payment": 10,
        "satisfaction": 18,
        "digitisation": 22,
    }
    # 2.1: (early + on time) / resolved = 2 / 4 → 10 of 20 points.
    assert (by_code["2.1"].numerator, by_code["2.1"].denominator, by_code["2.1"].score) == (2, 4, 10.0)
    # 3.2: the procedure is not offered online in the fixture → no dossier counts, no score.
    assert by_code["3.2"].denominator == 0 and by_code["3.2"].score is None
    # 1.3: the two versions in force (Justice's and Health's) have documents, but the factory leaves their
    # applicants empty → 0 / 2.
    assert (by_code["1.3"].numerator, by_code["1.3"].denominator) == (0, 2)
    # 6.1: D1 was returned online, the only returned dossier → 6 of 6.
    assert (by_code["6.1"].numerator, by_code["6.1"].denominator, by_code["6.1"].score) == (1, 1, 6.0)
    # 5.3: no rating → "no data", never guessed.
    assert not by_code["5.3"].computed and by_code["5.3"].score is None
    for code in ("1.1", "1.2", "1.4", "5.2", "6.2", "6.3"):
        assert not by_code[code].computed and by_code[code].note and by_code[code].score is None
    # 4.1 / 4.2 come from the payment records (motcua.payments): no fee in the fixture → no dossier counts.
    assert by_code["4.2"].computed and by_code["4.2"].denominator == 0 and by_code["4.2"].score is None
    assert index.points_outside == 4 + 4 + 6 + 6 + 8 + 8 + 6  # 5.3 without ratings too
