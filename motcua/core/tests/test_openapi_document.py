"""The OpenAPI document Swagger UI reads at /api/docs."""

import json


def test_openapi_document_names_each_status_once(client):
    """A route that declares its own 404 and the shared error statuses: the JSON holds "404" once (a
    duplicate key made Swagger UI refuse the document: "duplicated mapping key")."""

    def no_duplicates(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys: {sorted(k for k in keys if keys.count(k) > 1)}"
        return dict(pairs)

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=no_duplicates)
    assert document["paths"]
