import { Tokenizer } from '@streamparser/json';
import { parse as parseCsv } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { DatasetsErrors, DomainError, ErrorKind, type ImportFormat } from '@site11/contracts';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { type FieldProblem, shown } from '../schema/field-rules';

/** One record of an uploaded file: where it starts, and its values by column, or why it has none. */
export interface SourceRecord {
  /** 1-based line of the file (header included) on which the record starts. */
  line: number;
  /** Column name → value (text for CSV, JSON values for JSON); null when the record is unusable. */
  values: Map<string, unknown> | null;
  /** Why the record cannot be used as it is (a ragged CSV row, a broken NDJSON line, a duplicate key). */
  problem?: FieldProblem;
  /** The record as written (up to 1 MiB), when its values cannot be put in columns, for rejected.csv. */
  raw?: string;
}

const RAW_CHARS = 1024 * 1024;

export interface SourceLimits {
  maxColumns: number;
  /** Longest record (a CSV row, a JSON object, an NDJSON line): past it the file is unreadable, not the row. */
  maxRecordBytes: number;
}

/** What is known of a file before any row is read: its format, CSV header and delimiter. */
export interface FileShape {
  format: ImportFormat;
  /** CSV: the columns of the header row; JSON: null (columns are the keys of the objects). */
  header: string[] | null;
  delimiter?: string;
}

/** Columns of a rejected.csv that a re-import of the fixed file ignores. */
export const REJECTED_COLUMNS = ['_line', '_error', '_record'] as const;

/** The file is unreadable from some point on: the import fails there, with the line. */
export class MalformedFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const unprocessable = (code: string, message: string) => new DomainError(code, ErrorKind.FailedPrecondition, message);
const HEAD_BYTES = 4 * 1024 * 1024;

/** The first bytes of a file, decoded; invalid UTF-8 there is a problem visible before any row is read. */
async function head(path: string): Promise<{ text: string; whole: boolean }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      return { text: decoder.decode(buffer.subarray(0, bytesRead), { stream: bytesRead === HEAD_BYTES }), whole: bytesRead < HEAD_BYTES };
    } catch {
      throw unprocessable(DatasetsErrors.unknownFormat, 'The file is not valid UTF-8 text');
    }
  } finally {
    await handle.close();
  }
}

/**
 * The format of a file sent without one (application/octet-stream, text/plain, a part without a
 * known type or extension), from its first bytes: `[` a JSON array, `{` NDJSON, other text CSV;
 * binary (not UTF-8, or NUL bytes) is 422 DATA.UNKNOWN_FORMAT.
 */
export async function sniffFormat(path: string): Promise<ImportFormat> {
  const { text } = await head(path);
  // eslint-disable-next-line no-control-regex
  if (text.includes('\u0000')) throw unprocessable(DatasetsErrors.unknownFormat, 'The file is binary, not CSV, JSON or NDJSON');
  const start = text.replace(/^\uFEFF/, '').trimStart();
  return start.startsWith('[') ? 'json' : start.startsWith('{') ? 'ndjson' : 'csv';
}

/** The delimiter of a CSV header line: whichever of `,` `;` tab appears most outside quotes (`,` on a tie). */
export function detectDelimiter(firstLine: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char in counts) counts[char]++;
    else if (!quoted && (char === '\n' || char === '\r')) break;
  }
  return [';', '\t'].reduce((best, candidate) => (counts[candidate] > counts[best] ? candidate : best), ',');
}

/**
 * Reads what can be refused at once (422, before the job exists): an empty file, a CSV without
 * a header, blank or repeated column names, more than `maxColumns` columns, JSON that is not
 * an array, NDJSON that does not start with an object.
 */
