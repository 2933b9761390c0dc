import { escapeHtml } from './escape.js';

/** The start of a self-contained, printable page in the house style (no scripts, inline CSS only). */
export function pageStart(title: string, wide = false): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; max-width: ${wide ? '64rem' : '46rem'}; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #0b0c0c; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-top: 2px solid #0b0c0c; padding-top: 1rem; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0 1rem; } th, td { border: 1px solid #b1b4b6; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.money, th.money { text-align: right; font-variant-numeric: tabular-nums; }
pre { white-space: pre-wrap; margin: 0; font-size: .85rem; }
.record { border-left: 4px solid #b1b4b6; padding-left: .8rem; margin: 1rem 0; }
.note { color: #505a5f; }
@media print { body { margin: 0; max-width: none; } }
</style>
</head>
<body>
`;
}

export const PAGE_END = '</body>\n</html>\n';
