/**
 * OCPP 1.6 Authorize (charge point -> CSMS).
 *
 * Reads:  idTag
 * Writes: idTagInfo.status (Accepted | Blocked | Expired | Invalid)
 */
import type { InboundContext } from '../version-mapping.ts';

export async function authorize16(ctx: InboundContext, req: { idTag: string }) {
  return { idTagInfo: { status: await ctx.authorize(req.idTag) } };
}
