import json, ssl, sys, urllib.request
from authlib.jose import JsonWebToken, JsonWebKey
issuer, cafile, token_file, client_id, nonce = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=cafile)
def get(url):
    with urllib.request.urlopen(url, context=ctx) as r:
        return json.load(r)
meta = get(issuer + ".well-known/openid-configuration")
assert meta["issuer"] == issuer, meta["issuer"]
keys = JsonWebKey.import_key_set(get(meta["jwks_uri"]))
tokens = json.load(open(token_file))
claims = JsonWebToken(["ES256"]).decode(tokens["id_token"], keys, claims_options={
    "iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": client_id}, "nonce": {"essential": True, "value": nonce}})
claims.validate()
print(json.dumps({k: claims[k] for k in ("sub", "name", "staff_id", "acr", "amr", "role") if k in claims}, ensure_ascii=False))
