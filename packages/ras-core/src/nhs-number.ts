/**
 * The NHS number: ten digits, the last a check digit worked by modulus 11 (NHS Data Dictionary,
 * "NHS Number"): each of the first nine digits times its weight, 10 down to 2, summed; 11 less the
 * remainder on dividing by 11 is the check digit (11 is written 0; 10 means the number is not valid).
 *
 * @param value - the number as written, spaces or hyphens allowed (`943 476 5919`)
 * @returns the ten digits, or null when it is not a valid NHS number
 * @example
 * ```ts
 * nhsNumber('943 476 5919'); // '9434765919'
 * nhsNumber('943 476 5918'); // null (the check digit is 9)
 * ```
 */
export function nhsNumber(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  return expected !== 10 && expected === Number(digits[9]) ? digits : null;
}
