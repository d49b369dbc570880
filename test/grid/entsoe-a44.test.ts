import { describe, expect, it } from 'vitest';
import { parseEntsoeA44 } from '../../grid/entsoe-a44.ts';
import { resampleToGrid } from '../../grid/resample.ts';
import { findGaps } from '../../grid/signal-series.ts';
import { localDaysSlotGrid } from '../../grid/slot-grid.ts';
import { catchGridError } from './catch-grid-error.ts';
import { fixture } from './grid-test-data.ts';

const utc = (ms: number): string => new Date(ms).toISOString();

describe('ENTSO-E A44 fixtures', () => {
  it('reads the 23-hour Belgian day 2025-03-30: 92 quarter-hours from the timeInterval, A03 gaps repeated', () => {
    const s = parseEntsoeA44(fixture('entsoe-a44-be-2025-03-30-pt15m.xml'));
    expect(s.unit).toBe('EUR/MWh');
    expect(s.intervals).toHaveLength(92);
    expect(findGaps(s)).toEqual([]);
    expect(utc(s.intervals[0]!.startUtcMs)).toBe('2025-03-29T23:00:00.000Z');
    expect(utc(s.intervals[91]!.endUtcMs)).toBe('2025-03-30T22:00:00.000Z');
    // Hour h: quarters 1-2 = 80 + 2h, quarters 3-4 = 80 + 2h + 1.5; positions 2 and 4 are omitted (A03).
    expect(s.intervals.slice(0, 8).map((i) => i.value)).toEqual([80, 80, 81.5, 81.5, 82, 82, 83.5, 83.5]);
    expect(s.intervals[91]!.value).toBe(80 + 2 * 22 + 1.5);
    // On the Brussels local-day grid the same 92 slots, in EUR/kWh.
    const grid = localDaysSlotGrid({ firstDay: '2025-03-30', slotMinutes: 15, zone: 'Europe/Brussels' });
    const prices = resampleToGrid(s, grid, { toUnit: 'EUR/kWh' });
    expect(prices).toHaveLength(92);
    expect(prices[2]).toBeCloseTo(0.0815, 12);
  });

  it('reads the 25-hour Belgian day 2025-10-26: 100 quarter-hours, trailing A03 points repeated', () => {
    const s = parseEntsoeA44(fixture('entsoe-a44-be-2025-10-26-pt15m.xml'));
    expect(s.intervals).toHaveLength(100);
    expect(findGaps(s)).toEqual([]);
    expect(utc(s.intervals[99]!.endUtcMs)).toBe('2025-10-26T23:00:00.000Z');
    // Both 02:00 hours are present: h = 2 (CEST) and h = 3 (the repeated hour, CET).
    expect(s.intervals.slice(8, 16).map((i) => i.value)).toEqual([52, 52, 52.5, 52.5, 53, 53, 53.5, 53.5]);
    expect(s.intervals.slice(96).map((i) => i.value)).toEqual([74, 74, 74, 74]);
    const grid = localDaysSlotGrid({ firstDay: '2025-10-26', slotMinutes: 15, zone: 'Europe/Brussels' });
    expect(resampleToGrid(s, grid, { toUnit: 'EUR/MWh' })).toEqual(s.intervals.map((i) => i.value));
  });

  it('merges two hourly days (24 + 25 points) and lets the lower classificationSequence position win', () => {
    const s = parseEntsoeA44(fixture('entsoe-a44-de-2025-10-25-26-pt60m.xml'));
    expect(s.intervals).toHaveLength(49);
    expect(findGaps(s)).toEqual([]);
    expect(s.intervals.map((i) => i.value)).not.toContain(999);
    expect(s.intervals[23]!.value).toBe(124);
    expect(s.intervals[24]!.value).toBe(201);
    expect(s.intervals[48]!.value).toBe(225);
    const grid = localDaysSlotGrid({ firstDay: '2025-10-26', slotMinutes: 15, zone: 'Europe/Berlin' });
    const q = resampleToGrid(s, grid, { toUnit: 'EUR/MWh' });
    expect(q).toHaveLength(100);
    expect(q.slice(8, 16)).toEqual([203, 203, 203, 203, 204, 204, 204, 204]);
  });

  it('reports an acknowledgement (no data) with its reason', () => {
    const err = catchGridError(() => parseEntsoeA44(fixture('entsoe-acknowledgement-no-data.xml')), 'V2G_ERR_ENTSOE_NO_DATA');
    expect(err.issues[0]!.message).toMatch(/^999: No matching data found/);
  });
});

const doc = (series: string, type = 'A44'): string =>
  `<?xml version="1.0" encoding="utf-8"?>\n<Publication_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3">\n<type>${type}</type>\n${series}</Publication_MarketDocument>`;
