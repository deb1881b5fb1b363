import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN, gatewayError, json, MEMBER } from '../../../test/api-mock';
import { renderApp } from '../../../test/render';
import { type Report, REPORT_FORMATS, REPORT_KINDS } from './queries';
import { reportBody, reportFormSchema } from './schema';

const LIST = '/api/v1/statistics/reports';
/** The gateway's committed OpenAPI document: the contract the form must agree with. */
const openapi = JSON.parse(readFileSync(join(__dirname, '../../../../../console-gateway/openapi.json'), 'utf-8')) as {
  components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }>; required: string[] }> };
};
const at = '2025-01-08T10:00:00.000Z';
const report = (i: number, extra: Partial<Report> = {}): Report => ({
  id: `66000000000000000000000${i}`,
  ownerId: MEMBER.id,
  kind: 'usage',
  format: 'csv',
  from: '2025-01-01T00:00:00.000Z',
  to: '2025-01-08T00:00:00.000Z',
  status: 'completed',
  failure: null,
  filename: `usage-2025-01-01-2025-01-07-${i}.csv`,
  bytes: 2_048,
  createdAt: at,
  updatedAt: at,
  completedAt: at,
  ...extra,
});

let saved: { href: string; download: string }[];
let blobs: Blob[];

beforeEach(() => {
  saved = [];
  blobs = [];
  URL.createObjectURL = vi.fn((blob: Blob) => {
    blobs.push(blob);
    return `blob:http://localhost/${blobs.length}`;
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ href: this.href, download: this.download });
  });
});

const queries = (gateway: { calls: (method: string, path: string) => Request[] }) =>
  gateway.calls('GET', LIST).map((request) => Object.fromEntries(new URL(request.url).searchParams));

