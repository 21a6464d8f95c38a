"""The demo provider's RS256 signing key: made once and kept under var/ (never used in production)."""

from __future__ import annotations

from pathlib import Path


def signing_key(path: Path) -> str:
    """The PEM private key at `path`, created there (2048-bit RSA) the first time."""
    if path.exists():
        return path.read_text()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(pem)
    tmp.chmod(0o600)
    tmp.replace(path)  # atomic: two processes starting at once end with one key
    return path.read_text()
