// A real OpenID Connect provider for Knipkaart's tests: panva's oidc-provider, on 127.0.0.1.
//
// Started by tests/oidc/fixture.py with KNIPKAART_OIDC_CONFIG pointing at a JSON file:
//   { "port": 0, "issuer": "http://127.0.0.1:PORT",
//     "clients": [{ "client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris", "fout" }],
//     "accounts": [{ "login", "wachtwoord", "sub", "claims": { "email", "email_verified", "name", "groups" } }] }
//
// It signs its ID tokens with an RS256 key made at start. A client's "fout" makes the token endpoint hand that
// client a token that is wrong in one way, to prove that Knipkaart refuses it:
//   handtekening  signed with another key under the same key id (bad signature)
//   verlopen      expired ten minutes ago (properly signed)
//   uitgever      issued by another issuer (properly signed)
//   herhaald      the first ID token this client ever got, again (its nonce is of an earlier login)
import { readFileSync } from 'node:fs';

import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const cfg = JSON.parse(readFileSync(process.env.KNIPKAART_OIDC_CONFIG, 'utf8'));

const KID = 'knipkaart-test-1';
const sleutel = await generateKeyPair('RS256', { extractable: true });
const andereSleutel = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(sleutel.privateKey)), kid: KID, alg: 'RS256', use: 'sig' };

const accounts = new Map(cfg.accounts.map((a) => [a.sub, a]));
const perLogin = new Map(cfg.accounts.map((a) => [a.login, a]));
const fouten = new Map(cfg.clients.map((c) => [c.client_id, c.fout || '']));
const eersteIdToken = new Map();

const html = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function pagina(titel, inhoud) {
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(titel)} · Testgemeente</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:bold}input{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box}
button{margin-top:1.5rem;font-size:1rem;padding:.6rem 1rem;background:#00529b;color:#fff;border:0}
.fout{color:#a00000;font-weight:bold}</style></head>
<body><main><h1>${html(titel)}</h1>${inhoud}</main></body></html>`;
}

async function formulier(req) {
  const delen = [];
  for await (const deel of req) delen.push(deel);
  return new URLSearchParams(Buffer.concat(delen).toString('utf8'));
}

const provider = new Provider(cfg.issuer, {
  clients: cfg.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris || [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: [jwk] },
  cookies: { keys: ['knipkaart-test-cookie-sleutel'] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  // The e-mail address and groups in the ID token itself, as Keycloak and Entra ID put them there.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = pagina('Uitloggen bij de gemeente', `${form}
<p>Wilt u ook bij de gemeente uitloggen?</p>
<button type="submit" form="op.logoutForm" value="yes" name="logout">Ja, uitloggen</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = pagina('Uitgelogd', '<p>U bent uitgelogd bij de gemeente.</p>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account.claims }; } };
  },
  // First-party clients: no consent screen, every requested scope granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const bestaand = await ctx.oidc.provider.Grant.find(grantId);
      if (bestaand) return bestaand;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = pagina('Er ging iets mis', `<p class="fout">${html(out.error)}: ${html(out.error_description || '')}</p>`);
  },
});
provider.proxy = false;

// The login page: the provider's own interaction, with a username and password checked against the accounts.
provider.use(async (ctx, next) => {
  const m = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!m) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  let fout = '';
  if (ctx.method === 'POST') {
    const velden = await formulier(ctx.req);
    const account = perLogin.get(velden.get('login') || '');
    if (account && account.wachtwoord === velden.get('wachtwoord')) {
      const naar = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: account.sub } },
        { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(naar);
      return;
    }
    fout = '<p class="fout" role="alert">Gebruikersnaam of wachtwoord onjuist.</p>';
    ctx.status = 422;
  }
  ctx.type = 'html';
  ctx.body = pagina('Inloggen bij de gemeente', `${fout}
<form method="post" action="/interaction/${html(details.uid)}">
<label for="login">Gebruikersnaam</label><input id="login" name="login" autocomplete="username" required>
<label for="wachtwoord">Wachtwoord</label><input id="wachtwoord" name="wachtwoord" type="password" autocomplete="current-password" required>
<button type="submit">Inloggen bij de gemeente</button></form>`);
});

// The faults: only on a token response with an ID token, for a client configured with one.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body || !ctx.body.id_token) return;
  const clientId = ctx.oidc?.client?.clientId;
  const fout = fouten.get(clientId);
  if (!fout) return;
  const echt = ctx.body.id_token;
  const claims = decodeJwt(echt);
  const nu = Math.floor(Date.now() / 1000);
  const teken = (payload, key) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' }).sign(key);
  if (fout === 'handtekening') {
    ctx.body = { ...ctx.body, id_token: await teken(claims, andereSleutel.privateKey) };
  } else if (fout === 'verlopen') {
    ctx.body = { ...ctx.body, id_token: await teken({ ...claims, iat: nu - 4200, exp: nu - 600 }, sleutel.privateKey) };
  } else if (fout === 'uitgever') {
    ctx.body = { ...ctx.body, id_token: await teken({ ...claims, iss: 'http://127.0.0.1:9/andere-gemeente' }, sleutel.privateKey) };
  } else if (fout === 'herhaald') {
    if (!eersteIdToken.has(clientId)) eersteIdToken.set(clientId, echt);
    ctx.body = { ...ctx.body, id_token: eersteIdToken.get(clientId) };
  }
});

provider.listen(cfg.port, '127.0.0.1', () => {
  console.log(`oidc-provider luistert op ${cfg.issuer}`);
});
