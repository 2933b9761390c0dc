import { type CalibrationInput, calibrate } from 'ras-core';
import type { FieldProblem } from '../errors.js';
import { notFound } from '../errors.js';
import { findCalibration } from '../repositories/calibrations.js';
import { findPerson } from '../repositories/people.js';
import { toCalibration } from '../representations/calibrations.js';
import { paymentRunEvent } from '../representations/payment-runs.js';
import { personRecordJson } from '../representations/person-record.js';
import { recordCalibration } from '../workflows/calibrations.js';
import { type ErasureRunResult, retentionRun } from '../workflows/erasure.js';
import { type ImportProgress, type ImportTuple, importedPeople, importInSlices, importReport } from '../workflows/import-people.js';
import type { JobOperation } from '../workflows/jobs.js';
import { confirmPaymentRun } from '../workflows/payment-run.js';
import { personRecordExport } from '../workflows/subject-access.js';
import { applyUpratingRun, upratingRunEvent } from '../workflows/uprating.js';
import { type JobHandler, type JobRun, jobHandler } from './runner.js';

/** What an import job was sent: the good rows and every bad row's problems, read and checked when it was asked for. */
export interface ImportPayload {
  readonly rows: readonly ImportTuple[];
  readonly errors: readonly FieldProblem[];
  readonly createdByKeyId: string | null;
  /** The file's columns the import ignored (absent in jobs queued before it was kept). */
  readonly ignoredColumns?: readonly string[];
}

/** What the handlers need beyond a job: the access log brought up to date before an export reads it. */
export interface HandlerDependencies {
  readonly flushAccessLog: () => Promise<void>;
}

const text = (run: JobRun, key: string): string => String(run.job.input[key]);

/**
 * Each operation's work as a job, on the same workflows as the operation itself. A job taken up
 * again (its instance died) carries on from the checkpoint its last step committed.
 */
export function jobHandlers(deps: HandlerDependencies): Record<JobOperation, JobHandler> {
  return {
    importPeople: jobHandler<ImportPayload, ImportProgress>(async (run) => {
      const mode = run.job.input.mode === 'all-or-nothing' ? 'all-or-nothing' : 'best-effort';
      const payload = run.payload;
      const people = importedPeople(payload.rows);
      const failed = Number(run.job.input.failedRows);
      run.progress(run.job.progress_done, people.length);
      const counts = await importInSlices(run.inTransaction, {
        councilId: run.job.council_id,
        createdByKeyId: payload.createdByKeyId,
        mode,
        people,
        ...(run.checkpoint === null ? {} : { from: run.checkpoint }),
        onSlice: (progress, rowsDone) => {
          run.setCheckpoint(progress);
          run.progress(rowsDone);
        },
        shouldStop: run.shouldStop,
      });
      if (counts.stopped) run.stopped();
      return importReport(mode, counts, people.length, payload.errors, failed, payload.ignoredColumns ?? []);
    }),

    async confirmPaymentRun(run) {
      const confirmed = await confirmPaymentRun(run.inTransaction, text(run, 'paymentRunId'), (settled, total) =>
        run.progress(settled, total),
      );
      return paymentRunEvent(confirmed);
    },

    async applyUpratingRun(run) {
      const applied = await run.inTransaction((context) =>
        applyUpratingRun(context, text(run, 'upratingRunId'), (done, total) => run.progress(done, total)),
      );
      return upratingRunEvent(applied);
    },

    runCalibration: jobHandler<CalibrationInput, { calibrationId: string }>(async (run) => {
      // Recorded already by an attempt that stopped before the job ended: answered, not run twice.
      const recorded = run.checkpoint?.calibrationId;
      const found = recorded ? await findCalibration(run.db, run.job.council_id, recorded) : undefined;
      if (found) return toCalibration(found);
      const input = run.payload;
      run.progress(0, input.cases.length);
      const result = calibrate(input);
      const row = await run.inTransaction(async (context) => {
        const created = await recordCalibration(context, result);
        run.setCheckpoint({ calibrationId: created.id });
        run.progress(input.cases.length);
        return created;
      });
      return toCalibration(row);
    }),

    runRetentionErasure: jobHandler<null, ErasureRunResult>(async (run) => {
      const { stopped, ...result } = await retentionRun(
        run.db,
        run.base,
        run.inTransaction,
        {
          dryRun: run.job.input.dryRun === true,
          requestId: run.job.request_id,
          log: (error, personId) => run.log?.error({ err: error, personId, jobId: run.job.id }, 'retention: erasing a person failed'),
        },
        {
          ...(run.checkpoint === null ? {} : { from: run.checkpoint }),
          onReview: (review) => run.progress(run.job.progress_done, review.due.length),
          onPerson: (sofar) => {
            run.setCheckpoint(sofar);
            run.progress(sofar.erased.length + sofar.skipped.length);
          },
          shouldStop: run.shouldStop,
        },
      );
      if (stopped) run.stopped();
      return result;
    }),

    async exportPersonRecord(run) {
      const personId = text(run, 'personId');
      const record = await findPerson(run.db, run.base.scope, personId);
      if (!record) throw notFound('person', personId);
      // Reads still queued on this instance are written first, so the record's access log holds them.
      await deps.flushAccessLog();
      const { header, sections } = await personRecordExport(run.db, run.job.council_id, record.person, run.base.clock);
      const parts: string[] = [];
      for await (const part of personRecordJson(header, sections)) {
        if (run.shouldStop()) {
          run.stopped();
          return null;
        }
        parts.push(part);
        run.progress(parts.length, null);
      }
      const document: unknown = JSON.parse(parts.join(''));
      return document;
    },
  };
}
