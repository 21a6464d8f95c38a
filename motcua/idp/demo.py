"""The demo provider's identities: the demo citizen, a person motcua has never seen, and one business."""

from __future__ import annotations

import datetime as dt

from motcua.idp.models import Identity, IdentityKind

PEOPLE = [
    # login (= personal identifier), name, birth date, phone, e-mail, address
    (
        "014190001234",
        "Lường Thị Công Dân",
        dt.date(1990, 5, 12),
        "0912345678",
        "congdan@demo.motcua.local",
        "Tổ 2, phường Tô Hiệu, tỉnh Sơn La",
    ),
    (
        "014095000321",
        "Quàng Văn Mới",
        dt.date(1995, 3, 8),
        "0987000321",
        "quangvanmoi@demo.vneid.local",
        "Bản Hụm, xã Chiềng Mung, tỉnh Sơn La",
    ),
    (
        "014188000555",
        "Hà Thị Doanh",
        dt.date(1988, 11, 2),
        "0978000555",
        "hathidoanh@demo.vneid.local",
        "Tiểu khu 4, xã Mộc Châu, tỉnh Sơn La",
    ),
]
# tax code, name, e-mail, address, the representative's login
ORGANISATIONS = [
    (
        "5500123456",
        "Công ty TNHH Nông sản Mộc Châu",
        "lienhe@nongsanmocchau.demo",
        "Tiểu khu 4, xã Mộc Châu, tỉnh Sơn La",
        "014188000555",
    ),
]


def load_identities(password: str) -> int:
    """Create the demo identities that are missing; returns how many there are."""
    for login, name, birth, phone, email, address in PEOPLE:
        if not Identity.objects.filter(login=login).exists():
            who = Identity(
                kind=IdentityKind.PERSON,
                login=login,
                full_name=name,
                personal_identifier=login,
                birth_date=birth,
                phone=phone,
                email=email,
                address=address,
            )
            who.set_password(password)
            who.save()
    for tax_code, name, email, address, representative in ORGANISATIONS:
        if not Identity.objects.filter(login=tax_code).exists():
            org = Identity(
                kind=IdentityKind.ORGANISATION,
                login=tax_code,
                tax_code=tax_code,
                full_name=name,
                email=email,
                address=address,
                representative=Identity.objects.get(login=representative),
            )
            org.set_password(password)
            org.save()
    return Identity.objects.count()
