/** A small three-phase network scenario file for the CLI sweep tests (cli-sweep-network.test.ts, cli-lp-backend.test.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const chargerIds = ['n-01', 'n-02', 'n-03', 'n-04', 'n-05', 'n-06'];

/** generated-demo on a small three-phase site: two 32 A / 208 V chargers per line pair, no base load, one day. */
export function networkScenarioFile(dir: string): string {
  const demo = JSON.parse(readFileSync(path.join('scenarios', 'shipped', 'generated-demo.json'), 'utf8'));
  const { baseLoad: _baseLoad, ...data } = demo.data;
  const group = (id: string, angleDeg: number, ids: string[]) => ({ id, connection: id, angleDeg, voltageV: 208, chargerIds: ids });
  const scenario = {
    ...demo,
    name: 'generated-network',
    site: {
      ...demo.site,
      connectionExportKw: 0,
      chargers: [{ ids: chargerIds, maxCurrentA: 32, minCurrentA: 6, phases: 1, voltageV: 208, canDischarge: false }],
      network: {
        groups: [group('AB', 30, chargerIds.slice(0, 2)), group('BC', -90, chargerIds.slice(2, 4)), group('CA', 150, chargerIds.slice(4))],
        transformer: { ratingKva: 40, secondaryVoltageV: 120, primary: { winding: 'delta', turnsRatio: 4, voltageV: 277 } },
        maxMagnitudeLossPct: 0.1,
      },
    },
    period: { start: '2023-06-05T00:00:00+02:00', end: '2023-06-06T00:00:00+02:00' },
    data: { ...data, sessions: { kind: 'generated', sessionsPerDay: 10, chargerIds } },
  };
  const file = path.join(dir, 'generated-network.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}
