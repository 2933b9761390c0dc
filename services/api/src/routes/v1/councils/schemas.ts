import { Type } from 'typebox';
import { ROLES } from '../../../auth/roles.js';
import { Id, Text, Timestamp } from '../../../schemas/common.js';
import { CouncilSettings } from '../../../schemas/council-settings.js';
import { mergePatchSchema } from '../../../schemas/merge-patch.js';

export { CouncilSettings };

export const CreateCouncilBody = Type.Object(
  { name: Text(200), settings: Type.Optional(CouncilSettings) },
  { additionalProperties: false },
);

export const Council = Type.Object(
  {
    id: Id,
    name: Type.String(),
    settings: CouncilSettings,
    version: Type.Integer(),
    createdAt: Timestamp,
  },
  { title: 'Council' },
);

export const UpdateCouncilBody = Type.Object(
  {
    name: Type.Optional(Text(200)),
    settings: Type.Optional(
      Type.Unsafe<Record<string, unknown>>(
        mergePatchSchema(CouncilSettings, 'What changes in the settings: members named are set, null removes one, the rest are kept'),
      ),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'CouncilPatch',
    description: 'A JSON Merge Patch (RFC 7396) of the council: only what it names changes.',
  },
);

export const ReplaceCouncilBody = Type.Object(
  { name: Text(200), settings: CouncilSettings },
  { additionalProperties: false, title: 'CouncilReplacement' },
);

export const Role = Type.Enum(ROLES, { title: 'Role' });

export const ApiKeySummary = Type.Object(
  {
    id: Id,
    name: Type.String(),
    roles: Type.Array(Role),
    createdAt: Timestamp,
    revokedAt: Type.Union([Timestamp, Type.Null()]),
    expiresAt: Type.Union([Timestamp, Type.Null()], { description: 'When the key stops working; null: it does not expire' }),
    rotatedAt: Type.Union([Timestamp, Type.Null()], { description: 'When the key was last given a new secret' }),
    previousSecretExpiresAt: Type.Union([Timestamp, Type.Null()], {
      description: 'Until when the secret the last rotation replaced still works',
    }),
  },
  { title: 'ApiKey' },
);

export const NewApiKey = Type.Object(
  {
    id: Id,
    name: Type.String(),
    roles: Type.Array(Role),
    createdAt: Timestamp,
    expiresAt: Type.Union([Timestamp, Type.Null()], { description: 'When the key stops working; null: it does not expire' }),
    previousSecretExpiresAt: Type.Optional(
      Type.Union([Timestamp, Type.Null()], { description: 'After a rotation: until when the replaced secret still works' }),
    ),
    key: Type.String({ description: 'The API key. Shown once: only its hash is stored.' }),
  },
  { title: 'NewApiKey' },
);

export const CreateCouncilResponse = Type.Object({ council: Council, adminKey: NewApiKey }, { title: 'CreatedCouncil' });
