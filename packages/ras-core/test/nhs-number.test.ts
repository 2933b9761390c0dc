import { describe, expect, it } from 'vitest';
import { nhsNumber } from '../src/index.js';

describe('nhsNumber', () => {
  it('takes a ten-digit number whose last digit is its modulus 11 check digit, spaced or not', () => {
    // 9×10 + 4×9 + 3×8 + 4×7 + 7×6 + 6×5 + 5×4 + 9×3 + 1×2 = 299; 299 mod 11 = 2; 11 − 2 = 9.
    expect(nhsNumber('943 476 5919')).toBe('9434765919');
    expect(nhsNumber('943-476-5919')).toBe('9434765919');
    expect(nhsNumber('4010232137')).toBe('4010232137');
  });

  it('refuses a wrong check digit, a check digit of 10, and anything not ten digits', () => {
    expect(nhsNumber('9434765918')).toBeNull();
    // 000000006: 6×2 = 12, 12 mod 11 = 1, 11 − 1 = 10: no number ends it.
    for (let last = 0; last <= 9; last++) expect(nhsNumber(`000000006${last}`)).toBeNull();
    for (const bad of ['', '943476591', '94347659190', '943476591A']) expect(nhsNumber(bad)).toBeNull();
  });

  it('writes a check digit of 11 as 0', () => {
    // 000000014: 1×3 + 4×2 = 11, 11 mod 11 = 0, 11 − 0 = 11, written 0.
    expect(nhsNumber('0000000140')).toBe('0000000140');
    expect(nhsNumber('0000000141')).toBeNull();
  });
});
