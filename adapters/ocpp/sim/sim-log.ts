/**
 * One readable line per CALL the simulator received, with the answer it gave, e.g.
 * `SetChargingProfile TxProfile #91001 evse 1 stack 8 W [7360@0s 0@900s] -> Accepted`.
 */

function periodsText(periods: { startPeriod: number; limit?: number; setpoint?: number }[]): string {
  const shown = periods.slice(0, 4).map((p) => `${p.setpoint ?? p.limit}@${p.startPeriod}s`).join(' ');
  return `${periods.length} period${periods.length === 1 ? '' : 's'} [${shown}${periods.length > 4 ? ' ...' : ''}]`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function profileText(action: string, params: any): string {
  if (params?.csChargingProfiles) {
    const p = params.csChargingProfiles;
    return `${p.chargingProfilePurpose} #${p.chargingProfileId} connector ${params.connectorId} stack ${p.stackLevel}${p.transactionId !== undefined ? ` tx ${p.transactionId}` : ''} ${p.chargingSchedule.chargingRateUnit} ${periodsText(p.chargingSchedule.chargingSchedulePeriod)}`;
  }
  if (params?.chargingProfile) {
    const p = params.chargingProfile;
    const s = p.chargingSchedule?.[0];
    return `${p.chargingProfilePurpose} #${p.id} evse ${params.evseId} stack ${p.stackLevel}${p.transactionId !== undefined ? ` tx ${p.transactionId}` : ''} ${s?.chargingRateUnit ?? ''} ${s ? periodsText(s.chargingSchedulePeriod) : ''}`;
  }
  return action === 'SetChargingProfile' ? '' : JSON.stringify(params).slice(0, 120);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function detailOf(action: string, params: any): string {
  switch (action) {
    case 'SetChargingProfile':
      return profileText(action, params);
    case 'GetConfiguration':
      return `${(params?.key ?? []).join(',') || 'all keys'}`;
    case 'GetVariables':
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (params?.getVariableData ?? []).map((d: any) => `${d.component.name}.${d.variable.name}`).join(',');
    case 'GetCompositeSchedule':
      return `${params.connectorId !== undefined ? 'connector' : 'evse'} ${params.connectorId ?? params.evseId} ${params.duration}s ${params.chargingRateUnit ?? ''}`.trimEnd();
    default:
      return JSON.stringify(params ?? {}).slice(0, 120);
  }
}

/** The log text of one received CALL and its answer. */
export function describeCall(action: string, params: unknown, reply: Record<string, unknown>, reason?: string): string {
  const status = typeof reply['status'] === 'string' ? (reply['status'] as string) : 'ok';
  return `${action} ${detailOf(action, params)} -> ${status}${reason ? ` (${reason})` : ''}`;
}
