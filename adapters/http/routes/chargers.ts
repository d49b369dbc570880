/**
 * Charge points and their OCPP credentials (security profiles 1 and 2: HTTP Basic per charge point).
 * An admin sets a charge point's password here before it connects, or finds the ones that registered
 * themselves (OCPP_AUTO_REGISTER) and lists them on a site (PUT /v1/sites/{siteId}). Only a salted scrypt
 * hash of a password is stored; no answer ever holds a password or its hash.
 *
 * GET /v1/chargers (read) | GET /v1/chargers/{chargePointId} (read)
 * PUT /v1/chargers/{chargePointId}/credentials (admin; 201 new, 200 replaced)
 * DELETE /v1/chargers/{chargePointId}/credentials (admin, 204; with security on the charge point can no
 * longer connect, and the gateway holding it closes its open connection within OCPP_CREDENTIAL_CHECK_MS
 * (adapters/service/credential-revocation.ts; a changed password too); with OCPP_AUTO_REGISTER its next
 * connection registers it again, trust on first use)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound, serviceError } from '../../errors.ts';
import { isValidIdentity } from '../../ocpp/handshake-auth.ts';
import { getChargePoint, listChargePoints } from '../../service/charger-inventory.ts';
import type { ServiceContext } from '../../service/context.ts';
import { ChargerListSchema, ChargerParams, ChargerSchema, CredentialsBodySchema } from '../schemas/charger.ts';
import { errorResponses, readErrors } from '../schemas/common.ts';
import { chargerView } from '../views/charger-view.ts';
import { credentialsExample, withExample } from '../schemas/request-examples.ts';

/** 400 naming `/params/chargePointId` unless it is an OCPP identifierString. */
function requireIdentity(chargePointId: string): string {
  if (!isValidIdentity(chargePointId)) {
    throw serviceError('V2G_ERR_VALIDATION', `"${chargePointId}" is not an OCPP charge point identity`, [
      { pointer: '/params/chargePointId', detail: 'must be 1-48 of A-Z a-z 0-9 * - _ = : + | @ .' },
    ]);
  }
  return chargePointId;
}

export const chargerRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['chargers'];

  app.get('/v1/chargers', { config: { scope: 'read' }, schema: { tags, summary: 'Charge points: listed on a site, with credentials, or auto-registered', response: { 200: ChargerListSchema, ...readErrors() } } }, async () => {
    return { chargers: (await listChargePoints(ctx)).map(chargerView) };
  });

  app.get(
    '/v1/chargers/:chargePointId',
    { config: { scope: 'read' }, schema: { tags, summary: 'A charge point', params: ChargerParams, response: { 200: ChargerSchema, ...readErrors() } } },
    async (request) => {
      const id = requireIdentity(request.params.chargePointId);
      const entry = await getChargePoint(ctx, id);
      if (!entry) throw notFound('charge point', id, 'chargePointId');
      return chargerView(entry);
    },
  );

  app.put(
    '/v1/chargers/:chargePointId/credentials',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: "Set a charge point's HTTP Basic password (OCPP security profiles 1 and 2)",
        params: ChargerParams,
        body: withExample(CredentialsBodySchema, credentialsExample),
        response: { 200: ChargerSchema, 201: ChargerSchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const id = requireIdentity(request.params.chargePointId);
      const existed = (await ctx.chargerCredentials.get(id)) !== undefined;
      await ctx.chargerCredentials.setPassword(id, request.body.password, 'api', ctx.clock.nowUtcMs());
      request.log.info({ chargePointId: id, replaced: existed }, 'charger credentials set');
      const entry = await getChargePoint(ctx, id);
      if (!existed) reply.code(201).header('location', `/v1/chargers/${encodeURIComponent(id)}`);
      return chargerView(entry!);
    },
  );

  app.delete(
    '/v1/chargers/:chargePointId/credentials',
    {
      config: { scope: 'admin' },
      schema: { tags, summary: "Forget a charge point's credentials (and its auto-registration)", params: ChargerParams, response: { 204: Type.Null(), ...readErrors() } },
    },
    async (request, reply) => {
      const id = requireIdentity(request.params.chargePointId);
      if (!(await ctx.chargerCredentials.delete(id))) {
        throw serviceError('V2G_ERR_NOT_FOUND', `charge point "${id}" has no credentials`, [{ pointer: '/params/chargePointId', detail: 'has no credentials' }]);
      }
      request.log.info({ chargePointId: id }, 'charger credentials deleted');
      return reply.code(204).send(null);
    },
  );
};
