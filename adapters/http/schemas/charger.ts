/** Charge points and their OCPP credentials on the wire (never a password or its hash in an answer). */
import { Type, type Static } from 'typebox';

/**
 * The charge point identity as in `ws(s)://HOST:OCPP_PORT/ocpp/<chargePointId>`. The schema bounds the
 * length; the OCPP identifierString characters are checked by the route (handshake-auth.ts
 * `isValidIdentity`) so the problem names the field with the OCPP rule.
 */
export const ChargerParams = Type.Object(
  {
    chargePointId: Type.String({
      minLength: 1,
      maxLength: 48,
      description: 'OCPP charge point identity: 1-48 of A-Z a-z 0-9 * - _ = : + | @ . (percent-encode reserved characters)',
    }),
  },
  { additionalProperties: false },
);

/** OCPP security profiles 1 and 2: HTTP Basic password of 16 to 40 characters. */
export const CredentialsBodySchema = Type.Object(
  {
    password: Type.String({
      minLength: 16,
      maxLength: 40,
      pattern: '^[\\x20-\\x7e]+$',
      description: 'the HTTP Basic password the charge point will send (OCPP: 16-40 characters; printable ASCII). Only a salted scrypt hash is stored.',
    }),
  },
  { additionalProperties: false },
);
export type CredentialsBody = Static<typeof CredentialsBodySchema>;

export const ChargerSchema = Type.Object({
  chargePointId: Type.String(),
  siteId: Type.Optional(Type.String({ description: 'the site listing this charge point; absent: no site does, so its sessions are not planned' })),
  siteChargerIds: Type.Array(Type.String(), { description: "the site's charger (EVSE) ids of this charge point: <id> is EVSE 1, <id>-evse<n> is EVSE n" }),
  hasCredentials: Type.Boolean({ description: 'a password is stored (the charge point can connect with security profile 1 or 2)' }),
  source: Type.Union([Type.Literal('site'), Type.Literal('api'), Type.Literal('auto-registered')], {
    description: 'api: an admin set its password; auto-registered: it connected with OCPP_AUTO_REGISTER on; site: only a site lists it',
  }),
  createdAt: Type.Optional(Type.String({ description: 'when its credentials record was made (RFC 3339, UTC)' })),
  updatedAt: Type.Optional(Type.String({ description: 'when its credentials record last changed (RFC 3339, UTC)' })),
  connected: Type.Optional(Type.Boolean({ description: 'connected to an OCPP gateway, as the last gateway that saw it reported; absent when none ever did' })),
  linkSince: Type.Optional(Type.String({ description: 'RFC 3339: connected or disconnected since' })),
});

export const ChargerListSchema = Type.Object({ chargers: Type.Array(ChargerSchema) });
