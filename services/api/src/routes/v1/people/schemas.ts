import { Type } from 'typebox';
import { CalendarDate, Id, Key, Nullable, Representation, Text, Timestamp } from '../../../schemas/common.js';

export const ExternalIds = Type.Record(Key, Type.String({ minLength: 1, maxLength: 100 }), {
  maxProperties: 10,
  description: 'Record-system identifiers by system, e.g. { "carefirst": "CF123456" }; unique per system within the council',
});

export const Agent = Type.Object(
  {
    name: Text(200),
    relationship: Text(100),
    contact: Type.Optional(Text(300)),
  },
  { additionalProperties: false, description: 'Someone who acts for the person (family member, advocate, deputy)' },
);

/** Long-term community support the council commissions for someone without a personal budget. */
export const CommissionedSupport = Type.Object(
  { from: CalendarDate, to: Type.Optional(Nullable(CalendarDate)) },
  {
    additionalProperties: false,
    description:
      'Long-term community support the council commissions without a personal budget (CLD "CASSR Commissioned Support"), from–to (to null while it goes on). ASCOF counts these people in the self-directed support share’s denominator; someone with a personal budget in force is counted by it instead',
  },
);

export const CreatePersonBody = Type.Object(
  {
    externalIds: Type.Optional(ExternalIds),
    clientGroup: Text(100),
    displayName: Type.Optional(Text(200)),
    dateOfBirth: Type.Optional(CalendarDate),
    agent: Type.Optional(Agent),
    caresForPersonId: Type.Optional(Id),
    commissionedSupport: Type.Optional(CommissionedSupport),
    representation: Type.Optional(Representation),
  },
  { additionalProperties: false },
);

export const UpdatePersonBody = Type.Object(
  {
    externalIds: Type.Optional(ExternalIds),
    clientGroup: Type.Optional(Text(100)),
    displayName: Type.Optional(Nullable(Text(200))),
    dateOfBirth: Type.Optional(Nullable(CalendarDate)),
    agent: Type.Optional(Nullable(Agent)),
    caresForPersonId: Type.Optional(Nullable(Id)),
    commissionedSupport: Type.Optional(Nullable(CommissionedSupport)),
    representation: Type.Optional(Nullable(Representation)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PersonResource = Type.Object(
  {
    id: Id,
    externalIds: Type.Record(Type.String(), Type.String()),
    clientGroup: Type.String(),
    displayName: Nullable(Type.String()),
    dateOfBirth: Nullable(CalendarDate),
    agent: Nullable(Type.Object({ name: Type.String(), relationship: Type.String(), contact: Type.Optional(Type.String()) })),
    caresForPersonId: Nullable(Id),
    commissionedSupport: Nullable(Type.Object({ from: CalendarDate, to: Nullable(CalendarDate) })),
    representation: Nullable(Representation),
    underLegalHold: Type.Boolean({ description: 'A legal hold stands: nothing erases the person until it is released' }),
    erasedAt: Nullable(Timestamp),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Person' },
);
