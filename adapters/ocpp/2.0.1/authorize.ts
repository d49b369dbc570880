/**
 * OCPP 2.0.1 Authorize (charging station -> CSMS). Same fields in 2.1 (2.1 adds optional
 * allowedEnergyTransfer, not sent: the EV's bidirectional wish comes with NotifyEVChargingNeeds).
 *
 * Reads:  idToken.idToken
 * Writes: idTokenInfo.status (Accepted | Blocked | Expired | Invalid)
 */
import type { InboundContext } from '../version-mapping.ts';

export async function authorize2x(ctx: InboundContext, req: { idToken: { idToken: string; type: string } }) {
  return { idTokenInfo: { status: await ctx.authorize(req.idToken.idToken) } };
}
