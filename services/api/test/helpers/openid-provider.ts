import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

// A real OpenID Connect provider (the `oidc-provider` package, as councils' own providers are
// certified against), started on loopback for the identity tests: discovery, a published key set,
// the token endpoint. Client-credentials tokens come from its token endpoint as a record system
// would get them; a person's token from a grant the test registers on the same endpoint (what a
// person's sign-in ends in, without a browser), signed by the provider with its own keys.

/** A signing key of the provider: the private half, which tests also use to sign tokens the provider never would. */
export interface SigningKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, privateJwk, publicJwk };
}

/** Who may get tokens: record systems by client id, and people by user name, each with the roles claim the provider puts in. */
export interface Directory {
  readonly clients: Record<string, { readonly roles: readonly string[] }>;
  readonly people: Record<string, { readonly name: string; readonly roles: readonly string[] }>;
}

export const CLIENT_SECRET = 'a-client-secret-long-enough-for-the-provider-0123456789';
const PERSON_GRANT = 'urn:ras:test:person-signed-in';

export interface OpenIdProvider {
  readonly issuer: string;
  readonly audience: string;
  /** The keys the provider signs with, first one first. */
  keys: readonly SigningKey[];
  /** A client-credentials access token from the token endpoint. */
  clientToken(clientId: string): Promise<string>;
  /** A person's access token, as their sign-in would end. */
  personToken(username: string, clientId?: string): Promise<string>;
  /** Starts the provider again at the same address with other keys (a key rotation). */
  rotate(keys: readonly SigningKey[]): Promise<void>;
  /** How many times the provider's key set was fetched. */
  readonly jwksFetches: number;
  close(): Promise<void>;
}

export async function startOpenIdProvider(options: {
  audience: string;
  directory: Directory;
  keys?: readonly SigningKey[];
}): Promise<OpenIdProvider> {
  let handler: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.writeHead(503).end();
  let jwksFetches = 0;
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/jwks')) jwksFetches += 1;
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const issuer = `http://127.0.0.1:${port}`;
  const { audience, directory } = options;

  const resourceServer = {
    scope: 'ras',
    audience,
    accessTokenTTL: 600,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: 'RS256' } },
  };

  function build(keys: readonly SigningKey[]): Provider {
    const provider = new Provider(issuer, {
      clients: Object.keys(directory.clients).map((clientId) => ({
        client_id: clientId,
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials', PERSON_GRANT],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      })),
      jwks: { keys: keys.map((key) => key.privateJwk) },
      cookies: { keys: ['a-cookie-key-for-the-test-provider'] },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: () => resourceServer,
        },
      },
      // The roles claim and the person's name, as Entra ID puts app roles in `roles`.
      extraTokenClaims: (_ctx, token) => {
        const accountId = 'accountId' in token ? token.accountId : undefined;
        if (typeof accountId === 'string') {
          const person = directory.people[accountId];
          return person ? { roles: [...person.roles], name: person.name } : {};
        }
        const client = directory.clients[token.clientId ?? ''];
        return client ? { roles: [...client.roles] } : {};
      },
    });
    provider.registerGrantType(
      PERSON_GRANT,
      async (ctx) => {
        const username = String(ctx.oidc.params?.username ?? '');
        if (!(username in directory.people)) {
          ctx.status = 400;
          ctx.body = { error: 'invalid_grant' };
          return;
        }
        const token = new provider.AccessToken({ accountId: username, client: ctx.oidc.client, scope: 'ras', gty: PERSON_GRANT });
        token.resourceServer = new provider.ResourceServer(audience, resourceServer);
        const value = await token.save();
        ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration };
      },
      new Set(['username']),
    );
    return provider;
  }

  async function token(body: Record<string, string>): Promise<string> {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: CLIENT_SECRET, resource: audience, ...body }),
    });
    const answer = (await response.json()) as { access_token?: string };
    if (!response.ok || !answer.access_token) throw new Error(`the provider refused a token: ${response.status} ${JSON.stringify(answer)}`);
    return answer.access_token;
  }

  const state = {
    issuer,
    audience,
    keys: options.keys ?? [await signingKey('key-1')],
    clientToken: (clientId: string) => token({ grant_type: 'client_credentials', client_id: clientId }),
    personToken: (username: string, clientId = Object.keys(directory.clients)[0] ?? '') =>
      token({ grant_type: PERSON_GRANT, client_id: clientId, username }),
    async rotate(keys: readonly SigningKey[]) {
      state.keys = keys;
      handler = build(keys).callback();
    },
    get jwksFetches() {
      return jwksFetches;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  handler = build(state.keys).callback();
  return state;
}
