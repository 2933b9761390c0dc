import { statSync } from 'node:fs';
import type { CalibrationCase } from '../calibration.js';
import { RasError } from '../errors.js';
import { poundsToPence } from '../money.js';
import { readCsv } from './csv-reader.js';
import { progressBar } from './progress.js';

/** A row of the cases file that could not be read, and why. */
export interface BadRow {
  readonly line: number;
  readonly reason: string;
}

const MAX_BAD_ROWS = 50;

/**
 * Reads desktop-exercise cases from CSV with a header row: `ref`, `points`, and either
 * `currentAnnualPence` (whole pence) or `currentAnnual` (pounds, read exactly), optional
 * `clientGroup`. Every bad row is reported with its line (the first 50 in full).
 */
export async function readCases(path: string): Promise<{ cases: CalibrationCase[]; badRows: BadRow[]; badRowCount: number }> {
  const size = statSync(path).size;
  const bar = progressBar(size, 'Reading');
  const cases: CalibrationCase[] = [];
  const badRows: BadRow[] = [];
  let badRowCount = 0;
  let columns: { ref: number; points: number; pence: number; pounds: number; group: number } | undefined;
  const bad = (line: number, reason: string) => {
    badRowCount++;
    if (badRows.length < MAX_BAD_ROWS) badRows.push({ line, reason });
  };
  for await (const { line, fields } of readCsv(path, (bytes) => bar.update(bytes))) {
    if (!columns) {
      const names = fields.map((name) => name.trim());
      const at = (name: string) => names.indexOf(name);
      columns = {
        ref: at('ref'),
        points: at('points'),
        pence: at('currentAnnualPence'),
        pounds: at('currentAnnual'),
        group: at('clientGroup'),
      };
      const missing = [
        columns.ref < 0 ? 'ref' : '',
        columns.points < 0 ? 'points' : '',
        columns.pence < 0 && columns.pounds < 0 ? 'currentAnnualPence or currentAnnual' : '',
      ].filter(Boolean);
      if (missing.length > 0)
        throw new RasError('INVALID_CALIBRATION', [{ pointer: `line ${line}`, detail: `the header row must name ${missing.join(', ')}` }]);
      continue;
    }
    const ref = fields[columns.ref]?.trim() ?? '';
    const pointsText = fields[columns.points]?.trim() ?? '';
    if (ref === '') {
      bad(line, 'ref is empty');
      continue;
    }
    if (!/^\d{1,9}$/.test(pointsText)) {
      bad(line, `points must be a whole number, 0 or more (got "${pointsText}")`);
      continue;
    }
    let current: number;
    if (columns.pence >= 0) {
      const text = fields[columns.pence]?.trim() ?? '';
      if (!/^\d{1,15}$/.test(text)) {
        bad(line, `currentAnnualPence must be a whole number of pence (got "${text}")`);
        continue;
      }
      current = Number(text);
    } else {
      const text = fields[columns.pounds]?.trim() ?? '';
      try {
        current = poundsToPence(text, 'currentAnnual');
      } catch {
        bad(line, `currentAnnual must be pounds with at most 2 decimal places (got "${text}")`);
        continue;
      }
    }
    const group = columns.group >= 0 ? fields[columns.group]?.trim() : undefined;
    cases.push(
      group
        ? { ref, points: Number(pointsText), currentAnnualPence: current, clientGroup: group }
        : { ref, points: Number(pointsText), currentAnnualPence: current },
    );
  }
  bar.finish();
  return { cases, badRows, badRowCount };
}
