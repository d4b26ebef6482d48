// The API key's limits, shared by every isolate of the Worker: one Durable Object per api key
// holds the window of REQUESTS_PER_SECOND (default 4, the v2 limit) and the DAILY_QUOTA
// (default 10000 requests per UTC day; 0: none), and grants slots round-robin over the sessions
// that wait, so that one busy session cannot starve the others.
//
// A slot is counted the way the package counts it: taken when the attempt may start, and freed
// one window (1025 ms: a second and a margin for clock skew) after the attempt's answer has
// arrived. The next request in that slot then reaches the API at least a window after the
// previous one did, whatever the latency; so no window at the API holds more than the limit.
import { DurableObject } from "cloudflare:workers";

export const WINDOW_MS = 1025;
/** A slot whose release never came (an isolate that died mid-request) is counted done after this. */
const LEASE_MS = 120_000;

const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);

export class Limiter extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    const n = (v, d) => (v === undefined || v === "" || !Number.isFinite(Number(v)) ? d : Math.max(0, Math.floor(Number(v))));
    this.perSecond = n(env.REQUESTS_PER_SECOND, 4);
    this.quota = n(env.DAILY_QUOTA, 10000);
    this.inFlight = new Map(); // grant id → granted at (ms)
    this.done = []; // completion times of the slots still in the window, ascending
    this.queues = new Map(); // session → waiters [{ id, resolve }], oldest first
    this.ring = []; // the sessions that have waiters, in round-robin order
    this.waiting = new Map(); // waiter id → session
    this.timer = undefined;
    this.day = utcDay(Date.now());
    this.used = 0;
    this.granted = 0; // since the object started (for stats)
    ctx.blockConcurrencyWhile(async () => {
      const q = await ctx.storage.get("quota");
      if (q?.day === this.day) this.used = q.used;
    });
  }

  quotaLeft(now) {
    const day = utcDay(now);
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
    return this.quota === 0 ? Infinity : this.quota - this.used;
  }

  /**
   * Waits for a slot for one attempt of `session` (a hash of its id). Resolves with
   * { granted: true }, or { granted: false, reason: "quota" } when the day's quota is used up
   * (at once, or when the waiter's turn comes), or { granted: false, reason: "cancelled" }.
   */
  acquire(session, id) {
    if (this.quotaLeft(Date.now()) <= 0) return { granted: false, reason: "quota" };
    const answer = new Promise((resolve) => {
      let queue = this.queues.get(session);
      if (!queue) {
        queue = [];
        this.queues.set(session, queue);
        this.ring.push(session);
      }
      queue.push({ id, resolve });
      this.waiting.set(id, session);
    });
    this.pump();
    return answer;
  }

  /** The attempt of grant `id` has its answer (or failed): its slot frees one window from now. */
  release(id) {
    if (this.inFlight.delete(id)) this.done.push(Date.now());
    this.pump();
  }

  /** The caller gave up (its signal aborted): forget its waiter, or release its grant. */
  cancel(id) {
    const session = this.waiting.get(id);
    if (session !== undefined) {
      this.waiting.delete(id);
      const queue = this.queues.get(session);
      const i = queue.findIndex((w) => w.id === id);
      const [w] = queue.splice(i, 1);
      w.resolve({ granted: false, reason: "cancelled" });
      if (queue.length === 0) this.dropSession(session);
    } else {
      this.release(id);
    }
  }

  dropSession(session) {
    this.queues.delete(session);
    const i = this.ring.indexOf(session);
    if (i >= 0) this.ring.splice(i, 1);
  }

  /** What the object holds now: for tests and benchmarks. */
  stats() {
    return { perSecond: this.perSecond, inFlight: this.inFlight.size, inWindow: this.done.length, waiting: this.waiting.size, sessionsWaiting: this.ring.length, day: this.day, used: this.used, quota: this.quota, granted: this.granted };
  }

  /** Grants every slot it can, round-robin over the waiting sessions; then sleeps until the next slot frees. */
  pump() {
    const now = Date.now();
    for (const [id, at] of this.inFlight) {
      if (now - at >= LEASE_MS) {
        this.inFlight.delete(id);
        this.done.push(at + LEASE_MS);
      }
    }
    this.done.sort((a, b) => a - b);
    while (this.done.length > 0 && now - this.done[0] >= WINDOW_MS) this.done.shift();
    let granted = false;
    while (this.ring.length > 0 && (this.perSecond === 0 || this.inFlight.size + this.done.length < this.perSecond)) {
      const session = this.ring.shift();
      const queue = this.queues.get(session);
      const w = queue.shift();
      if (queue.length > 0) this.ring.push(session);
      else this.queues.delete(session);
      this.waiting.delete(w.id);
      if (this.quotaLeft(now) <= 0) {
        w.resolve({ granted: false, reason: "quota" });
        continue;
      }
      this.used++;
      this.granted++;
      granted = true;
      this.inFlight.set(w.id, now);
      w.resolve({ granted: true });
    }
    // the day's count survives an eviction (the window need not: its slots are a second long)
    if (granted && this.quota > 0) this.ctx.storage.put("quota", { day: this.day, used: this.used });
    if (this.ring.length === 0) return;
    // all slots under way: a release wakes us first, else the oldest lease's end
    const wake = this.done.length > 0 ? this.done[0] + WINDOW_MS : Math.min(...this.inFlight.values()) + LEASE_MS;
    if (this.timer !== undefined && this.wakeAt <= wake) return;
    clearTimeout(this.timer);
    this.wakeAt = wake;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(1, wake - now));
  }
}

/** The limiter of the api key `apiKey`: its object is named by a hash of the key. */
export function limiterStub(env, keyHash) {
  return env.LIMITER.get(env.LIMITER.idFromName(`api-key:${keyHash}`));
}

/**
 * The package's `limiter` option for one session's calls, backed by the Limiter object:
 * `acquire(signal)` waits for a slot (the signal's abort cancels the wait), and resolves with the
 * release the package calls when the attempt's answer has arrived. Over the quota it rejects,
 * and `note.overQuota` is set.
 */
export function sessionLimiter(stub, session, ctx, note = {}) {
  return {
    async acquire(signal) {
      signal?.throwIfAborted();
      const id = crypto.randomUUID();
      let onAbort;
      const aborted = new Promise((_, reject) => {
        onAbort = () => reject(signal.reason ?? new DOMException("The call was cancelled", "AbortError"));
        signal?.addEventListener("abort", onAbort, { once: true });
      });
      let answer;
      try {
        answer = await Promise.race([stub.acquire(session, id), aborted]);
      } catch (e) {
        ctx.waitUntil(Promise.resolve(stub.cancel(id)).catch(() => {}));
        throw e;
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
      if (!answer?.granted) {
        if (answer?.reason === "quota") note.overQuota = true;
        throw new Error(answer?.reason === "quota" ? "The api key's daily quota is used up" : "The limiter did not grant a slot");
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        ctx.waitUntil(Promise.resolve(stub.release(id)).catch(() => {}));
      };
    },
  };
}
