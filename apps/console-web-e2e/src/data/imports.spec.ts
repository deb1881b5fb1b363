import type { Download, Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

/**
 * 10 rows under a header (line 1): three break the schema set below, on lines 3 (an age that is
 * not an integer), 5 (an age over the max) and 7 (no name, which is required).
 */
const PEOPLE_CSV = [
  'name,age,city',
  'Alice,31,Seoul',
  'Bob,abc,Busan',
  'Carol,27,Seoul',
  'Dan,200,Jeju',
  'Eve,45,Busan',
  ',38,Seoul',
  'Fay,52,Seoul',
  'Gus,19,Daegu',
  'Hana,33,Busan',
  'Ivan,61,Seoul',
  '',
].join('\n');

/** The text of a download (Playwright saves it to a temporary file). */
async function contentOf(download: Download): Promise<string> {
  return readFileSync(await download.path(), 'utf8');
}

/** Clicks `button` and returns the download it starts. */
async function downloadBy(page: Page, button: Locator): Promise<Download> {
  const download = page.waitForEvent('download');
  await button.click();
  return download;
}

/** The text of every cell of the table's body rows (its first row is the header). */
async function bodyCells(table: Locator): Promise<string[][]> {
  const rows = table.getByRole('row');
  const count = await rows.count();
  const cells: string[][] = [];
  for (let index = 1; index < count; index++) cells.push((await rows.nth(index).getByRole('cell').allTextContents()).map((text) => text.trim()));
  return cells;
}

test.describe('Dataset imports (data service)', () => {
  test('a user sets a schema, imports a CSV with 3 bad rows, sees them by line, downloads them, filters the rows, transforms them and exports CSV', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('imports', 'Owner Of Imports');
    await signIn(page, owner);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Datasets', exact: true }).click();
    await page.getByRole('link', { name: 'New dataset' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Imported people');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Imported people' })).toBeVisible();
    const summary = page.getByRole('region', { name: 'Summary' });
    await expect(summary.getByRole('row', { name: /Version/ })).toContainText('Nothing imported yet');

    // the schema before the first import: imports are validated against it
    await page.getByRole('tab', { name: 'Schema' }).click();
    const schema = page.getByRole('region', { name: 'Schema' });
    for (let n = 1; n <= 3; n++) await schema.getByRole('button', { name: 'Add field' }).click();
    await schema.getByRole('textbox', { name: 'Name of field 1' }).fill('name');
    await schema.getByRole('checkbox', { name: 'name is required' }).check();
    await schema.getByRole('textbox', { name: 'Name of field 2' }).fill('age');
    await schema.getByRole('combobox', { name: 'Type of age' }).selectOption('integer');
    await schema.getByRole('textbox', { name: 'Min of age' }).fill('0');
    await schema.getByRole('textbox', { name: 'Max of age' }).fill('150');
    await schema.getByRole('textbox', { name: 'Name of field 3' }).fill('city');
    await schema.getByRole('button', { name: 'Save schema' }).click();
    await expect(schema.getByRole('status')).toHaveText('Schema saved');
    await expect(summary.getByRole('row', { name: /Fields/ })).toContainText('name (Text, required)age (Integer)city (Text)');
    await screenshot(page, 'data-schema', testInfo);
    expect((await axe(page, 'data-schema', testInfo)).filter(isBlocking)).toEqual([]);

    // the import: skip-invalid, the file chosen through the button (the keyboard's way in)
    await page.getByRole('tab', { name: 'Import' }).click();
    await page.getByRole('radio', { name: /Skip invalid rows/ }).check();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose file' }).click();
    await (await chooser).setFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(PEOPLE_CSV) });
    const job = page.getByRole('region', { name: 'Import of people.csv' });
    await expect(job.getByRole('status')).toHaveText('Import completed: 7 rows imported, 3 rejected. Version 1 is current.');
    await expect(job.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '100');
    await expect(job.getByTestId('import-job-counts')).toHaveText('Rows read10Imported7Rejected3');

    const errors = job.getByRole('table', { name: 'Errors' });
    await expect(errors.getByRole('row')).toHaveCount(4);
    await expect(errors.getByRole('columnheader')).toHaveText(['Line', 'Column', 'Value', 'Rule', 'Message']);
    const cells = await bodyCells(errors);
    expect(cells.map((row) => row[0])).toEqual(['3', '5', '7']);
    expect(cells.map((row) => [row[1], row[2], row[3]])).toEqual([
      ['age', 'abc', 'type'],
      ['age', '200', 'max'],
      ['name', '', 'required'],
    ]);
    await expect(summary.getByRole('row', { name: /Rows/ })).toContainText('7');
    await expect(summary.getByRole('row', { name: /Version/ })).toContainText('1');
    await screenshot(page, 'data-import', testInfo);
    expect((await axe(page, 'data-import', testInfo)).filter(isBlocking)).toEqual([]);

    // the rejected rows, as the API keeps them: their columns, then _line, _error and _record
    const rejected = await downloadBy(page, job.getByRole('button', { name: 'Download rejected rows' }));
    expect(rejected.suggestedFilename()).toMatch(/^rejected-[a-f0-9]{24}\.csv$/);
    const rejectedLines = (await contentOf(rejected)).trimEnd().split('\n');
    expect(rejectedLines[0]).toBe('name,age,city,_line,_error,_record');
    expect(rejectedLines).toHaveLength(4);
    expect(rejectedLines.slice(1).map((line) => line.split(',')[3])).toEqual(['3', '5', '7']);
    expect(rejectedLines[1]).toMatch(/^Bob,abc,Busan,3,/);

    // the rows: all 7, then filtered, then a filter the API refuses, in words
    await page.getByRole('tab', { name: 'Rows' }).click();
    const grid = page.getByRole('table', { name: 'Rows of the dataset' });
    await expect(grid.getByRole('row')).toHaveCount(8);
    await expect(grid.getByRole('columnheader')).toHaveText(['name', 'age', 'city']);
    const filter = page.getByRole('textbox', { name: /^Filter/ });
    await filter.fill('age=ge=40');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(grid.getByRole('row')).toHaveCount(4);
    await grid.getByRole('button', { name: 'age' }).click(); // sorted by age, ascending
    await grid.getByRole('button', { name: 'age' }).click(); // then descending
    await expect(grid.getByRole('columnheader', { name: /age/ })).toHaveAttribute('aria-sort', 'descending');
    const ages = async () => (await grid.getByRole('row').allTextContents()).slice(1);
    await expect.poll(ages).toEqual(['Ivan61Seoul', 'Fay52Seoul', 'Eve45Busan']);
    await screenshot(page, 'data-rows', testInfo);
    expect((await axe(page, 'data-rows', testInfo)).filter(isBlocking)).toEqual([]);

    await filter.fill('salary>1');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('tabpanel', { name: 'Rows' }).getByRole('alert')).toContainText('The rows could not be read:');
    await filter.fill('age=ge=40');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(grid.getByRole('row')).toHaveCount(4);

    // a filtered export: only the matching rows
    const exports = page.getByRole('region', { name: 'Export' });
    const ndjson = await downloadBy(page, exports.getByRole('button', { name: 'Export NDJSON' }));
    expect(ndjson.suggestedFilename()).toBe('Imported people-v1.ndjson');
    expect((await contentOf(ndjson)).trimEnd().split('\n').map((line) => (JSON.parse(line) as { name: string }).name)).toEqual(['Eve', 'Fay', 'Ivan']);

    // a transformation: previewed live, then applied as version 2
    await page.getByRole('tab', { name: 'Transform' }).click();
    const builder = page.getByRole('region', { name: 'Transformation' });
    const step = builder.getByRole('group', { name: 'Step 1' });
    await step.getByRole('combobox', { name: 'Operation' }).selectOption('derive');
    await step.getByRole('combobox', { name: 'Field to set' }).fill('next_age');
    await step.getByRole('combobox', { name: 'Type' }).selectOption('integer');
    await step.getByRole('textbox', { name: /^Expression/ }).fill('age + 1');
    await builder.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect(preview.getByRole('status')).toHaveText('The first 7 rows before; 7 after the steps.');
    const after = preview.getByRole('table', { name: 'After' });
    await expect(after.getByRole('columnheader')).toHaveText(['name', 'age', 'city', 'next_age']);
    await expect(after.getByRole('row').nth(1)).toHaveText('Alice31Seoul32');
    await expect(preview.getByRole('table', { name: 'Before' }).getByRole('columnheader')).toHaveText(['name', 'age', 'city']);
    await screenshot(page, 'data-transform', testInfo);
    expect((await axe(page, 'data-transform', testInfo)).filter(isBlocking)).toEqual([]);
    await builder.getByRole('button', { name: 'Apply transformation' }).click();
    await expect(builder.getByRole('status')).toHaveText('Transformation applied: version 2 is current (7 rows in, 7 out).');
    await expect(summary.getByRole('row', { name: /Version/ })).toContainText('2');

    // the whole dataset as CSV: the header and the 7 rows, with the derived column
    await page.getByRole('tab', { name: 'Rows' }).click();
    await page.getByRole('button', { name: 'Clear' }).click(); // no filter, no sort
    await expect(grid.getByRole('row')).toHaveCount(8);
    await expect(grid.getByRole('columnheader')).toHaveText(['name', 'age', 'city', 'next_age']);
    const csv = await downloadBy(page, exports.getByRole('button', { name: 'Export CSV' }));
    expect(csv.suggestedFilename()).toBe('Imported people-v2.csv');
    const csvLines = (await contentOf(csv)).trimEnd().split('\n');
    expect(csvLines).toHaveLength(8);
    expect(csvLines[0]).toBe('name,age,city,next_age');
    expect(csvLines.slice(1).map((line) => line.split(',')[0]).sort()).toEqual(['Alice', 'Carol', 'Eve', 'Fay', 'Gus', 'Hana', 'Ivan']);
    expect(csvLines).toContain('Alice,31,Seoul,32');

    // the versions: back to the import's
    await page.getByRole('tab', { name: 'Versions' }).click();
    const versions = page.getByRole('table', { name: 'Versions' });
    await expect(versions.getByRole('row')).toHaveCount(3);
    await versions.getByRole('button', { name: 'Roll back to version 1' }).click();
    await page.getByRole('dialog', { name: 'Roll back to version 1?' }).getByRole('button', { name: 'Roll back', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Versions' }).getByRole('status')).toHaveText('Version 1 is current again.');
    await expect(summary.getByRole('row', { name: /Version/ })).toContainText('1');
    await expect(summary.getByRole('row', { name: /Fields/ })).not.toContainText('next_age');
    await screenshot(page, 'data-versions', testInfo);
    expect((await axe(page, 'data-versions', testInfo)).filter(isBlocking)).toEqual([]);
  });
});
