import { Type } from 'typebox';
import { SIGNING_ALGORITHMS, TOKEN_ROLES } from '../../../auth/access-token.js';
import { Text, Timestamp } from '../../../schemas/common.js';

const Url = Type.String({ format: 'uri', maxLength: 500 });
const Claim = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:/-]+$' });
const TokenRole = Type.Enum(TOKEN_ROLES, {
  title: 'TokenRole',
  description: 'A role a token may hold: every role but portal, which is always an API key',
});
const RoleMap = Type.Record(
  Type.String({ minLength: 1, maxLength: 200 }),
  Type.Array(TokenRole, { minItems: 1, maxItems: 7, uniqueItems: true }),
  {
    minProperties: 1,
    maxProperties: 50,
    description:
      'Each value the provider puts in the roles claim (an Entra app role such as `RAS.Assessor`), and the service’s roles it grants. Values not listed grant nothing.',
  },
);
const Algorithms = Type.Array(Type.Enum(SIGNING_ALGORITHMS), { minItems: 1, maxItems: 10, uniqueItems: true });

export const IdentityProviderBody = Type.Object(
  {
    issuer: Type.String({
      format: 'uri',
      maxLength: 500,
      description: 'The `iss` of the provider’s access tokens, e.g. `https://login.microsoftonline.com/<tenant-id>/v2.0` for Entra ID',
    }),
    audience: Text(500),
    jwksUri: Type.Optional(
      Type.Union([Url, Type.Null()], {
        description: 'Where the provider publishes its signing keys; by default read from the issuer’s discovery document',
      }),
    ),
    rolesClaim: Type.Optional(Claim),
    nameClaim: Type.Optional(Claim),
    roleMap: RoleMap,
    algorithms: Type.Optional(Algorithms),
    clockToleranceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 300 })),
  },
  { additionalProperties: false },
);

export const IdentityProvider = Type.Object(
  {
    issuer: Type.String(),
    audience: Type.String(),
    jwksUri: Type.Union([Type.String(), Type.Null()]),
    rolesClaim: Type.String(),
    nameClaim: Type.String(),
    roleMap: Type.Record(Type.String(), Type.Array(TokenRole)),
    algorithms: Type.Array(Type.String()),
    clockToleranceSeconds: Type.Integer(),
    version: Type.Integer(),
    updatedAt: Timestamp,
  },
  { title: 'IdentityProvider' },
);
