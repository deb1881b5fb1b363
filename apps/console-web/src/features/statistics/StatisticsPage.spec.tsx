import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, gatewayError, type Handler, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';
import type { Metric, Series, Summary, Top } from './queries';
import type { SeriesModel } from './series-data';

// recharts needs a layout jsdom does not do: the chart says what it was given (the table has the numbers)
vi.mock('./SeriesChart', () => ({
  default: ({ model, kind }: { model: SeriesModel; kind: string }) => (
    <p>
      {kind} chart of {model.lines.map((line) => line.label).join(' and ')} over {model.rows.length} slots
    </p>
  ),
}));
vi.mock('./WidgetSparkline', () => ({ default: () => null }));

const API = '/api/v1/statistics';
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const HOUR = 3_600_000;

const METRICS: Metric[] = [
  { name: 'users.created', kind: 'counter', unit: 'count', description: 'Accounts registered (or created by an admin)', events: ['users.created'], dimensions: ['owner', 'outcome', 'service', 'event'] },
  {
    name: 'oauth.login',
    kind: 'counter',
    unit: 'count',
    description: 'Sign-ins, successful or refused (group by outcome)',
    events: ['oauth.login.succeeded', 'oauth.login.failed'],
    dimensions: ['owner', 'outcome', 'service', 'event'],
  },
  {
    name: 'images.storage.bytes',
    kind: 'gauge',
    unit: 'bytes',
    description: 'Bytes of image storage in use',
    events: ['images.image.uploaded', 'images.image.deleted'],
    dimensions: ['owner', 'outcome', 'service', 'event'],
  },
];

const points = (values: number[], start = Date.parse('2025-01-01T00:00:00.000Z')) => values.map((value, i) => ({ t: new Date(start + i * HOUR).toISOString(), value }));

/** A series answer shaped by the query: one line, or success and failure lines when grouped. */
function seriesAnswer(request: Request): Series {
  const query = new URL(request.url).searchParams;
  const metric = METRICS.find((m) => m.name === query.get('metric')) ?? METRICS[0];
  const base = { metric: metric?.name ?? '', interval: (query.get('interval') ?? 'hour') as Series['interval'], tz: query.get('tz') ?? 'UTC', kind: metric?.kind ?? 'counter' };
  if (query.get('groupBy')) {
    return {
      ...base,
      series: [
        { group: 'success', points: points([3, 1, 4]) },
        { group: 'failure', points: points([0, 2, 0]) },
      ],
    };
  }
  return { ...base, points: metric?.unit === 'bytes' ? points([1_000, 2_000, 2_500_000]) : points([1, 0, 5]) };
}

const topAnswer = (request: Request): Top => {
  const query = new URL(request.url).searchParams;
  return {
    metric: query.get('metric') ?? '',
    by: (query.get('by') ?? 'owner') as Top['by'],
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    items: [
      { key: MEMBER.id, value: 4 },
      { key: null, value: 2 },
    ],
  };
};

const summary: Summary = {
  period: '7d',
  tz: 'UTC',
  from: '2025-01-01T00:00:00.000Z',
  to: '2025-01-08T00:00:00.000Z',
  items: [{ key: 'newUsers', metric: 'users.created', kind: 'counter', unit: 'count', total: 3, previous: 1, delta: 2, deltaPercent: 200, sparkline: [0, 1, 2] }],
};

function handlers(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    [`GET ${API}/metrics`]: () => json(200, { items: METRICS }),
    [`GET ${API}/series`]: (request) => json(200, seriesAnswer(request)),
    [`GET ${API}/top`]: (request) => json(200, topAnswer(request)),
    [`GET ${API}/summary`]: () => json(200, summary),
    ...overrides,
  };
}

const queryOf = (request: Request | undefined) => Object.fromEntries(new URL(request?.url ?? 'http://x').searchParams);

