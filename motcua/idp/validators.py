"""The claims the demo provider puts in its ID tokens and userinfo answers."""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator

from motcua.idp.models import IdentityKind


class IdentityValidator(OAuth2Validator):
    # Every claim goes with every token: the demo has one relying party, motcua, allowed all of them.
    oidc_claim_scope = None

    def get_additional_claims(self, request) -> dict:
        """The identity's claims, named as in motcua's default claim map (settings.MOTCUA_VNEID_CLAIMS)."""
        who = request.user
        if who.kind == IdentityKind.ORGANISATION:
            person = who.representative
            return {
                "tax_code": who.tax_code,
                "organization_name": who.full_name,
                "representative_name": person.full_name if person else "",
                "representative_citizen_id": person.personal_identifier if person else "",
                "email": who.email,
                "phone_number": who.phone,
                "address": who.address,
            }
        return {
            "citizen_id": who.personal_identifier,
            "name": who.full_name,
            "birthdate": who.birth_date.isoformat() if who.birth_date else "",
            "phone_number": who.phone,
            "email": who.email,
            "address": who.address,
        }
