# An OpenID Connect relying party written with Debian's python3-authlib (and python3-requests), nobody here wrote it:
#   code ISSUER CAFILE CLIENT_ID SECRET REDIRECT CERT_PEM KEY_PEM
#       discovery -> pushed authorization request -> authorize (the staff certificate at the TLS handshake) -> code
#       exchange with PKCE S256 (client_secret_basic) -> ID token validated against the JWKS (iss, aud, nonce, exp) -> userinfo
#   private_key_jwt ISSUER CAFILE CLIENT_ID PRIVATE_JWK_FILE
#       client credentials, the client authenticating with a JWT signed by its own key (RFC 7523)
# Prints one JSON object of what it established; exits non-zero with the reason otherwise.
import json, secrets, sys, urllib.parse
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7636 import create_s256_code_challenge

mode, issuer, cafile = sys.argv[1:4]
meta = requests.get(issuer + ".well-known/openid-configuration", verify=cafile).json()
assert meta["issuer"] == issuer, meta["issuer"]
keys = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], verify=cafile).json())

if mode == "code":
    client_id, secret, redirect, cert, key = sys.argv[4:9]
    verifier = secrets.token_urlsafe(48)
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    par = requests.post(meta["pushed_authorization_request_endpoint"], verify=cafile, auth=(client_id, secret), data={
        "client_id": client_id, "response_type": "code", "redirect_uri": redirect, "scope": "openid profile roles",
        "state": state, "nonce": nonce, "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256"})
    assert par.status_code == 201, (par.status_code, par.text)
    request_uri = par.json()["request_uri"]
    authorize = requests.get(meta["authorization_endpoint"], verify=cafile, cert=(cert, key), allow_redirects=False,
                             params={"client_id": client_id, "request_uri": request_uri})
    assert authorize.status_code == 302, (authorize.status_code, authorize.text[:300])
    location = authorize.headers["Location"]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    assert query["state"] == [state] and query["iss"] == [issuer], location
    session = OAuth2Session(client_id, secret, token_endpoint_auth_method="client_secret_basic", redirect_uri=redirect, state=state)
    session.verify = cafile
    tokens = session.fetch_token(meta["token_endpoint"], authorization_response=location, code_verifier=verifier, verify=cafile)
    claims = JsonWebToken(["ES256", "PS256"]).decode(tokens["id_token"], keys, claims_options={
        "iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": client_id}, "nonce": {"essential": True, "value": nonce}})
    claims.validate()
    userinfo = session.get(meta["userinfo_endpoint"], verify=cafile).json()
    assert userinfo["sub"] == claims["sub"], userinfo
    print(json.dumps({"par": request_uri[:24], "sub": claims["sub"], "acr": claims.get("acr"), "amr": claims.get("amr"), "sid": claims.get("sid"),
                      "alg": claims.header["alg"],
                      "userinfo_name": userinfo.get("name")}, ensure_ascii=False))
elif mode == "private_key_jwt":
    client_id, jwk_file = sys.argv[4:6]
    private = json.load(open(jwk_file))
    # OpenIddict 7 wants explicitly typed assertions (draft-ietf-oauth-rfc7523bis: typ client-authentication+jwt).
    auth = PrivateKeyJWT(meta["token_endpoint"], alg="ES256", headers={"typ": "client-authentication+jwt", "kid": private.get("kid")})
    session = OAuth2Session(client_id, private, token_endpoint_auth_method=auth)
    session.verify = cafile
    tokens = session.fetch_token(meta["token_endpoint"], grant_type="client_credentials", verify=cafile)
    access = JsonWebToken(["ES256", "PS256"]).decode(tokens["access_token"], keys)
    access.validate()
    print(json.dumps({"sub": access["sub"], "client_id": access.get("client_id")}))
else:
    sys.exit("mode: code | private_key_jwt")
