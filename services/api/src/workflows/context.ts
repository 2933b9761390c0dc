import type { Transaction } from 'kysely';
import type { Role, Scope } from '../auth/roles.js';
import type { Clock } from '../clock.js';
import type { Changes } from '../db/changes.js';
import type { DB } from '../db/schema.js';
import type { CompiledRules } from '../repositories/compiled-rules.js';

/**
 * What every workflow works with: the one transaction, the change recorder (audit records and
 * events), the compiled-rules cache, the clock and whose data it is. Routes build it and translate
 * HTTP; workflows hold the order of a state change and leave the money to ras-core.
 */
export interface WorkflowContext {
  readonly tx: Transaction<DB>;
  readonly changes: Changes;
  readonly rules: CompiledRules;
  readonly clock: Clock;
  readonly scope: Scope;
  /** Who acts: the key (key:<id>) and the person named in Ras-Actor, when given. */
  readonly actor: { readonly actor: string; readonly actorName: string | null };
  /** The roles of the key acting, for a state machine's guards; absent for work no key started (a job, a seed). */
  readonly roles?: readonly Role[];
}

/**
 * Runs one step of long work in a transaction of its own (with its audit rows and events): a
 * request's (runWorkflow) or a job's, which records the job's progress in the same transaction.
 */
export type InTransaction = <T>(work: (context: WorkflowContext) => Promise<T>) => Promise<T>;
