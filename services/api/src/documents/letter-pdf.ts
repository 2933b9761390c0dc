import { createRequire } from 'node:module';
import { formatPounds, type LetterContent, PICTURE_COLOURS } from 'ras-core';

// DejaVu Sans covers Welsh (ŵ, ŷ) and every Latin script: PDF's own Helvetica does not.
const require = createRequire(import.meta.url);
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/**
 * The letter as an A4 PDF, laid out from the same content as the HTML: 12-point text or larger,
 * left-aligned, the money picture drawn as a bar with its legend.
 */
export async function renderLetterPdf(content: LetterContent): Promise<Buffer> {
  // Loaded on the first PDF rather than at start: pdfkit and its font tables are about 13 MB of
  // an idle instance's memory, and most instances never write a PDF (BENCHMARKS.md, issue 16).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    lang: content.language,
    displayTitle: true,
    info: { Title: content.subject, Author: content.council, Subject: content.reference },
  });
  doc.registerFont('body', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 112;
  const paragraph = (text: string) => doc.font('body').fontSize(13).text(text, { width, lineGap: 3 }).moveDown(0.6);
  const heading = (text: string) => doc.moveDown(0.4).font('bold').fontSize(15).text(text, { width }).moveDown(0.4);

  doc.font('bold').fontSize(13).text(content.council, { width, continued: false });
  doc.font('body').fontSize(11).text(`${content.date}\n${content.reference}`, { width, align: 'right' }).moveDown(1);
  doc.font('bold').fontSize(20).text(content.subject, { width }).moveDown(0.6);
  paragraph(content.greeting);
  for (const text of content.paragraphs) paragraph(text);

  const parts = content.picture ?? [];
  const total = parts.reduce((sum, part) => sum + part.pence, 0);
  if (total > 0) {
    // The picture is drawn at fixed positions, so it starts on a new page when it would not fit.
    const needed = 90 + parts.length * 22;
    if (doc.y + needed > doc.page.height - doc.page.margins.bottom) doc.addPage();
    heading(content.pictureHeading);
    doc.font('body').fontSize(12).text(content.rasAmountLabel, { width });
    const top = doc.y + 6;
    let x = doc.page.margins.left;
    for (const part of parts) {
      const w = (width * part.pence) / total;
      doc.rect(x, top, w, 30).fill(PICTURE_COLOURS[part.key]);
      x += w;
    }
    doc.fillColor('#0b0c0c');
    let y = top + 42;
    for (const part of parts) {
      doc.rect(doc.page.margins.left, y, 14, 14).fill(PICTURE_COLOURS[part.key]);
      doc
        .fillColor('#0b0c0c')
        .font('body')
        .fontSize(12)
        .text(`${part.label}: ${formatPounds(part.pence)}`, doc.page.margins.left + 22, y, { width: width - 22 });
      y += 22;
    }
    doc.x = doc.page.margins.left;
    doc.y = y + 4;
  }
  heading(content.disagreeHeading);
  for (const text of content.disagree) paragraph(text);
  if (content.explanation.length > 0) {
    heading(content.explanationHeading);
    doc
      .font('body')
      .fontSize(12)
      .list([...content.explanation], { width, lineGap: 2, listType: 'numbered' })
      .moveDown(0.6);
  }
  paragraph(content.signOff);
  doc.end();
  return done;
}
