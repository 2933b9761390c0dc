// What the HTML reports (the desktop exercise, the uprating run) share: escaping, the axis steps
// of their charts and one stylesheet, so a committee sees the same look in both.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ENTITIES[character] as string);

/** The chart's width and height in SVG units, and its margins. */
export const CHART = { width: 720, height: 420, margin: { left: 84, right: 40, top: 20, bottom: 48 } } as const;

/** A round axis step (1, 2, 2.5 or 5 × a power of ten) giving about five ticks up to `max`. */
export function niceStep(max: number): number {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  return ([1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= raw) ?? 10) * magnitude;
}

/** The one stylesheet of the HTML reports: readable on screen, and printable. */
export const REPORT_STYLE = `body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #0b0c0c; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-top: 1px solid #b1b4b6; padding-top: 1rem; }
dl { display: grid; grid-template-columns: max-content auto; gap: .3rem 1.5rem; } dt { color: #505a5f; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-variant-numeric: tabular-nums; } caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid #b1b4b6; padding: .25rem .5rem; text-align: right; } td { white-space: nowrap; } th[scope="row"], td:nth-child(2) { text-align: left; }
td.up { color: #00703c; } td.down { color: #d4351c; } .fail { color: #d4351c; } .pass { color: #00703c; font-weight: 600; }
svg { width: 100%; height: auto; font-size: 12px; } .axis { stroke: #0b0c0c; } .grid { stroke: #e5e5e5; } .winner { fill: #00703c; fill-opacity: .6; } .loser { fill: #d4351c; fill-opacity: .6; } .same { fill: #505a5f; fill-opacity: .6; }
.rate { stroke: #1d70b8; stroke-width: 2.5; } .fit { stroke: #505a5f; stroke-width: 1.5; stroke-dasharray: 6 4; } .afford { stroke: #505a5f; stroke-width: 1.5; stroke-dasharray: 1 4; stroke-linecap: round; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }`;

/** What every report page opens with: its title, who it is for and when, and the key figures. */
export interface ReportHead {
  readonly title: string;
  readonly council?: string | undefined;
  readonly generatedOn?: string | undefined;
  /** Term and value (already HTML) pairs for the "Key figures" list. */
  readonly figures: readonly (readonly [string, string])[];
}

/**
 * One self-contained report page: the head (title, council, date, key figures) and then `body`
 * (already HTML), with the shared stylesheet. No scripts, fonts or images from anywhere else.
 */
export function reportPage(head: ReportHead, body: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(head.title)}</title>
<style>
${REPORT_STYLE}
</style>
</head>
<body>
<h1>${escapeHtml(head.title)}</h1>
<p>${head.council ? `${escapeHtml(head.council)}. ` : ''}${head.generatedOn ? `Prepared ${escapeHtml(head.generatedOn)}.` : ''}</p>
<h2>Key figures</h2>
<dl>${head.figures.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join('')}</dl>
${body}
</body>
</html>
`;
}
