import type { HeldFund } from '../db/rows.js';
import type { Provider } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toProvider(row: Provider) {
  return {
    id: row.id,
    name: row.name,
    account: { type: row.account_type, reference: row.account_reference },
    contact: row.contact,
    version: row.version,
    createdAt: iso(row.created_at),
  };
}

export function toProviderWithFunds(row: Provider, funds: readonly HeldFund[]) {
  return {
    ...toProvider(row),
    individualServiceFunds: funds.map((fund) => ({
      budgetId: fund.budget_id,
      personId: fund.person_id,
      planId: fund.plan_id,
      budgetStatus: fund.budget_status,
      lines: fund.lines,
    })),
  };
}
