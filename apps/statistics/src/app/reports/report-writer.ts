import type { ReportFormat, ReportKind } from '@site11/contracts';
import { stringify } from 'csv-stringify';
import PDFDocument from 'pdfkit';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MetricDefinition } from '../counting/metric-catalog';

/** The numbers of one report: one column per metric, one row per slot. */
export interface ReportTable {
  kind: ReportKind;
  from: number;
  to: number;
  interval: 'hour' | 'day';
  /** Whose events it covers: everyone's (an admin's report) or one user's. */
  scope: string;
  generatedAt: number;
  metrics: MetricDefinition[];
  slots: number[];
  /** values[m][s]: metric m in slot s (a gauge's level at the end of the slot). */
  values: number[][];
}

export class ReportTooLargeError extends Error {}

/** A sink that keeps what is written, refusing more than `max` bytes. */
class BoundedBuffer extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.size += chunk.length;
    if (this.size > this.max) return callback(new ReportTooLargeError(`The report is over ${this.max} bytes`));
    this.chunks.push(chunk);
    callback();
  }

  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const iso = (t: number) => new Date(t).toISOString();
export const totalOf = (metric: MetricDefinition, values: number[]) =>
  metric.kind === 'gauge' ? (values[values.length - 1] ?? 0) : values.reduce((a, b) => a + b, 0);

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  pdf: 'application/pdf',
};

/** Writes the table as CSV (streamed through csv-stringify), JSON or PDF (pdfkit), at most `max` bytes. */
export async function writeReport(table: ReportTable, format: ReportFormat, max: number): Promise<Buffer> {
  const sink = new BoundedBuffer(max);
  if (format === 'csv') await pipeline(csvRows(table), stringify({ header: false }), sink);
  else if (format === 'json') await pipeline(Readable.from([Buffer.from(JSON.stringify(jsonOf(table), null, 2))]), sink);
  else await writePdf(table, sink);
  return sink.buffer;
}

function* csvRows(table: ReportTable): Generator<string[]> {
  yield ['slot', ...table.metrics.map((metric) => metric.name)];
  for (let s = 0; s < table.slots.length; s++) yield [iso(table.slots[s]), ...table.values.map((series) => String(series[s]))];
  yield ['total', ...table.metrics.map((metric, m) => String(totalOf(metric, table.values[m])))];
}

function jsonOf(table: ReportTable) {
  return {
    kind: table.kind,
    from: iso(table.from),
    to: iso(table.to),
    interval: table.interval,
    scope: table.scope,
    generatedAt: iso(table.generatedAt),
    metrics: table.metrics.map((metric, m) => ({
      name: metric.name,
      kind: metric.kind,
      unit: metric.unit,
      description: metric.description,
      total: totalOf(metric, table.values[m]),
    })),
    rows: table.slots.map((t, s) => ({ t: iso(t), values: Object.fromEntries(table.metrics.map((metric, m) => [metric.name, table.values[m][s]])) })),
  };
}

const TITLES: Record<ReportKind, string> = { usage: 'Usage report', activity: 'Activity report', storage: 'Storage report' };

/** A4: the totals as a table, then the first metric per slot as a bar chart. */
async function writePdf(table: ReportTable, sink: Writable): Promise<void> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: TITLES[table.kind], Producer: 'site11 statistics' } });
  const done = pipeline(doc, sink);
  const left = 50;
  const width = doc.page.width - 100;
  doc.font('Helvetica-Bold').fontSize(20).text(`site11 · ${TITLES[table.kind]}`);
  doc.font('Helvetica').fontSize(10).fillColor('#555').text(`${iso(table.from)} – ${iso(table.to)} (UTC, per ${table.interval}) · ${table.scope}`);
  doc.text(`Generated ${iso(table.generatedAt)}`).moveDown();

  // totals table
  doc.fillColor('#000').font('Helvetica-Bold').fontSize(11);
  let y = doc.y;
  const row = (cells: [string, string, string], bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    doc.text(cells[0], left, y, { width: width * 0.45 });
    doc.text(cells[1], left + width * 0.45, y, { width: width * 0.2 });
    doc.text(cells[2], left + width * 0.65, y, { width: width * 0.35, align: 'right' });
    y += 16;
    doc.moveTo(left, y - 3).lineTo(left + width, y - 3).lineWidth(0.3).strokeColor('#ccc').stroke();
  };
  row(['Metric', 'Kind', 'Total'], true);
  table.metrics.forEach((metric, m) => {
    if (y > doc.page.height - 80) {
      doc.addPage();
      y = 50;
    }
    row([metric.name, `${metric.kind} (${metric.unit})`, totalOf(metric, table.values[m]).toLocaleString('en-US')]);
  });

  // chart of the first metric
  const first = table.metrics[0];
  if (first) {
    const chartHeight = 200;
    if (y + chartHeight + 60 > doc.page.height - 50) {
      doc.addPage();
      y = 50;
    }
    y += 20;
    doc.font('Helvetica-Bold').fontSize(11).fillColor('#000').text(`${first.name} per ${table.interval}`, left, y);
    y += 20;
    const values = table.values[0];
    const max = Math.max(1, ...values);
    const barWidth = width / Math.max(1, values.length);
    doc.lineWidth(0.5).strokeColor('#000').moveTo(left, y).lineTo(left, y + chartHeight).lineTo(left + width, y + chartHeight).stroke();
    values.forEach((value, i) => {
      const height = (Math.max(0, value) / max) * chartHeight;
      doc.rect(left + i * barWidth + barWidth * 0.1, y + chartHeight - height, barWidth * 0.8, height).fillColor('#3b6fd8').fill();
    });
    doc.font('Helvetica').fontSize(8).fillColor('#555');
    doc.text(String(max.toLocaleString('en-US')), left + 4, y - 10);
    doc.text(iso(table.slots[0] ?? table.from).slice(0, 16), left, y + chartHeight + 4);
    doc.text(iso(table.slots[table.slots.length - 1] ?? table.to).slice(0, 16), left, y + chartHeight + 4, { width, align: 'right' });
  }
  doc.end();
  await done;
}
