"""A dossier's whole life through the workflow, step by step, for the delivery tests and the benchmark.

`LIFE` is the list of (action, who, payload) from reception to the returned result, with a supplement
on the way: 10 events, 7 of them sent to the portal.
"""

from __future__ import annotations

from collections.abc import Callable

from motcua.dossiers.services import dossier_act

LIFE: list[tuple[str, str, dict]] = [
    ("forward", "officer", {}),
    ("assign", "leader", {"assignee": "specialist"}),
    ("request_supplement", "specialist", {"reason": "Bổ sung bản sao giấy khai sinh"}),
    ("supplement", "citizen", {}),
    ("forward", "specialist", {}),
    ("propose", "specialist", {}),
    ("approve", "leader", {}),
    ("mark_result_ready", "leader", {}),
    ("return_result", "officer", {"method": "desk"}),
]


def step(dossier, index: int, people: Callable[[str], object]):
    """Take step `index` of `LIFE` on `dossier`; returns the dossier as it now stands."""
    action, who, payload = LIFE[index]
    payload = {k: (people(v).pk if k == "assignee" else v) for k, v in payload.items()}
    return dossier_act(
        dossier_code=dossier.code, action=action, actor=people(who), version=dossier.version, **payload
    )
