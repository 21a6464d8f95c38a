"""Dossiers filed on the national portal come in, get our code, and their status flows back."""

from __future__ import annotations

import pytest

from motcua.dossiers.services import dossier_act
from motcua.dvcqg.models import NationalFiling
from motcua.dvcqg.services import filings_pull
from motcua.dvcqg.tests.test_delivery import drain

pytestmark = pytest.mark.django_db


def filing(world, **extra):
    return {
        "MaTTHC": world.version.procedure.code,
        "MaDonVi": world.commune.identifier,
        "ChuHoSo": "Lò Văn Quốc",
        "MaDoiTuong": "014090000001",
        "SoDienThoai": "0912345678",
        **extra,
    }


def test_a_national_filing_is_taken_in_once_received_at_the_desk_and_its_status_flows_back(
    world, simulator, mapped
):
    national = simulator.add_filing(filing(world))
    [taken] = filings_pull()
    assert taken.national_code == national and taken.dossier.status == "submitted"
    dossier = taken.dossier
    assert (
        dossier.channel == "online" and dossier.applicant_user_id == world.citizen.pk
    )  # verified identifier
    assert filings_pull() == []  # acknowledged: the portal no longer offers it

    # The desk receives it like any online dossier, with our code.
    dossier = dossier_act(
        dossier_code=dossier.code, action="receive", actor=world.officer, version=dossier.version
    )
    drain()
    received = simulator.received(dossier.code)
    assert [r["service"] for r in received] == ["XacNhanHoSo", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    assert received[1]["body"]["data"][0]["MaHoSoQG"] == national
    assert received[2]["body"]["data"][0]["TrangThai"] == "2"  # được tiếp nhận
    assert simulator.held()[dossier.code]["status"] == "2"


def test_a_filing_of_an_unknown_procedure_is_recorded_not_lost(world, simulator, mapped):
    simulator.add_filing(filing(world, MaTTHC="9.999999"))
    filings_pull()
    row = NationalFiling.objects.get()
    assert row.status == "failed" and "9.999999" in row.problem and row.dossier is None