describe('the statistics page', () => {
  it('shows new users over the last 7 days per hour in the browser’s time zone: its description, total, chart, table and top list', async () => {
    const { user, gateway } = await renderApp('/statistics', { user: ADMIN, handlers: handlers() });
    expect(await screen.findByRole('heading', { level: 1, name: 'Statistics' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Statistics · site11 console'));
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Reports' })).toHaveAttribute('href', '/statistics/reports');
    // the activity widgets are here too
    expect(await screen.findByRole('group', { name: 'New users' })).toHaveTextContent('3');

    const explore = screen.getByRole('region', { name: 'Over time' });
    const metric = await within(explore).findByRole('combobox', { name: 'Metric' });
    expect(metric).toHaveValue('users.created');
    expect(within(explore).getByText('Accounts registered (or created by an admin) (a count per slot, in counts)')).toBeInTheDocument();
    expect(within(metric).getByRole('option', { name: 'oauth.login: Sign-ins, successful or refused (group by outcome)' })).toBeInTheDocument();
    expect(within(explore).getByRole('radio', { name: 'Last 7 days' })).toBeChecked();
    expect(within(explore).getByRole('radio', { name: 'Hour' })).toBeChecked();
    expect(within(explore).getByRole('combobox', { name: 'Group by' })).toHaveValue('none');
    expect(within(explore).getByRole('combobox', { name: 'Time zone' })).toHaveValue(browserZone);

    expect(await within(explore).findByTestId('series-total')).toHaveTextContent('Total in the range: 6');
    expect(await within(explore).findByText('counter chart of users.created over 3 slots')).toBeInTheDocument();
    const series = queryOf(gateway.calls('GET', `${API}/series`)[0]);
    expect(series).toMatchObject({ metric: 'users.created', interval: 'hour', tz: browserZone });
    expect(series['groupBy']).toBeUndefined();
    expect(Date.parse(series['to'] ?? '') - Date.parse(series['from'] ?? '')).toBe(7 * 24 * HOUR);
    expect(Date.parse(series['to'] ?? '') % 60_000).toBe(0);

    // the chart's numbers, as a table
    const toggle = within(explore).getByRole('button', { name: 'Show the data as a table' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const table = within(explore).getByRole('table', { name: /^users.created per hour, Last 7 days/ });
    expect(within(table).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['Time', 'Value']);
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(within(table).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['1', '0', '5']);

    // the largest owners over the same range; an admin may open a user
    const top = screen.getByRole('region', { name: 'Top' });
    expect(within(top).getByText('The largest groups of users.created over the same range')).toBeInTheDocument();
    const rows = within(await within(top).findByRole('table')).getAllByRole('row');
    expect(rows.map((row) => row.textContent)).toEqual(['RankOwnerValue', `1${MEMBER.id}4`, '2(none)2']);
    expect(within(top).getByRole('link', { name: MEMBER.id })).toHaveAttribute('href', `/users/${MEMBER.id}`);
    expect(queryOf(gateway.calls('GET', `${API}/top`)[0])).toMatchObject({ metric: 'users.created', by: 'owner', limit: '10', from: series['from'], to: series['to'] });
  });

  it('asks again for another metric, grouping, interval, time zone, top dimension and range', async () => {
    const { user, gateway } = await renderApp('/statistics', { user: ADMIN, handlers: handlers() });
    const explore = await screen.findByRole('region', { name: 'Over time' });
    const lastSeries = () => queryOf(gateway.calls('GET', `${API}/series`).at(-1));

    await user.selectOptions(await within(explore).findByRole('combobox', { name: 'Metric' }), 'oauth.login');
    await user.selectOptions(within(explore).getByRole('combobox', { name: 'Group by' }), 'outcome');
    expect(await within(explore).findByText('counter chart of success and failure over 3 slots')).toBeInTheDocument();
    expect(lastSeries()).toMatchObject({ metric: 'oauth.login', groupBy: 'outcome' });
    expect(within(explore).getByTestId('series-total')).toHaveTextContent('Total in the range: 10');
    await user.click(within(explore).getByRole('button', { name: 'Show the data as a table' }));
    expect(within(within(explore).getByRole('table')).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['Time', 'success', 'failure']);

    await user.click(within(explore).getByRole('radio', { name: 'Day' }));
    await waitFor(() => expect(lastSeries()).toMatchObject({ interval: 'day' }));
    await user.selectOptions(within(explore).getByRole('combobox', { name: 'Time zone' }), 'Asia/Seoul');
    await waitFor(() => expect(lastSeries()).toMatchObject({ tz: 'Asia/Seoul' }));

    // 30 days starts per day
    await user.click(within(explore).getByRole('radio', { name: 'Last 30 days' }));
    await waitFor(() => expect(Date.parse(lastSeries()['to'] ?? '') - Date.parse(lastSeries()['from'] ?? '')).toBe(30 * 24 * HOUR));
    expect(within(explore).getByRole('radio', { name: 'Day' })).toBeChecked();

    // a custom range, on the chosen zone's clock: 09:30 in Seoul is 00:30 UTC
    await user.click(within(explore).getByRole('radio', { name: 'Custom' }));
    const from = within(explore).getByLabelText(/^From/);
    const to = within(explore).getByLabelText(/^To/);
    expect(from).not.toHaveValue('');
    fireEvent.change(from, { target: { value: '2025-03-01T09:30' } });
    fireEvent.change(to, { target: { value: '2025-03-02T09:30' } });
    await waitFor(() => expect(lastSeries()).toMatchObject({ from: '2025-03-01T00:30:00.000Z', to: '2025-03-02T00:30:00.000Z', tz: 'Asia/Seoul' }));

    // an end before the start is said at once, and asks nothing
    const asked = gateway.calls('GET', `${API}/series`).length;
    fireEvent.change(to, { target: { value: '2025-02-28T09:30' } });
    expect(await within(explore).findByText('The start of the range must be before its end.')).toBeInTheDocument();
    expect(gateway.calls('GET', `${API}/series`)).toHaveLength(asked);

    const top = screen.getByRole('region', { name: 'Top' });
    fireEvent.change(to, { target: { value: '2025-03-02T09:30' } });
    await user.selectOptions(within(top).getByRole('combobox', { name: 'By' }), 'service');
    await waitFor(() => expect(queryOf(gateway.calls('GET', `${API}/top`).at(-1))).toMatchObject({ metric: 'oauth.login', by: 'service' }));
    expect(within(await within(top).findByRole('table')).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['Rank', 'Service', 'Value']);
  });

  it('shows a gauge in its unit: bytes human-readably, the level at the end of the range', async () => {
    const { user } = await renderApp('/statistics', { user: ADMIN, handlers: handlers() });
    const explore = await screen.findByRole('region', { name: 'Over time' });
    await user.selectOptions(await within(explore).findByRole('combobox', { name: 'Metric' }), 'images.storage.bytes');
    expect(await within(explore).findByText('gauge chart of images.storage.bytes over 3 slots')).toBeInTheDocument();
    expect(within(explore).getByTestId('series-total')).toHaveTextContent('At the end of the range: 2.5 MB');
    expect(within(explore).getByText('Bytes of image storage in use (the level at the end of each slot, in bytes)')).toBeInTheDocument();
  });

  it('explains the API’s refusals in words, and offers a coarser interval for too many points', async () => {
    const { user, gateway } = await renderApp('/statistics', {
      user: ADMIN,
      handlers: handlers({
        [`GET ${API}/series`]: (request) =>
          new URL(request.url).searchParams.get('interval') === 'minute'
            ? gatewayError(400, 'STATISTICS.TOO_MANY_POINTS', 'The range has more than 20000 minutes')
            : json(200, seriesAnswer(request)),
      }),
    });
    const explore = await screen.findByRole('region', { name: 'Over time' });
    await within(explore).findByTestId('series-total');
    await user.click(within(explore).getByRole('radio', { name: 'Minute' }));
    const alert = await within(explore).findByRole('alert');
    expect(alert).toHaveTextContent('These numbers cannot be shown');
    expect(alert).toHaveTextContent('This range has too many points at this interval (more than 20,000). Choose a coarser interval or a shorter range.');
    expect(within(explore).queryByTestId('series-total')).not.toBeInTheDocument();

    await user.click(within(alert).getByRole('button', { name: 'Show per hour' }));
    expect(await within(explore).findByTestId('series-total')).toBeInTheDocument();
    expect(within(explore).getByRole('radio', { name: 'Hour' })).toBeChecked();
    expect(within(explore).queryByRole('alert')).not.toBeInTheDocument();
    expect(queryOf(gateway.calls('GET', `${API}/series`).at(-1))).toMatchObject({ interval: 'hour' });
  });

  it.each([
    ['STATISTICS.RANGE_NOT_RETAINED', 'per minute for 7 days, per hour for 90 days', 'Show per day'],
    ['STATISTICS.INVALID_RANGE', 'The start of the range must be before its end.', null],
    ['STATISTICS.UNKNOWN_METRIC', 'This metric does not exist (any more). Choose another one.', null],
    ['STATISTICS.INVALID_TIME_ZONE', 'This time zone is not known. Choose another one.', null],
  ])('says what %s means', async (code, text, button) => {
    await renderApp('/statistics', { user: ADMIN, handlers: handlers({ [`GET ${API}/series`]: () => gatewayError(400, code, 'refused') }) });
    const explore = await screen.findByRole('region', { name: 'Over time' });
    const alert = await within(explore).findByRole('alert');
    expect(alert).toHaveTextContent(text);
    if (button) expect(within(alert).getByRole('button', { name: button })).toBeInTheDocument();
    else expect(within(alert).queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows a user their own numbers, without links to users', async () => {
    await renderApp('/statistics', { user: MEMBER, handlers: handlers() });
    const activity = await screen.findByRole('region', { name: 'Activity' });
    expect(await within(activity).findByText('Your own activity')).toBeInTheDocument();
    const top = screen.getByRole('region', { name: 'Top' });
    expect(await within(top).findByRole('table')).toHaveTextContent(MEMBER.id);
    expect(within(top).queryByRole('link')).not.toBeInTheDocument();
  });

  it('shows a retry banner, not a blank page, when the statistics service is unavailable', async () => {
    let down = true;
    const { user } = await renderApp('/statistics', {
      user: ADMIN,
      handlers: handlers({
        [`GET ${API}/metrics`]: () => (down ? gatewayError(503, 'SERVICE_UNAVAILABLE', 'statistics is unavailable') : json(200, { items: METRICS })),
      }),
    });
    const explore = await screen.findByRole('region', { name: 'Over time' });
    const alert = await within(explore).findByRole('alert');
    expect(alert).toHaveTextContent('Service unavailable');
    down = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await within(explore).findByRole('combobox', { name: 'Metric' })).toHaveValue('users.created');
  });

  it('is in Korean too', async () => {
    await renderApp('/statistics', { user: ADMIN, handlers: handlers(), language: 'ko' });
    expect(await screen.findByRole('heading', { level: 1, name: '통계' })).toBeInTheDocument();
    const explore = screen.getByRole('region', { name: '시간별 추이' });
    expect(await within(explore).findByTestId('series-total')).toHaveTextContent('범위 합계: 6');
    expect(within(explore).getByRole('radio', { name: '최근 7일' })).toBeChecked();
  });
});
