import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bacsProcessingDay, bacsStandard18, ENGLAND_AND_WALES_BANK_HOLIDAYS } from 'ras-core';
import { Type } from 'typebox';
import { rolesAccess } from '../../../auth/roles.js';
import type { Db, PaymentRun } from '../../../db/schema.js';
import {
  bacsCredits,
  CARD_LOAD_CSV_COLUMNS,
  cardLoadCsv,
  PAYMENT_RUN_CSV_COLUMNS,
  paymentRunCsv,
  volumeSerialOf,
} from '../../../documents/payment-run-file.js';
import { AppError, invalidState, notFound } from '../../../errors.js';
import { etag } from '../../../http/etag.js';
import { acceptAsJob, prefersAsync } from '../../../http/respond-async.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { councilSettings } from '../../../repositories/councils.js';
import { fileItems, findPaymentRun, runItemCounts, skippedReasons } from '../../../repositories/payment-runs.js';
import { toPaymentRun } from '../../../representations/payment-runs.js';
import { IdempotencyHeaders, IdParams, problemResponses } from '../../../schemas/common.js';
import { AcceptedAsJob, PreferHeader } from '../../../schemas/jobs.js';
import { cancelPaymentRun, confirmPaymentRun, createPaymentRun, PAYMENT_RUN } from '../../../workflows/payment-run.js';
import { CreatePaymentRunBody, PaymentRunResource } from './schemas.js';

/** The run as its resource: its counts, and why it skipped what it skipped. */
async function resourceOf(db: Db, run: PaymentRun) {
  const [counts, skipped] = await Promise.all([runItemCounts(db, run.council_id, run.id), skippedReasons(db, run.council_id, run.id)]);
  return toPaymentRun(run, counts, skipped);
}

const FINANCE = rolesAccess('finance', 'admin');
/** Payee names and account references: finance's, and the auditor's to check. */
const FINANCE_READERS = rolesAccess('finance', 'admin', 'auditor');

