/** HTML when asked by `format`, or when the Accept header prefers it over JSON. */
export function wantsHtml(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'html';
  if (!accept) return false;
  return accept.includes('text/html') && !accept.includes('application/json');
}