describe('the reports screen', () => {
  it('follows a report while it is generated, then downloads it with the session’s token under its name', async () => {
    let polls = 0;
    const first = report(1, { status: 'queued', bytes: 0, completedAt: null });
    const { user, gateway } = await renderApp('/statistics/reports', {
      user: MEMBER,
      handlers: {
        [`GET ${LIST}`]: () => {
          polls += 1;
          const status = polls === 1 ? 'queued' : polls === 2 ? 'running' : 'completed';
          return json(200, { items: [status === 'completed' ? report(1) : { ...first, status }], nextCursor: null });
        },
        [`GET ${LIST}/${first.id}/download`]: () =>
          new Response('slot,users.created\ntotal,3\n', {
            status: 200,
            headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${first.filename}"` },
          }),
      },
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Reports' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '← Back to statistics' })).toHaveAttribute('href', '/statistics');
    const list = screen.getByRole('region', { name: 'Generated reports' });
    const row = () => within(within(list).getByRole('table')).getAllByRole('row')[1] as HTMLElement;
    expect(await within(list).findByText('Queued')).toBeInTheDocument();
    expect(within(row()).queryByRole('button', { name: /^Download/ })).not.toBeInTheDocument();
    expect(within(list).getByText('Updated every second while a report is being generated')).toBeInTheDocument();
    // asked again every second until it is completed, then no more
    expect(await within(list).findByText('Running', {}, { timeout: 5_000 })).toBeInTheDocument();
    expect(await within(list).findByText('Completed', {}, { timeout: 5_000 })).toBeInTheDocument();
    expect(within(row()).getByText(first.filename)).toBeInTheDocument();
    expect(within(row()).getByText('Usage · CSV')).toBeInTheDocument();
    expect(within(row()).getByText('Jan 1 – 7, 2025')).toBeInTheDocument();
    expect(within(row()).getByText('2 kB')).toBeInTheDocument();
    const asked = polls;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(polls).toBe(asked);

    await user.click(within(row()).getByRole('button', { name: `Download ${first.filename}` }));
    expect(await within(list).findByRole('status')).toHaveTextContent(`Downloaded ${first.filename}`);
    expect(saved).toEqual([{ href: 'blob:http://localhost/1', download: first.filename }]);
    expect(await blobs[0]?.text()).toBe('slot,users.created\ntotal,3\n');
    expect(gateway.calls('GET', `${LIST}/${first.id}/download`)[0]?.headers.get('authorization')).toBe('Bearer access-1');
  });

  it('generates a report of whole UTC days, after checking the days as the API would', async () => {
    let answer = gatewayError(429, 'STATISTICS.TOO_MANY_REPORTS', 'You have 5 reports queued or running');
    const created = report(2, { status: 'queued', kind: 'activity', format: 'pdf', filename: 'activity-2025-01-01-2025-01-31.pdf', bytes: 0 });
    let items: Report[] = [];
    const { user, gateway } = await renderApp('/statistics/reports', {
      user: MEMBER,
      handlers: {
        [`GET ${LIST}`]: () => json(200, { items, nextCursor: null }),
        [`POST ${LIST}`]: () => answer,
      },
    });
    const form = await screen.findByRole('region', { name: 'Generate a report' });
    expect(await screen.findByText('No reports yet.')).toBeInTheDocument();
    // the last 7 UTC days, usage, CSV at first
    expect(within(form).getByRole('radio', { name: /^Usage/ })).toBeChecked();
    expect(within(form).getByRole('radio', { name: 'CSV' })).toBeChecked();
    const from = within(form).getByLabelText(/^First day/);
    const to = within(form).getByLabelText(/^Last day/);
    expect(Date.parse(`${(to as HTMLInputElement).value}T00:00:00Z`) - Date.parse(`${(from as HTMLInputElement).value}T00:00:00Z`)).toBe(6 * 86_400_000);

    await user.click(within(form).getByRole('radio', { name: /^Activity/ }));
    await user.click(within(form).getByRole('radio', { name: 'PDF' }));
    const submit = within(form).getByRole('button', { name: 'Generate report' });

    fireEvent.change(from, { target: { value: '2025-01-31' } });
    fireEvent.change(to, { target: { value: '2025-01-01' } });
    await user.click(submit);
    expect(await within(form).findByText('The last day cannot be before the first')).toBeInTheDocument();
    fireEvent.change(from, { target: { value: '2024-01-01' } });
    fireEvent.change(to, { target: { value: '2025-01-01' } });
    await user.click(submit);
    expect(await within(form).findByText('A report covers at most 366 days')).toBeInTheDocument();
    expect(gateway.calls('POST', LIST)).toHaveLength(0);

    fireEvent.change(from, { target: { value: '2025-01-01' } });
    fireEvent.change(to, { target: { value: '2025-01-31' } });
    await user.click(submit);
    expect(await within(form).findByText('Too many of your reports are queued or running. Wait for one of them to finish, then try again.')).toBeInTheDocument();
    expect(await gateway.calls('POST', LIST)[0]?.json()).toEqual({ kind: 'activity', format: 'pdf', from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' });

    answer = json(202, created);
    items = [created];
    await user.click(submit);
    expect(await within(form).findByRole('status')).toHaveTextContent('activity-2025-01-01-2025-01-31.pdf is being generated: follow it in the list below.');
    const list = screen.getByRole('region', { name: 'Generated reports' });
    expect(await within(list).findByText('activity-2025-01-01-2025-01-31.pdf')).toBeInTheDocument();
    expect(within(list).getByText('Queued')).toBeInTheDocument();
  });

  it('shows why a report failed, and deletes a report only after confirming', async () => {
    const failed = report(3, { status: 'failed', bytes: 0, failure: { code: 'STATISTICS.REPORT_TOO_LARGE', message: 'The report is over 8388608 bytes' } });
    let items = [failed, report(4)];
    const { user, gateway } = await renderApp('/statistics/reports', {
      user: MEMBER,
      handlers: {
        [`GET ${LIST}`]: () => json(200, { items, nextCursor: null }),
        [`DELETE ${LIST}/${failed.id}`]: () => {
          items = items.filter((item) => item.id !== failed.id);
          return json(204);
        },
      },
    });
    const list = await screen.findByRole('region', { name: 'Generated reports' });
    expect(await within(list).findByText('Failed')).toBeInTheDocument();
    expect(within(list).getByText('STATISTICS.REPORT_TOO_LARGE: The report is over 8388608 bytes')).toBeInTheDocument();
    expect(within(list).queryByRole('button', { name: `Download ${failed.filename}` })).not.toBeInTheDocument();

    await user.click(within(list).getByRole('button', { name: `Delete ${failed.filename}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this report?' });
    expect(dialog).toHaveTextContent(`“${failed.filename}” will be deleted for good.`);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(gateway.calls('DELETE', `${LIST}/${failed.id}`)).toHaveLength(0);

    await user.click(within(list).getByRole('button', { name: `Delete ${failed.filename}` }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(within(list).queryByText(failed.filename)).not.toBeInTheDocument());
    expect(gateway.calls('DELETE', `${LIST}/${failed.id}`)).toHaveLength(1);
    expect(within(list).getByText(report(4).filename)).toBeInTheDocument();
  });

  it('lets an admin list everyone’s reports, with their owners', async () => {
    const { user, gateway } = await renderApp('/statistics/reports', {
      user: ADMIN,
      handlers: { [`GET ${LIST}`]: (request) => json(200, { items: new URL(request.url).searchParams.get('scope') === 'all' ? [report(5)] : [], nextCursor: null }) },
    });
    expect(await screen.findByText('No reports yet.')).toBeInTheDocument();
    expect(queries(gateway).every((query) => query['scope'] === undefined)).toBe(true);
    await user.click(screen.getByRole('radio', { name: 'Everyone’s' }));
    await waitFor(() => expect(queries(gateway).at(-1)).toMatchObject({ scope: 'all' }));
    const table = await screen.findByRole('table', { name: 'Generated reports' });
    expect(within(table).getByRole('columnheader', { name: 'Owner' })).toBeInTheDocument();
    expect(within(table).getByText(MEMBER.id)).toBeInTheDocument();
  });

  it('does not offer a user everyone’s reports, and loads the next page by cursor', async () => {
    const { user, gateway } = await renderApp('/statistics/reports', {
      user: MEMBER,
      handlers: {
        [`GET ${LIST}`]: (request) =>
          new URL(request.url).searchParams.get('cursor') === 'page-2' ? json(200, { items: [report(7)], nextCursor: null }) : json(200, { items: [report(6)], nextCursor: 'page-2' }),
      },
    });
    expect(await screen.findByText(report(6).filename)).toBeInTheDocument();
    expect(screen.queryByRole('radiogroup', { name: 'Whose reports' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText(report(7).filename)).toBeInTheDocument();
    expect(queries(gateway).at(-1)).toMatchObject({ cursor: 'page-2', limit: '50' });
  });

  it('agrees with the API’s contract (the OpenAPI document)', () => {
    const dto = openapi.components.schemas['CreateReportDto'];
    expect(dto?.properties['kind']?.enum).toEqual([...REPORT_KINDS]);
    expect(dto?.properties['format']?.enum).toEqual([...REPORT_FORMATS]);
    expect([...(dto?.required ?? [])].sort()).toEqual(['format', 'from', 'kind', 'to']);
    const values = reportFormSchema.parse({ kind: 'storage', format: 'json', from: '2024-01-01', to: '2024-12-31' });
    // 366 days (a leap year), the most the API takes
    expect(reportBody(values)).toEqual({ kind: 'storage', format: 'json', from: '2024-01-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z' });
    expect(reportFormSchema.safeParse({ kind: 'storage', format: 'json', from: '2024-01-01', to: '2025-01-01' }).success).toBe(false);
    expect(reportFormSchema.safeParse({ kind: 'storage', format: 'json', from: '', to: '2025-01-01' }).success).toBe(false);
  });

  it('shows a retry banner, not a blank page, when the service is unavailable', async () => {
    await renderApp('/statistics/reports', {
      user: MEMBER,
      handlers: { [`GET ${LIST}`]: () => gatewayError(503, 'SERVICE_UNAVAILABLE', 'The statistics service is unavailable') },
    });
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Reports' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Generate a report' })).toBeInTheDocument();
  });
});