const ts = (periods: string, { curve = 'A03', currency = 'EUR', measure = 'MWH', seq = '' } = {}): string =>
  `<TimeSeries><currency_Unit.name>${currency}</currency_Unit.name><price_Measure_Unit.name>${measure}</price_Measure_Unit.name>${seq ? `<classificationSequence_AttributeInstanceComponent.position>${seq}</classificationSequence_AttributeInstanceComponent.position>` : ''}<curveType>${curve}</curveType>${periods}</TimeSeries>\n`;
const period = (start: string, end: string, res: string, points: [string, string][]): string =>
  `<Period><timeInterval><start>${start}</start><end>${end}</end></timeInterval><resolution>${res}</resolution>${points.map(([p, v]) => `<Point><position>${p}</position><price.amount>${v}</price.amount></Point>`).join('')}</Period>`;

describe('ENTSO-E A44 errors, located by element', () => {
  const cases: [string, string, string, { path?: string; line?: number; message: RegExp }[]][] = [
    ['malformed XML, by line and column', '<Publication_MarketDocument>\n<TimeSeries>\n</Publication_MarketDocument>', 'V2G_ERR_XML_FORMAT', [{ line: 3, message: /Expected closing tag 'TimeSeries'/ }]],
    ['another document', '<GL_MarketDocument><type>A65</type></GL_MarketDocument>', 'V2G_ERR_XML_FORMAT', [{ path: 'GL_MarketDocument', message: /expected Publication_MarketDocument/ }]],
    [
      'a point count taken from the timeInterval, and all point problems listed',
      doc(ts(period('2025-01-01T00:00Z', '2025-01-01T02:00Z', 'PT60M', [['1', '10'], ['3', '11'], ['2', 'ten'], ['1', '12']]))),
      'V2G_ERR_XML_FORMAT',
      [
        { path: 'TimeSeries[1]/Period[1]/Point[2]/position', message: /"3" is not a position in 1-2/ },
        { path: 'TimeSeries[1]/Period[1]/Point[3]/price.amount', message: /"ten" is not a decimal number/ },
        { path: 'TimeSeries[1]/Period[1]/Point[4]/position', message: /position 1 appears twice/ },
      ],
    ],
    [
      'a timeInterval that is not a whole number of resolutions',
      doc(ts(period('2025-01-01T00:00Z', '2025-01-01T01:10Z', 'PT15M', [['1', '10']]))),
      'V2G_ERR_XML_FORMAT',
      [{ path: 'TimeSeries[1]/Period[1]/timeInterval', message: /not a whole, positive number of PT15M/ }],
    ],
    [
      'curve type A01 with a missing point',
      doc(ts(period('2025-01-01T00:00Z', '2025-01-01T04:00Z', 'PT60M', [['1', '1'], ['4', '4']]), { curve: 'A01' })),
      'V2G_ERR_XML_FORMAT',
      [{ path: 'TimeSeries[1]/Period[1]', message: /positions 2-3 are missing/ }],
    ],
    [
      'curve type A03 without position 1',
      doc(ts(period('2025-01-01T00:00Z', '2025-01-01T04:00Z', 'PT60M', [['2', '1']]))),
      'V2G_ERR_XML_FORMAT',
      [{ path: 'TimeSeries[1]/Period[1]', message: /needs position 1/ }],
    ],
    ['a document type other than A44', doc(ts(period('2025-01-01T00:00Z', '2025-01-01T01:00Z', 'PT60M', [['1', '1']])), 'A65'), 'V2G_ERR_XML_FORMAT', [{ path: 'Publication_MarketDocument/type', message: /is A65/ }]],
    [
      'an unknown measure unit and a calendar resolution, both listed',
      doc(ts(period('2025-01-01T00:00Z', '2025-02-01T00:00Z', 'P1M', [['1', '1']]), { measure: 'MAW' })),
      'V2G_ERR_XML_FORMAT',
      [
        { path: 'TimeSeries[1]/price_Measure_Unit.name', message: /"MAW" is not a known measure unit/ },
        { path: 'TimeSeries[1]/Period[1]/resolution', message: /no fixed length/ },
      ],
    ],
    [
      'two series with the same classificationSequence position overlapping',
      doc(ts(period('2025-01-01T00:00Z', '2025-01-01T01:00Z', 'PT60M', [['1', '1']])) + ts(period('2025-01-01T00:00Z', '2025-01-01T01:00Z', 'PT60M', [['1', '2']]))),
      'V2G_ERR_SIGNAL_OVERLAP',
      [{ path: 'TimeSeries[2]/Period[1]/position 1', message: /overlaps TimeSeries\[1\]\/Period\[1\]\/position 1/ }],
    ],
    [
      'series in different units',
      doc(ts(period('2025-01-01T00:00Z', '2025-01-01T01:00Z', 'PT60M', [['1', '1']])) + ts(period('2025-01-01T01:00Z', '2025-01-01T02:00Z', 'PT60M', [['1', '2']]), { currency: 'PLN' })),
      'V2G_ERR_XML_FORMAT',
      [{ path: 'Publication_MarketDocument', message: /different units: EUR\/MWh \(TimeSeries\[1\]\), PLN\/MWh \(TimeSeries\[2\]\)/ }],
    ],
  ];
  it.each(cases)('rejects %s', (_name, xml, code, expected) => {
    const err = catchGridError(() => parseEntsoeA44(xml), code as never);
    expect(err.issues.map((i) => ({ path: i.path, line: i.line, message: i.message }))).toEqual(
      expected.map((e) => ({ path: e.path, line: e.line, message: expect.stringMatching(e.message) })),
    );
  });

  it('reports a truncated document where the text ends, naming the unclosed elements', () => {
    const full = fixture('entsoe-a44-be-2025-03-30-pt15m.xml');
    const cut = full.slice(0, full.indexOf('<price.amount>84.00'));
    const err = catchGridError(() => parseEntsoeA44(cut), 'V2G_ERR_XML_FORMAT');
    expect(err.issues).toEqual([
      { line: cut.split('\n').length, column: cut.split('\n').at(-1)!.length + 1, message: 'the text ends before these elements are closed: Publication_MarketDocument, TimeSeries, Period, Point (is it truncated?)' },
    ]);
  });

  const oneHour = ts(period('2025-01-01T00:00Z', '2025-01-01T01:00Z', 'PT60M', [['1', '7']]));
  it.each([
    ['another namespace', doc(oneHour).replace('publicationdocument:7:3', 'generationloaddocument:3:0'), /the namespace is "urn:iec62325.351:tc57wg16:451-3:generationloaddocument:3:0"/],
    ['no namespace', doc(oneHour).replace(/ xmlns="[^"]*"/, ''), /no namespace is declared/],
    ['a prefix bound to another namespace', '<p:Publication_MarketDocument xmlns:p="urn:example:prices" xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3"><p:type>A44</p:type></p:Publication_MarketDocument>', /the namespace is "urn:example:prices"/],
  ])('rejects a root element in %s', (_name, xml, message) => {
    const err = catchGridError(() => parseEntsoeA44(xml), 'V2G_ERR_XML_FORMAT');
    expect(err.issues).toEqual([{ path: 'Publication_MarketDocument/@xmlns', message: expect.stringMatching(message) }]);
  });

  it('accepts the publication namespace of any version, also through a prefix', () => {
    const body = `<type>A44</type>${oneHour}`.replace(/<(\/?)([A-Za-z_.]+)>/g, '<$1ns:$2>');
    const prefixed = `<!-- from the Transparency Platform -->\n<ns:Publication_MarketDocument xmlns:ns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:0">${body}</ns:Publication_MarketDocument>`;
    expect(parseEntsoeA44(prefixed).intervals.map((i) => i.value)).toEqual([7]);
  });

  it('rejects an empty document element with a sentence that says so', () => {
    const err = catchGridError(() => parseEntsoeA44(doc('').replace(/<type>A44<\/type>\n/, '')), 'V2G_ERR_XML_FORMAT');
    expect(err.issues).toEqual([{ path: 'Publication_MarketDocument', message: 'has no child elements (no TimeSeries)' }]);
  });

  it('rejects an empty classificationSequence position instead of reading it as 0', () => {
    const empty = ts(period('2025-01-01T00:00Z', '2025-01-01T01:00Z', 'PT60M', [['1', '7']]), { seq: ' ' });
    const err = catchGridError(() => parseEntsoeA44(doc(empty)), 'V2G_ERR_XML_FORMAT');
    expect(err.issues[0]).toMatchObject({ path: 'TimeSeries[1]/classificationSequence_AttributeInstanceComponent.position' });
  });

  it('keeps the PT60M and PT15M series of one day apart by classificationSequence position', () => {
    const hourly = ts(period('2025-01-01T00:00Z', '2025-01-01T01:00Z', 'PT60M', [['1', '40']]), { seq: '2' });
    const quarter = ts(period('2025-01-01T00:00Z', '2025-01-01T01:00Z', 'PT15M', [['1', '10'], ['3', '30']]), { seq: '1' });
    const s = parseEntsoeA44(doc(hourly + quarter));
    expect(s.intervals.map((i) => i.value)).toEqual([10, 10, 30, 30]);
  });
});
