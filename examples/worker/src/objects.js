// The Durable Objects that keep the Worker's state strongly consistent across isolates and
// locations (Workers KV is eventually consistent, up to a minute, and takes about one write per
// second per key: a logout or an idle expiry would not take effect at once there):
//
// - Session: one per signed-in session, named by the SHA-256 of its id (the object never sees
//   the id itself). Holds the user name, the AES-GCM envelope of the token (the object never
//   sees the token either), and the idle and absolute expiries.
// - SignIn: one per sign-in under way (the pre-session), single use: the state, where to go
//   next, and a short expiry.
// - Account: one per Constant Contact account (named by a keyed hash of the user name), its
//   cache generation: every write of the account's bumps it, and the generation is part of the
//   account's cache keys.
// (The API key's limiter is in limiter.js.)
import { DurableObject } from "cloudflare:workers";

const seconds = (value, fallback) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n * 1000 : fallback * 1000;
};

export class Session extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.idleMs = seconds(env.SESSION_IDLE_SECONDS, 1800);
    this.maxMs = seconds(env.SESSION_MAX_SECONDS, 43200);
  }

  /** When `r` ends, if nothing happens in between. */
  endsAt(r) {
    return Math.min(r.lastSeen + this.idleMs, r.created + this.maxMs);
  }

  /** Stores a new session: { userName, envelope: { iv, ct } }. */
  async create(record) {
    const now = Date.now();
    this.record = { ...record, created: now, lastSeen: now, stored: now };
    await this.ctx.storage.put("session", this.record);
    await this.ctx.storage.setAlarm(this.endsAt(this.record));
  }

  /**
   * The live session, its idle clock restarted; null (and the record deleted) when there is
   * none or it has expired. `lastSeen` is kept in memory and written at most every tenth of
   * the idle time, so a session whose object was evicted may end up to 10% early.
   */
  async touch() {
    this.record ??= await this.ctx.storage.get("session");
    const r = this.record;
    if (!r) return null;
    const now = Date.now();
    if (now >= this.endsAt(r)) {
      await this.end();
      return null;
    }
    r.lastSeen = now;
    if (now - r.stored >= this.idleMs / 10) {
      r.stored = now;
      await this.ctx.storage.put("session", r);
      await this.ctx.storage.setAlarm(this.endsAt(r));
    }
    return { userName: r.userName, envelope: r.envelope };
  }

  /** Ends the session at once: the record and the token's envelope are deleted. */
  async end() {
    this.record = undefined;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  async alarm() {
    this.record ??= await this.ctx.storage.get("session");
    if (!this.record) return;
    const ends = this.endsAt(this.record);
    if (Date.now() >= ends) await this.end();
    else await this.ctx.storage.setAlarm(ends);
  }
}

export class SignIn extends DurableObject {
  /** Keeps { state, next, expires } for the callback. */
  async begin(pending) {
    await this.ctx.storage.put("pending", pending);
    await this.ctx.storage.setAlarm(pending.expires);
  }

  /** The pending sign-in, once: deleted as it is read (a replayed callback finds nothing). */
  async take() {
    const pending = await this.ctx.storage.get("pending");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    if (!pending || Date.now() >= pending.expires) return null;
    return pending;
  }

  async alarm() {
    await this.ctx.storage.deleteAll();
  }
}

export class Account extends DurableObject {
  async generation() {
    return (await this.ctx.storage.get("generation")) ?? 0;
  }

  /** After a write of the account's: its cached pages are no longer served. */
  async bump() {
    const next = ((await this.ctx.storage.get("generation")) ?? 0) + 1;
    await this.ctx.storage.put("generation", next);
    return next;
  }
}