export async function fileShape(path: string, format: ImportFormat, limits: SourceLimits): Promise<FileShape> {
  const { text, whole } = await head(path);
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start === '') throw unprocessable(DatasetsErrors.badHeader, 'The file is empty');
  if (format === 'json') {
    if (!start.startsWith('[')) throw unprocessable(DatasetsErrors.unknownFormat, 'A JSON import is an array of objects; send one object per line as application/x-ndjson');
    return { format, header: null };
  }
  if (format === 'ndjson') {
    if (!start.startsWith('{')) throw unprocessable(DatasetsErrors.unknownFormat, 'An NDJSON import has one JSON object per line');
    return { format, header: null };
  }
  const delimiter = detectDelimiter(start);
  let records: string[][];
  try {
    records = parseCsvSync(text, { bom: true, delimiter, to: 1, relax_column_count: true, skip_empty_lines: true, max_record_size: limits.maxRecordBytes }) as string[][];
  } catch (error) {
    if (!whole && /quote|EOF|end of file/i.test(String(error))) throw unprocessable(DatasetsErrors.badHeader, 'The header row is longer than 4 MiB');
    throw unprocessable(DatasetsErrors.badHeader, `The header row does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = (records[0] ?? []).map((name) => name.trim());
  if (header.length > limits.maxColumns) throw unprocessable(DatasetsErrors.tooManyColumns, `The file has ${header.length} columns; at most ${limits.maxColumns} are accepted`);
  checkColumnNames(header);
  return { format, header, delimiter };
}

function checkColumnNames(header: string[]): void {
  const seen = new Set<string>();
  header.forEach((name, index) => {
    // eslint-disable-next-line no-control-regex
    if (name === '' || name.length > 128 || /[\u0000-\u001f\u007f]/.test(name) || ['__proto__', 'constructor', 'prototype'].includes(name)) {
      throw unprocessable(DatasetsErrors.badHeader, `Column ${index + 1} has no usable name (${shown(name) || 'blank'}): the first row must name every column`);
    }
    if (seen.has(name)) throw unprocessable(DatasetsErrors.badHeader, `The column name "${shown(name)}" appears twice in the header`);
    seen.add(name);
  });
}

/** The records of a spooled file, streamed with constant memory; `progress()` is the bytes read so far. */
export interface RecordStream {
  records: AsyncIterable<SourceRecord>;
  progress(): number;
}

export function readRecords(path: string, shape: FileShape, limits: SourceLimits): RecordStream {
  let bytes = 0;
  const input = createReadStream(path, { highWaterMark: 256 * 1024 });
  input.on('data', (chunk) => (bytes += chunk.length));
  const records = shape.format === 'csv' ? csvRecords(input, shape, limits) : shape.format === 'json' ? jsonArrayRecords(input, limits) : ndjsonRecords(input, limits);
  return { records, progress: () => bytes };
}

async function* utf8Text(input: AsyncIterable<Buffer>, lineOf: () => number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of input) yield decoder.decode(chunk, { stream: true });
    yield decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw new MalformedFileError('The file is not valid UTF-8 text', lineOf());
    throw error;
  }
}

async function* csvRecords(input: AsyncIterable<Buffer>, shape: FileShape, limits: SourceLimits): AsyncGenerator<SourceRecord> {
  const header = shape.header ?? [];
  const ignored = new Set<number>(header.flatMap((name, index) => ((REJECTED_COLUMNS as readonly string[]).includes(name) ? [index] : [])));
  let lastLine = 0;
  let lastEmpty = 0;
  let quotedCrlf = 0;
  const parser = parseCsv({ bom: true, delimiter: shape.delimiter ?? ',', info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: limits.maxRecordBytes });
  // pipeline tears both down together: a decoding error ends the parse, an early stop (a failed
  // job) ends the reading
  pipeline(Readable.from(utf8Text(input, () => lastLine + 1)), parser, () => undefined);
  let first = true;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      const line = lastLine + 1 + (info.empty_lines - lastEmpty);
      // csv-parse counts a CRLF inside quotes as two lines; every other line break as one
      for (const cell of record) if (cell.includes('\r\n')) quotedCrlf += cell.split('\r\n').length - 1;
      lastLine = info.lines - quotedCrlf;
      lastEmpty = info.empty_lines;
      if (first) {
        first = false;
        continue;
      }
      if (record.length !== header.length) {
        const raw = record.join(shape.delimiter ?? ',');
        yield { line, values: null, raw: raw.slice(0, RAW_CHARS), problem: { column: null, value: shown(raw), rule: 'columns', message: `The row has ${record.length} values; the header has ${header.length} columns` } };
        continue;
      }
      const values = new Map<string, unknown>();
      record.forEach((cell, index) => {
        if (!ignored.has(index)) values.set(header[index], cell);
      });
      yield { line, values };
    }
  } catch (error) {
    if (error instanceof MalformedFileError) throw error;
    const code = (error as { code?: string }).code;
    // the parser reads ahead of the records taken from it: its own count says where it stopped
    const at = typeof (error as { lines?: unknown }).lines === 'number' ? (error as { lines: number }).lines - quotedCrlf : lastLine + 1;
    throw new MalformedFileError(code === 'CSV_MAX_RECORD_SIZE' ? `A record is longer than ${limits.maxRecordBytes} characters` : `The CSV does not parse: ${error instanceof Error ? error.message : String(error)}`, at);
  } finally {
    parser.destroy();
  }
}

type Token = { token: number; value: unknown; offset: number };
const T = { LEFT_BRACE: 0, RIGHT_BRACE: 1, LEFT_BRACKET: 2, RIGHT_BRACKET: 3, COLON: 4, COMMA: 5, TRUE: 6, FALSE: 7, NULL: 8, STRING: 9, NUMBER: 10, SEPARATOR: 11 };
const VALUE_START = new Set([T.LEFT_BRACE, T.LEFT_BRACKET, T.STRING, T.NUMBER, T.TRUE, T.FALSE, T.NULL]);
/** Deepest nesting of a record (a json cell is stored as text; JSON.stringify must not overflow the stack on it). */
export const MAX_JSON_DEPTH = 64;

/** The JSON text is not valid from this token on. */
class JsonSyntaxError extends Error {}

type Container =
  | { kind: 'object'; phase: 'key-or-end' | 'key' | 'colon' | 'value' | 'comma-or-end'; map: Map<string, unknown> | null; plain: Record<string, unknown> | null; key: string }
  | { kind: 'array'; phase: 'value-or-end' | 'value' | 'comma-or-end'; items: unknown[] };

/**
 * Builds one record from the tokenizer's tokens, checking JSON's grammar as it goes (the
 * tokenizer only splits text into tokens: `{"a":1 "b":2}` or a missing comma are errors here),
 * and making visible what JSON.parse hides: a key given twice in one object is a problem of that
 * record (which value was meant?), and keys are kept in a Map, so `__proto__` is a column name
 * like any other, never an object's prototype. A record with more than `maxKeys` keys stops
 * being kept (it is rejected whole), so one huge line cannot fill memory.
 */
class RecordAssembler {
  private readonly stack: Container[] = [];
  private duplicate: string | null = null;
  private keys = 0;
  done: { values: unknown; duplicate: string | null; tooManyKeys: boolean } | null = null;

  constructor(private readonly maxKeys: number) {}

  push({ token, value }: Token): void {
    if (this.done) throw new JsonSyntaxError('more text after the end of the record');
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (!VALUE_START.has(token)) throw new JsonSyntaxError('a record must start with a value');
      return this.startValue(token, value);
    }
    if (top.kind === 'object') {
      switch (top.phase) {
        case 'key-or-end':
        case 'key':
          if (token === T.STRING) {
            top.key = value as string;
            top.phase = 'colon';
            if (this.stack.length === 1 && top.map) {
              if (top.map.has(top.key)) this.duplicate ??= top.key;
              if (++this.keys > this.maxKeys) top.map = null;
            }
            return;
          }
          if (token === T.RIGHT_BRACE && top.phase === 'key-or-end') return this.close();
          throw new JsonSyntaxError('expected a key in double quotes');
        case 'colon':
          if (token !== T.COLON) throw new JsonSyntaxError('expected ":" after a key');
          top.phase = 'value';
          return;
        case 'value':
          if (!VALUE_START.has(token)) throw new JsonSyntaxError('expected a value after ":"');
          return this.startValue(token, value);
        case 'comma-or-end':
          if (token === T.COMMA) {
            top.phase = 'key';
            return;
          }
          if (token === T.RIGHT_BRACE) return this.close();
          throw new JsonSyntaxError('expected "," or "}"');
      }
    }
    switch (top.phase) {
      case 'value-or-end':
      case 'value':
        if (VALUE_START.has(token)) return this.startValue(token, value);
        if (token === T.RIGHT_BRACKET && top.phase === 'value-or-end') return this.close();
        throw new JsonSyntaxError('expected a value');
      case 'comma-or-end':
        if (token === T.COMMA) {
          top.phase = 'value';
          return;
        }
        if (token === T.RIGHT_BRACKET) return this.close();
        throw new JsonSyntaxError('expected "," or "]"');
    }
  }

  private startValue(token: number, value: unknown): void {
    if (token === T.LEFT_BRACE || token === T.LEFT_BRACKET) {
      if (this.stack.length >= MAX_JSON_DEPTH) throw new JsonSyntaxError(`nested deeper than ${MAX_JSON_DEPTH} levels`);
      // nested objects keep their keys as data (json fields), without a prototype to reach
      this.stack.push(
        token === T.LEFT_BRACE
          ? { kind: 'object', phase: 'key-or-end', map: this.stack.length === 0 ? new Map() : null, plain: this.stack.length === 0 ? null : (Object.create(null) as Record<string, unknown>), key: '' }
          : { kind: 'array', phase: 'value-or-end', items: [] },
      );
      return;
    }
    this.add(token === T.TRUE ? true : token === T.FALSE ? false : token === T.NULL ? null : value);
  }

  private close(): void {
    const top = this.stack.pop() as Container;
    this.add(top.kind === 'array' ? top.items : (top.map ?? top.plain ?? new Map()));
  }

  private add(value: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.done = { values: value, duplicate: this.duplicate, tooManyKeys: this.keys > this.maxKeys };
      return;
    }
    if (top.kind === 'array') top.items.push(value);
    else if (top.map) top.map.set(top.key, value);
    else if (top.plain) top.plain[top.key] = value;
    top.phase = 'comma-or-end';
  }
}

function recordOf(line: number, assembled: { values: unknown; duplicate: string | null; tooManyKeys: boolean }, maxKeys: number): SourceRecord {
  if (assembled.tooManyKeys) {
    return { line, values: null, problem: { column: null, value: null, rule: 'columns', message: `The record has more than ${maxKeys} keys` } };
  }
  if (!(assembled.values instanceof Map)) {
    return { line, values: null, problem: { column: null, value: shown(JSON.stringify(assembled.values)), rule: 'malformed', message: 'Each record must be a JSON object' } };
  }
  if (assembled.duplicate !== null) {
    return { line, values: null, problem: { column: assembled.duplicate, value: null, rule: 'duplicate-key', message: `The key "${shown(assembled.duplicate)}" appears twice in the record` } };
  }
  return { line, values: assembled.values };
}

/** Newline positions of the chunk being tokenized, to turn a token's byte offset into a line. */
class LineCounter {
  private chunkStart = 0;
  private linesBefore = 1;
  private newlines: number[] = [];

  next(chunk: Buffer): void {
    this.linesBefore += this.newlines.length;
    this.chunkStart += this.lengthOfLast;
    this.lengthOfLast = chunk.length;
    this.newlines = [];
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.newlines.push(at);
  }

  private lengthOfLast = 0;

  lineAt(offset: number): number {
    const within = offset - this.chunkStart;
    let count = 0;
    while (count < this.newlines.length && this.newlines[count] < within) count++;
    return this.linesBefore + count;
  }

  get end(): number {
    return this.chunkStart + this.lengthOfLast;
  }
}

async function* jsonArrayRecords(input: AsyncIterable<Buffer>, limits: SourceLimits): AsyncGenerator<SourceRecord> {
  const tokenizer = new Tokenizer({ stringBufferSize: 64 * 1024 });
  const lines = new LineCounter();
  const ready: SourceRecord[] = [];
  // the array around the records: `[`, then records separated by commas, then `]`, then nothing
  type Phase = 'open' | 'record-or-end' | 'record' | 'comma-or-end' | 'closed';
  let phase = 'open' as Phase;
  let assembler: RecordAssembler | null = null;
  let start = { line: 1, offset: 0 };
  tokenizer.onToken = (token: Token) => {
    if (assembler) {
      assembler.push(token);
      if (assembler.done) {
        ready.push(recordOf(start.line, assembler.done, limits.maxColumns));
        assembler = null;
        phase = 'comma-or-end';
      }
      return;
    }
    if (phase === 'open') {
      if (token.token !== T.LEFT_BRACKET) throw new JsonSyntaxError('a JSON import is an array of objects');
      phase = 'record-or-end';
    } else if ((phase === 'record-or-end' || phase === 'comma-or-end') && token.token === T.RIGHT_BRACKET) {
      phase = 'closed';
    } else if (phase === 'comma-or-end' && token.token === T.COMMA) {
      phase = 'record';
    } else if ((phase === 'record-or-end' || phase === 'record') && VALUE_START.has(token.token)) {
      assembler = new RecordAssembler(limits.maxColumns);
      start = { line: lines.lineAt(token.offset), offset: token.offset };
      assembler.push(token);
      if (assembler.done) {
        ready.push(recordOf(start.line, assembler.done, limits.maxColumns));
        assembler = null;
        phase = 'comma-or-end';
      }
    } else {
      throw new JsonSyntaxError(phase === 'closed' ? 'more text after the end of the array' : 'expected "," or "]" between records');
    }
  };
  try {
    for await (const chunk of utf8Checked(input, () => lines.lineAt(lines.end))) {
      lines.next(chunk);
      tokenizer.write(chunk);
      if (assembler && lines.end - start.offset > limits.maxRecordBytes) throw new MalformedFileError(`A record is longer than ${limits.maxRecordBytes} bytes`, start.line);
      yield* ready.splice(0);
    }
    if (phase !== 'closed') throw new MalformedFileError('The JSON array is not closed: the file ends early', lines.lineAt(lines.end));
    yield* ready.splice(0);
  } catch (error) {
    if (error instanceof MalformedFileError) throw error;
    throw new MalformedFileError(`The JSON does not parse: ${error instanceof Error ? error.message : String(error)}`, lines.lineAt(lines.end));
  }
}

/** The bytes as they come, each chunk checked to be UTF-8 on the way (JSON tokenizers decode on their own). */
async function* utf8Checked(input: AsyncIterable<Buffer>, lineOf: () => number): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of input) {
      decoder.decode(chunk, { stream: true });
      yield chunk;
    }
    decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw new MalformedFileError('The file is not valid UTF-8 text', lineOf());
    throw error;
  }
}

/** One JSON object per line; a line that does not parse is a rejected record, and the next line is read. */
async function* ndjsonRecords(input: AsyncIterable<Buffer>, limits: SourceLimits): AsyncGenerator<SourceRecord> {
  const ndjsonLine = (bytes: Buffer, line: number) => parseLine(bytes, line, limits.maxColumns);
  let line = 0;
  let partial: Buffer[] = [];
  let partialBytes = 0;
  for await (const chunk of utf8Checked(input, () => line + 1)) {
    let from = 0;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, from)) {
      partial.push(chunk.subarray(from, at));
      line++;
      const record = ndjsonLine(Buffer.concat(partial), line);
      partial = [];
      partialBytes = 0;
      from = at + 1;
      if (record) yield record;
    }
    partial.push(chunk.subarray(from));
    partialBytes += chunk.length - from;
    if (partialBytes > limits.maxRecordBytes) throw new MalformedFileError(`A line is longer than ${limits.maxRecordBytes} bytes`, line + 1);
  }
  const last = ndjsonLine(Buffer.concat(partial), line + 1);
  if (last) yield last;
}

function parseLine(bytes: Buffer, line: number, maxKeys: number): SourceRecord | null {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trim();
  if (text === '') return null;
  const assembler = new RecordAssembler(maxKeys);
  const tokenizer = new Tokenizer();
  tokenizer.onToken = (token: Token) => assembler.push(token);
  try {
    tokenizer.write(text);
    tokenizer.end();
  } catch {
    return { line, values: null, raw: text.slice(0, RAW_CHARS), problem: { column: null, value: shown(text), rule: 'malformed', message: 'The line is not valid JSON' } };
  }
  if (!assembler.done) return { line, values: null, raw: text.slice(0, RAW_CHARS), problem: { column: null, value: shown(text), rule: 'malformed', message: 'The line is not valid JSON' } };
  const record = recordOf(line, assembler.done, maxKeys);
  return record.values ? record : { ...record, raw: text.slice(0, RAW_CHARS) };
}
