import type { PersonRecord } from '../db/rows.js';
import { iso } from '../http/iso.js';

/** A person as the API shows them. */
export function toPerson({ person, externalIds }: PersonRecord) {
  return {
    id: person.id,
    externalIds,
    clientGroup: person.client_group,
    displayName: person.display_name,
    dateOfBirth: person.date_of_birth,
    agent: person.agent as { name: string; relationship: string; contact?: string } | null,
    caresForPersonId: person.cares_for_person_id,
    commissionedSupport:
      person.commissioned_support_from === null ? null : { from: person.commissioned_support_from, to: person.commissioned_support_to },
    representation: person.representation,
    underLegalHold: person.legal_hold !== null,
    erasedAt: iso(person.erased_at),
    version: person.version,
    createdAt: iso(person.created_at),
    updatedAt: iso(person.updated_at),
  };
}

/** What audit records and events say about a person: identifiers, never personal details. */
export function personEvent(record: PersonRecord) {
  return {
    id: record.person.id,
    externalIds: record.externalIds,
    clientGroup: record.person.client_group,
    caresForPersonId: record.person.cares_for_person_id,
    version: record.person.version,
  };
}