/** Payment runs: the month-end list of what the council pays, its files, and the ledger entries once confirmed. */
const paymentRunRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const answer = async (run: PaymentRun) => resourceOf(app.db, run);

  app.post(
    '/payment-runs',
    {
      config: {
        problems: [
          'INVALID_INPUT',
          'DIRECT_PAYMENT_AGREEMENT_REQUIRED',
          'PROVIDER_REQUIRED',
          'PAYMENT_RUN_CONFIRMED',
          'PAYMENT_RUN_OPEN',
          'UPRATING_IN_PROGRESS',
        ],
        access: FINANCE,
      },
      schema: {
        operationId: 'createPaymentRun',
        tags: ['money'],
        summary: 'Prepare the payment run for a date: every council instalment due and not yet paid, by payee',
        description:
          'Every council instalment due on or before runDate and not yet paid (a part-paid one owes the rest), on every agreed budget still running on its date, each split by the council-funded lines of the plan in force on its date in proportion to what each line costs (to the penny; the contingency and headroom to the direct payment holder, or else the council’s own account) and grouped by payee: the direct-payment share to the holder’s account, the indirect-payment share to the nominated person’s, the trust’s share to the trust, an individual service fund’s share to its provider (from the register), and the council-arranged share recorded as the council’s commissioned spend against its provider, never paid to the person. Lines a funding stream pays for are the stream’s (its money is ring-fenced). A plan with no council-funded line costing anything goes to the council’s own account. Suspended direct payments, held budgets and the budgets of people whose personal data was erased are left out and counted (`held`). Nothing is paid until confirmPaymentRun. Idempotent per council and date: a date with a prepared run answers it (200); a date with a confirmed run is 409 PAYMENT_RUN_CONFIRMED; a run while another date’s run is open is 409 PAYMENT_RUN_OPEN; during an uprating being applied, 409 UPRATING_IN_PROGRESS; a line paid to a holder without its agreement is 422 DIRECT_PAYMENT_AGREEMENT_REQUIRED, and an individual service fund line without a registered provider 422 PROVIDER_REQUIRED, each naming the budget and line (hold it, or record the agreement or provider).',
        headers: IdempotencyHeaders,
        body: CreatePaymentRunBody,
        response: { 200: PaymentRunResource, 201: PaymentRunResource, ...problemResponses },
      },
    },
    async (request, reply) =>
      createWithWorkflow(request, reply, async (context) => {
        const { run, created } = await createPaymentRun(context, request.body);
        return {
          status: created ? 201 : 200,
          body: await resourceOf(context.tx, run),
          headers: { location: `/v1/payment-runs/${run.id}`, etag: etag(run.version) },
        };
      }),
  );

  app.get(
    '/payment-runs/:id',
    {
      config: { access: FINANCE_READERS },
      schema: {
        operationId: 'getPaymentRun',
        tags: ['money'],
        summary: 'A payment run: its control count, total, payees, what it held out, and what confirmation paid or skipped',
        params: IdParams,
        response: { 200: PaymentRunResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const run = await findPaymentRun(app.db, councilOf(request), request.params.id);
      if (!run) throw notFound('payment run', request.params.id);
      reply.header('etag', etag(run.version));
      return answer(run);
    },
  );

  app.get(
    '/payment-runs/:id/file',
    {
      config: {
        access: FINANCE_READERS,
        problems: ['INVALID_STATE', 'NOTHING_TO_PAY', 'PAYMENT_FILE_SETTINGS_MISSING', 'PAYEE_BANK_DETAILS_MISSING'],
      },
      schema: {
        operationId: 'getPaymentRunFile',
        tags: ['money'],
        summary: 'The payment run’s files: CSV for the finance system, Bacs Standard 18, the prepaid card loads',
        description: `format=csv (default): one row per instalment share (record = payment), each payee’s rows followed by its payee-total row, then each share skipped at confirmation (record = skipped, with skipped_reason; left out of the totals), and a last control row with the control count and total; columns ${PAYMENT_RUN_CSV_COLUMNS.join(', ')}; money in integer pence; payment_reference is what the payee sees. format=bacs: Bacs Standard 18 (UHL1, one 100-character credit record (code 99) per payee and budget paid by bank, with that budget’s payment reference, the contra (code 17: narrative, CONTRA, the council’s account name), UTL1 with values and counts; labels=full adds VOL1, HDR1, HDR2 and EOF1, EOF2 for a whole submission), names transliterated to the Bacs character set, processed on the run date or the next Bacs working day after it (weekends, England and Wales bank holidays and settings.paymentFile.nonProcessingDays; never before tomorrow, as a file sent today is processed tomorrow at the earliest), from settings.paymentFile (422 PAYMENT_FILE_SETTINGS_MISSING without it); each bank payee’s account reference must be a sort code and account number (422 PAYEE_BANK_DETAILS_MISSING names those that are not). format=card-load: the loads onto prepaid cards (columns ${CARD_LOAD_CSV_COLUMNS.join(', ')}). A run that mixes bank and card payees has both files. Commissioned shares (the council pays its providers’ invoices) and the managed account are in the CSV only. The CSV of a prepared run is the list to check before confirming; the Bacs and card-load files are given only once the run is confirmed (409 INVALID_STATE before), so they pay exactly what the ledger records, and only when they would pay something (409 NOTHING_TO_PAY: Bacs rejects a file with nothing to pay); a cancelled run has no file (409).`,
        params: IdParams,
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Enum(['csv', 'bacs', 'card-load'])),
            labels: Type.Optional(
              Type.Enum(['user', 'full'], {
                description:
                  'format=bacs: user (default) writes UHL1 … UTL1; full the whole labelled submission, VOL1, HDR1, HDR2, UHL1 … EOF1, EOF2, UTL1',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        produces: ['text/csv', 'text/plain'],
        response: {
          200: {
            content: {
              'text/csv': { schema: Type.String({ description: 'The run as CSV, or the card loads' }) },
              'text/plain': { schema: Type.String({ description: 'The Bacs Standard 18 file' }) },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const councilId = councilOf(request);
      const run = await findPaymentRun(app.db, councilId, request.params.id);
      if (!run) throw notFound('payment run', request.params.id);
      if (run.status === 'cancelled') throw invalidState('The payment run was cancelled: it pays nothing, and has no file');
      const format = request.query.format ?? 'csv';
      // The files that move money are the ledger's, once confirmed; before that the CSV is for checking.
      if (format !== 'csv' && run.status !== 'confirmed')
        throw invalidState(`The payment run is ${run.status}: confirm it first, so the file pays exactly what the ledger records`);
      const items = await fileItems(app.db, councilId, run.id);
      const name = `payment-run-${run.run_date}`;
      const csv = (text: string, suffix: string) =>
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}${suffix}.csv"`).send(text);
      if (format === 'csv') return csv(paymentRunCsv(run, items), '');
      if (format === 'card-load') {
        const loads = cardLoadCsv(run, items);
        if (!loads) throw new AppError('NOTHING_TO_PAY', 'The run loads no prepaid card: its payees are paid by bank (format=bacs)');
        return csv(loads, '-card-loads');
      }
      const settings = (await councilSettings(app.db, councilId)).paymentFile;
      if (!settings)
        throw new AppError('PAYMENT_FILE_SETTINGS_MISSING', 'Set the council’s Bacs originator details (settings.paymentFile) first', {
          errors: [{ pointer: '/query/format', detail: 'bacs needs settings.paymentFile; csv does not' }],
        });
      const { credits, unreadable } = bacsCredits(run, items);
      if (unreadable.length > 0)
        throw new AppError(
          'PAYEE_BANK_DETAILS_MISSING',
          `${unreadable.length} payee account reference(s) are not a sort code and account number; use format=csv, which the finance system matches by reference`,
          { errors: unreadable.slice(0, 100).map((reference) => ({ pointer: '/query/format', detail: `payee reference "${reference}"` })) },
        );
      if (credits.length === 0)
        throw new AppError(
          'NOTHING_TO_PAY',
          'The run pays nobody by bank, and Bacs rejects a file with nothing to pay: see the CSV (and format=card-load for prepaid cards)',
        );
      const today = app.clock.today();
      const processingDay = bacsProcessingDay(
        run.run_date,
        [...ENGLAND_AND_WALES_BANK_HOLIDAYS, ...(settings.nonProcessingDays ?? [])],
        today,
      );
      const file = bacsStandard18(
        {
          serviceUserNumber: settings.serviceUserNumber,
          name: settings.originatorName,
          sortCode: settings.sortCode,
          accountNumber: settings.accountNumber,
          ...(settings.accountName ? { accountName: settings.accountName } : {}),
        },
        credits,
        processingDay,
        {
          contraNarrative: `RAS RUN ${run.run_date}`,
          ...(request.query.labels === 'full' ? { volume: { serialNumber: volumeSerialOf(run.id), creationDate: today } } : {}),
        },
      );
      return reply
        .type('text/plain; charset=us-ascii')
        .header('content-disposition', `attachment; filename="${name}.bacs"`)
        .header('bacs-processing-day', processingDay)
        .send(file);
    },
  );

  app.post(
    '/payment-runs/:id/confirm',
    {
      config: {
        problems: ['INVALID_STATE', 'UPRATING_IN_PROGRESS', 'SAME_ACTOR'],
        access: rolesAccess(...PAYMENT_RUN.steps.startConfirmation.roles),
      },
      schema: {
        operationId: 'confirmPaymentRun',
        tags: ['money'],
        summary: 'Confirm a payment run: each payment recorded on its budget’s ledger against its instalment',
        description:
          'Each payment becomes a council-payment transaction naming its instalment (with its transaction.recorded event), 1,000 to a database transaction, and the run ends with payment-run.confirmed. Each is checked again as it is recorded; one whose budget or instalment changed since the run was prepared is skipped with the reason. A confirmation interrupted part-way leaves every batch either wholly recorded or not at all, and confirming again carries on where it stopped. Confirming a confirmed run answers it as it is; a cancelled run is 409. With `Prefer: respond-async` it answers 202 with a job that confirms it (progress: payments settled of the run’s payments; the run at links.result once it has succeeded). Such a job cannot be cancelled once started: a run stopped part-way has paid some people and not others.',
        headers: Type.Object(PreferHeader),
        params: IdParams,
        response: { 200: PaymentRunResource, ...AcceptedAsJob, ...problemResponses },
      },
    },
    async (request, reply) => {
      if (prefersAsync(request)) {
        // What the job would refuse at once is refused now: no such run, or a cancelled one.
        const found = await findPaymentRun(app.db, councilOf(request), request.params.id);
        if (!found) throw notFound('payment run', request.params.id);
        if (found.status === 'cancelled') throw invalidState('The payment run was cancelled; prepare a new one');
        return acceptAsJob(request, reply, { operation: 'confirmPaymentRun', input: { paymentRunId: found.id } });
      }
      const run = await confirmPaymentRun((work) => runWorkflow(request, work), request.params.id);
      reply.header('etag', etag(run.version));
      return answer(run);
    },
  );

  app.post(
    '/payment-runs/:id/cancel',
    {
      config: { problems: ['INVALID_STATE'], access: rolesAccess(...PAYMENT_RUN.steps.cancel.roles) },
      schema: {
        operationId: 'cancelPaymentRun',
        tags: ['money'],
        summary: 'Cancel a prepared payment run (nothing was paid); the date is free for a new run',
        description: 'A run being confirmed or confirmed is 409 INVALID_STATE; cancelling a cancelled run answers it as it is.',
        params: IdParams,
        response: { 200: PaymentRunResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const run = await runWorkflow(request, (context) => cancelPaymentRun(context, request.params.id));
      reply.header('etag', etag(run.version));
      return answer(run);
    },
  );
};

export default paymentRunRoutes;
