/**
 * Revoking a charger's credentials cuts its connection. With OCPP security profile 1 or 2 a charger is
 * authenticated once, at the WebSocket handshake; deleting its credentials or setting a new password
 * (`/v1/chargers/{id}/credentials`, possibly on another API process) must not leave it connected on
 * the old secret. Every `intervalMs` the gateway re-reads the credentials of the chargers it holds
 * and closes (WebSocket 1008) each one whose record is gone, has no password, or changed after the
 * charger connected. The charger then reconnects and faces the handshake again.
 *
 * Invariants: a sweep never overlaps the previous one; a store outage skips the sweep (logged) and the
 * next one tries again; nothing runs while no charger is connected.
 */
import type { CancelTimer, Timers } from '../clock.ts';
import type { ChargerCredentials } from '../store/charger-credentials.ts';

export interface CredentialRevocationDeps {
  readonly credentials: Pick<ChargerCredentials, 'get'>;
  readonly timers: Timers;
  /** Between sweeps (ms). */
  readonly intervalMs: number;
  /** Closes a charger's connection on this gateway. */
  readonly disconnect: (chargePointId: string, reason: string) => Promise<boolean>;
  readonly log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export class CredentialRevocation {
  /** Charge point -> when its current connection was authenticated (UTC epoch ms). */
  private readonly connectedAt = new Map<string, number>();
  private timer: CancelTimer | undefined;
  private running: Promise<readonly string[]> | undefined;
  private stopped = false;

  constructor(private readonly deps: CredentialRevocationDeps) {}

  connected(chargePointId: string, atUtcMs: number): void {
    this.connectedAt.set(chargePointId, atUtcMs);
    this.schedule();
  }

  disconnected(chargePointId: string): void {
    this.connectedAt.delete(chargePointId);
  }

  /** Checks every held charger now; resolves with those disconnected. */
  sweep(): Promise<readonly string[]> {
    this.running ??= this.check().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.();
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.stopped || this.connectedAt.size === 0) return;
    this.timer = this.deps.timers.setTimer(this.deps.intervalMs, () => {
      this.timer = undefined;
      void this.sweep().finally(() => this.schedule());
    });
  }

  private async check(): Promise<readonly string[]> {
    const revoked: string[] = [];
    for (const [chargePointId, atUtcMs] of [...this.connectedAt]) {
      let why: string | undefined;
      try {
        const summary = await this.deps.credentials.get(chargePointId);
        if (!summary || !summary.hasPassword) why = 'credentials revoked';
        else if (summary.updatedAtUtcMs > atUtcMs) why = 'credentials changed';
      } catch (err) {
        this.deps.log.warn({ err, chargerId: chargePointId }, 'credential check skipped: the credentials store cannot be read');
        return revoked;
      }
      if (why === undefined || this.connectedAt.get(chargePointId) !== atUtcMs) continue;
      this.connectedAt.delete(chargePointId);
      if (await this.deps.disconnect(chargePointId, why)) {
        revoked.push(chargePointId);
        this.deps.log.info({ chargerId: chargePointId, reason: why }, 'charger disconnected: it must authenticate again');
      }
    }
    return revoked;
  }
}
