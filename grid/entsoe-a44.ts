/**
 * ENTSO-E day-ahead prices: A44 `Publication_MarketDocument` XML to a price series (pure, no I/O).
 *
 * Reads:
 *   Publication_MarketDocument/type                                   must be A44 when present
 *   TimeSeries/currency_Unit.name, price_Measure_Unit.name             unit, e.g. EUR + MWH = EUR/MWh
 *   TimeSeries/curveType                                              A01 (every point) or A03 (omitted
 *                                                                     points repeat the previous one); default A01
 *   TimeSeries/classificationSequence_AttributeInstanceComponent.position   tie-break between series
 *   TimeSeries/Period/timeInterval/{start,end}                        UTC, minutes precision allowed
 *   TimeSeries/Period/resolution                                      PT15M, PT30M, PT60M ...
 *   TimeSeries/Period/Point/{position, price.amount}                  1-based position
 * Writes: one interval per position, [start + (p-1) x resolution, start + p x resolution).
 *
 * Rules:
 * - The point count is (end - start) / resolution from the Period's timeInterval, never a fixed 24 or 96:
 *   a Belgian 2025-03-30 has 92 quarter-hours and 2025-10-26 has 100. A timeInterval that is not a whole
 *   number of resolutions is an error.
 * - Several TimeSeries and Periods are merged. Where two overlap, the lower
 *   classificationSequence position wins (a missing position counts as 1, as evcc does); an overlap between
 *   series of equal position is an error listing each overlap.
 * - An `Acknowledgement_MarketDocument` (ENTSO-E's "no data" answer) is `V2G_ERR_ENTSOE_NO_DATA`.
 * - The root must be in the publication document namespace
 *   (`urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3`, any version); another or none is an error.
 * - Problems are located by element path, e.g. `TimeSeries[2]/Period[1]/Point[7]` (1-based); malformed XML
 *   by line and column.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { GridInputError, type GridIssue } from './errors.ts';
import { assertXmlSafe, maxXmlDepth } from './xml-safety.ts';
import { parseRfc3339 } from './instant.ts';
import { parseDurationMs } from './iso-duration.ts';
import { createSignalSeries, utcText, type SeriesInterval, type SignalSeries } from './signal-series.ts';

const arrays = new Set(['TimeSeries', 'Period', 'Point', 'Reason']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => arrays.has(name),
  maxNestedTags: maxXmlDepth,
});

const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const measureUnits: Record<string, string> = { MWH: 'MWh', KWH: 'kWh' };

type Node = Record<string, unknown>;

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (node !== null && typeof node === 'object' && '#text' in node) return text((node as Node)['#text']);
  return undefined;
}

function child(node: unknown, name: string): unknown {
  return node !== null && typeof node === 'object' ? (node as Node)[name] : undefined;
}

function list(node: unknown, name: string): unknown[] {
  const v = child(node, name);
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

interface Candidate extends SeriesInterval {
  readonly sequence: number;
  readonly path: string;
}

/** `3-5, 9` from [3, 4, 5, 9]. */
function ranges(ns: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    parts.push(i === j ? `${ns[i]}` : `${ns[i]}-${ns[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

function readPeriod(period: unknown, at: string, curveType: string, sequence: number, issues: GridIssue[]): Candidate[] {
  const interval = child(period, 'timeInterval');
  const startText = text(child(interval, 'start'));
  const endText = text(child(interval, 'end'));
  const resText = text(child(period, 'resolution'));
  const start = startText === undefined ? undefined : parseRfc3339(startText);
  const end = endText === undefined ? undefined : parseRfc3339(endText);
  const res = resText === undefined ? undefined : parseDurationMs(resText);
  const before = issues.length;
  if (!start) issues.push({ path: `${at}/timeInterval/start`, message: 'is missing' });
  else if (!start.ok) issues.push({ path: `${at}/timeInterval/start`, message: start.message });
  if (!end) issues.push({ path: `${at}/timeInterval/end`, message: 'is missing' });
  else if (!end.ok) issues.push({ path: `${at}/timeInterval/end`, message: end.message });
  if (!res) issues.push({ path: `${at}/resolution`, message: 'is missing' });
  else if (!res.ok) issues.push({ path: `${at}/resolution`, message: res.message });
  else if (res.ms <= 0) issues.push({ path: `${at}/resolution`, message: 'must be longer than zero' });
  if (issues.length > before || !start?.ok || !end?.ok || !res?.ok) return [];
  const lengthMs = end.utcMs - start.utcMs;
  const count = lengthMs / res.ms;
  if (lengthMs <= 0 || !Number.isInteger(count)) {
    issues.push({
      path: `${at}/timeInterval`,
      message: `${startText} to ${endText} is not a whole, positive number of ${resText} resolutions`,
    });
    return [];
  }
  const values = new Array<number | undefined>(count).fill(undefined);
  list(period, 'Point').forEach((point, k) => {
    const pAt = `${at}/Point[${k + 1}]`;
    const posText = text(child(point, 'position'));
    const amountText = text(child(point, 'price.amount'));
    const pos = posText !== undefined && /^\d+$/.test(posText) ? Number(posText) : -1;
    if (!Number.isInteger(pos) || pos < 1 || pos > count) {
      issues.push({ path: `${pAt}/position`, message: `"${posText ?? ''}" is not a position in 1-${count} (${count} = timeInterval / ${resText})` });
      return;
    }
    if (amountText === undefined || !decimal.test(amountText)) {
      issues.push({ path: `${pAt}/price.amount`, message: amountText === undefined ? 'is missing' : `"${amountText}" is not a decimal number` });
      return;
    }
    if (values[pos - 1] !== undefined) {
      issues.push({ path: `${pAt}/position`, message: `position ${pos} appears twice` });
      return;
    }
    values[pos - 1] = Number(amountText);
  });
  const missing = values.flatMap((v, i) => (v === undefined ? [i + 1] : []));
  if (curveType === 'A01' && missing.length > 0) {
    issues.push({ path: at, message: `curve type A01 needs all ${count} points; positions ${ranges(missing)} are missing` });
    return [];
  }
  if (curveType === 'A03' && values[0] === undefined) {
    issues.push({ path: at, message: 'curve type A03 needs position 1 (later omitted points repeat the previous one)' });
    return [];
  }
  const out: Candidate[] = [];
  let previous = 0;
  for (let p = 0; p < count; p++) {
    const v = values[p] ?? previous; // A03: an omitted point repeats the previous one
    previous = v;
    out.push({ startUtcMs: start.utcMs + p * res.ms, endUtcMs: start.utcMs + (p + 1) * res.ms, value: v, sequence, path: `${at}/position ${p + 1}` });
  }
  return out;
}

/** The validator's complaint as a located sentence; unclosed elements are reported where the text ends. */
function syntaxIssue(xml: string, err: { code: string; msg: string; line: number; col?: number }): GridIssue {
  const open = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(err.msg);
  let names: unknown;
  try {
    names = open ? JSON.parse(open[1]!) : undefined;
  } catch {
    names = undefined;
  }
  if (Array.isArray(names)) {
    const lines = xml.split('\n');
    return {
      line: lines.length,
      column: lines[lines.length - 1]!.length + 1,
      message: `the text ends before these elements are closed: ${names.join(', ')} (is it truncated?)`,
    };
  }
  return { line: err.line, ...(err.col !== undefined ? { column: err.col } : {}), message: err.msg };
}

/** ENTSO-E publication documents: `urn:iec62325.351:tc57wg16:451-3:publicationdocument:<major>:<minor>`. */
const publicationNamespace = /^urn:iec62325\.351:tc57wg16:451-3:publicationdocument:\d+:\d+$/;

/**
 * The namespace of the root element (default or of its prefix), read from its start tag; undefined when
 * it declares none. Only called on well-formed XML.
 */
function rootNamespace(xml: string): string | undefined {
  let i = 0;
  // Skip the prolog: BOM, white space, processing instructions, comments and a DOCTYPE.
  for (;;) {
    while (i < xml.length && /[\s\uFEFF]/.test(xml[i]!)) i++;
    if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) + 2;
    else if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3;
    else if (xml.startsWith('<!DOCTYPE', i)) {
      const close = xml.indexOf('>', i);
      const subset = xml.indexOf('[', i);
      i = subset >= 0 && subset < close ? xml.indexOf(']', subset) + 1 : close;
      i = xml.indexOf('>', i) + 1;
    } else break;
  }
  const tag = /^<([^\s/>]+)([^>]*)>/.exec(xml.slice(i, i + 4096));
  if (!tag) return undefined;
  const colon = tag[1]!.indexOf(':');
  const attribute = colon < 0 ? 'xmlns' : `xmlns:${tag[1]!.slice(0, colon)}`;
  for (const m of tag[2]!.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    if (m[1] === attribute) return m[2] ?? m[3];
  }
  return undefined;
}

function rootOf(xml: string): Node {
  assertXmlSafe(xml, 'ENTSO-E XML');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new GridInputError('V2G_ERR_XML_FORMAT', 'The ENTSO-E XML is malformed', [syntaxIssue(xml, valid.err)]);
  }
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (error) {
    // The parser's own guards (reserved names, depth, entities) behind the checks above: still refused, never a crash.
    const message = error instanceof Error ? error.message : String(error);
    const unsafe = /SECURITY|nested|entit/i.test(message);
    throw new GridInputError(unsafe ? 'V2G_ERR_XML_UNSAFE' : 'V2G_ERR_XML_FORMAT', unsafe ? 'The ENTSO-E XML was refused as unsafe' : 'The ENTSO-E XML could not be parsed', [{ path: '', message }]);
  }
  const ack = doc['Acknowledgement_MarketDocument'];
  if (ack !== undefined) {
    const reasons = list(ack, 'Reason').map((r) => `${text(child(r, 'code')) ?? '?'}: ${text(child(r, 'text')) ?? ''}`);
    throw new GridInputError('V2G_ERR_ENTSOE_NO_DATA', 'ENTSO-E returned no data', [
      { path: 'Acknowledgement_MarketDocument/Reason', message: reasons.join('; ') || 'no reason given' },
    ]);
  }
  const root = doc['Publication_MarketDocument'];
  if (root === undefined) {
    const names = Object.keys(doc).filter((k) => !k.startsWith('?'));
    throw new GridInputError('V2G_ERR_XML_FORMAT', 'The XML is not an ENTSO-E publication document', [
      { path: names[0] ?? '/', message: `the root element is ${names[0] ?? 'missing'}, expected Publication_MarketDocument` },
    ]);
  }
  const namespace = rootNamespace(xml);
  if (namespace === undefined || !publicationNamespace.test(namespace)) {
    throw new GridInputError('V2G_ERR_XML_FORMAT', 'The XML is not an ENTSO-E publication document', [
      {
        path: 'Publication_MarketDocument/@xmlns',
        message: `${namespace === undefined ? 'no namespace is declared' : `the namespace is "${namespace}"`}; expected urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3 (or another version of it)`,
      },
    ]);
  }
  if (root === null || typeof root !== 'object') {
    throw new GridInputError('V2G_ERR_XML_FORMAT', 'The ENTSO-E A44 document could not be read', [
      { path: 'Publication_MarketDocument', message: 'has no child elements (no TimeSeries)' },
    ]);
  }
  return root as Node;
}

/**
 * Parses an A44 document into one price series in the document's unit (e.g. `EUR/MWh`), one interval per
 * point position. Throws `V2G_ERR_XML_FORMAT` (every problem listed), `V2G_ERR_ENTSOE_NO_DATA`,
 * `V2G_ERR_UNKNOWN_UNIT` or `V2G_ERR_SIGNAL_OVERLAP`.
 */
export function parseEntsoeA44(xml: string): SignalSeries {
  const root = rootOf(xml);
  const issues: GridIssue[] = [];
  const type = text(root['type']);
  if (type !== undefined && type !== 'A44') {
    issues.push({ path: 'Publication_MarketDocument/type', message: `is ${type}, expected A44 (price document)` });
  }
  const series = list(root, 'TimeSeries');
  if (series.length === 0) issues.push({ path: 'Publication_MarketDocument', message: 'has no TimeSeries' });
  const units = new Map<string, string>();
  const candidates: Candidate[] = [];
  series.forEach((ts, i) => {
    const at = `TimeSeries[${i + 1}]`;
    const currency = text(child(ts, 'currency_Unit.name'));
    const measure = text(child(ts, 'price_Measure_Unit.name'));
    const per = measure === undefined ? undefined : measureUnits[measure];
    if (currency === undefined || !/^[A-Z]{3}$/.test(currency)) {
      issues.push({ path: `${at}/currency_Unit.name`, message: `"${currency ?? ''}" is not an ISO 4217 currency code` });
    } else if (per === undefined) {
      issues.push({ path: `${at}/price_Measure_Unit.name`, message: `"${measure ?? ''}" is not a known measure unit (MWH, KWH)` });
    } else {
      units.set(`${currency}/${per}`, at);
    }
    const curveType = text(child(ts, 'curveType')) ?? 'A01';
    if (curveType !== 'A01' && curveType !== 'A03') {
      issues.push({ path: `${at}/curveType`, message: `"${curveType}" is not supported (A01 or A03)` });
      return;
    }
    const seqText = text(child(ts, 'classificationSequence_AttributeInstanceComponent.position'));
    const sequence = seqText === undefined ? 1 : /^\d+$/.test(seqText) ? Number(seqText) : Number.NaN;
    if (!Number.isSafeInteger(sequence)) {
      issues.push({ path: `${at}/classificationSequence_AttributeInstanceComponent.position`, message: `"${seqText}" is not an integer` });
      return;
    }
    const periods = list(ts, 'Period');
    if (periods.length === 0) issues.push({ path: at, message: 'has no Period' });
    periods.forEach((p, k) => candidates.push(...readPeriod(p, `${at}/Period[${k + 1}]`, curveType, sequence, issues)));
  });
  if (units.size > 1) {
    issues.push({ path: 'Publication_MarketDocument', message: `TimeSeries use different units: ${[...units.entries()].map(([u, at]) => `${u} (${at})`).join(', ')}` });
  }
  if (issues.length > 0) throw new GridInputError('V2G_ERR_XML_FORMAT', 'The ENTSO-E A44 document could not be read', issues);

  candidates.sort((a, b) => a.startUtcMs - b.startUtcMs || a.sequence - b.sequence);
  const kept: Candidate[] = [];
  const overlaps: GridIssue[] = [];
  for (const c of candidates) {
    const last = kept[kept.length - 1];
    if (last !== undefined && c.startUtcMs < last.endUtcMs) {
      if (last.sequence < c.sequence) continue; // the lower classificationSequence position wins
      overlaps.push({ path: c.path, message: `[${utcText(c.startUtcMs)}, ${utcText(c.endUtcMs)}) overlaps ${last.path} with the same or a lower-priority classificationSequence position` });
      continue;
    }
    kept.push(c);
  }
  if (overlaps.length > 0) throw new GridInputError('V2G_ERR_SIGNAL_OVERLAP', 'The ENTSO-E TimeSeries overlap', overlaps);
  // Without issues every TimeSeries contributed its unit and all agree.
  const unit = [...units.keys()][0]!;
  return createSignalSeries(unit, kept.map(({ startUtcMs, endUtcMs, value }) => ({ startUtcMs, endUtcMs, value })), {
    locate: (i) => ({ path: kept[i]?.path ?? '' }),
    what: 'The ENTSO-E series',
  });
}
