import { exportStream, guardCell } from './export-writer';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

async function* rows(items: Record<string, unknown>[]) {
  yield* items;
}

describe('export writer', () => {
  it('prefixes text cells that a spreadsheet would run as formulas, and leaves numbers alone, negative ones included', () => {
    expect(['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx'].map(guardCell)).toEqual(["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]);
    expect([-5, 3.5, '-5', '+1.5e3', 'plain', null, true].map(guardCell)).toEqual(['-5', '3.5', '-5', '+1.5e3', 'plain', '', 'true']);
  });

  it('writes CSV with a header, quoting, guarded cells and an optional BOM', async () => {
    const csv = await text(exportStream('csv', ['name', 'n'], rows([{ name: 'a,"b"', n: -1 }, { name: '=HYPERLINK("x")', n: null }]), { bom: true }));
    expect(csv).toBe('\uFEFFname,n\n"a,""b""",-1\n"\'=HYPERLINK(""x"")",\n');
  });

  it('writes NDJSON, and a JSON array that is valid even when empty', async () => {
    expect(await text(exportStream('ndjson', ['a'], rows([{ a: 1 }, { a: 2 }]), { bom: false }))).toBe('{"a":1}\n{"a":2}\n');
    expect(JSON.parse(await text(exportStream('json', ['a'], rows([{ a: 1 }, { a: 2 }]), { bom: false })))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(JSON.parse(await text(exportStream('json', ['a'], rows([]), { bom: false })))).toEqual([]);
  });
});
