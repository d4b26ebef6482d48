// The API key's limits, shared by every isolate of the Worker: one Durable Object per api key
// holds the window of REQUESTS_PER_SECOND (default 4, the v2 limit) and the DAILY_QUOTA
// (default 10000 requests per UTC day; 0: none), and grants slots round-robin over the accounts
// that wait, so that one busy account (however many sessions it has) cannot starve the others.
//
// A slot is counted the way the package counts it: taken when the attempt may start, and freed
// one window (1025 ms: a second and a margin for clock skew) after the attempt's answer has
// arrived. The next request in that slot then reaches the API at least a window after the
// previous one did, whatever the latency; so no window at the API holds more than the limit.
//
// Each grant is leased for the budget of the call it belongs to (the Worker passes its
// `forward` budget): an attempt cannot outlive that budget, so a grant whose release never comes
// (an isolate that died mid-request) counts as done when the budget ends, and its slot frees one
// window later. The grants in flight, the completion times still inside the window and the day's
// count are kept in the object's storage, written before a grant is answered (the output gate
// holds the answer until the write is durable): an object that restarts counts them all.
import { DurableObject } from "cloudflare:workers";

export const WINDOW_MS = 1025;
/** The lease of a grant whose caller gave no budget (the package's default budget). */
const DEFAULT_BUDGET_MS = 30_000;
/** No lease is longer than this, whatever the caller says. */
const MAX_BUDGET_MS = 15 * 60_000;

const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);

export class Limiter extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    const n = (v, d) => (v === undefined || v === "" || !Number.isFinite(Number(v)) ? d : Math.max(0, Math.floor(Number(v))));
    this.perSecond = n(env.REQUESTS_PER_SECOND, 4);
    this.quota = n(env.DAILY_QUOTA, 10000);
    this.inFlight = new Map(); // grant id → { at: granted at, until: at + its budget } (ms)
    this.done = []; // completion times of the slots still in the window, ascending
    this.queues = new Map(); // account → waiters [{ id, budget, resolve }], oldest first
    this.ring = []; // the accounts that have waiters, in round-robin order
    this.waiting = new Map(); // waiter id → account
    this.timer = undefined;
    this.day = utcDay(Date.now());
    this.used = 0;
    this.granted = 0; // since the object started (for stats)
    ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get(["quota", "window"]);
      const q = stored.get("quota");
      if (q?.day === this.day) this.used = q.used;
      const w = stored.get("window");
      if (w) {
        for (const [id, at, until] of w.inFlight ?? []) this.inFlight.set(id, { at, until });
        this.done = [...(w.done ?? [])];
      }
      this.restored = { inFlight: this.inFlight.size, inWindow: this.done.length };
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
   * Waits for a slot for one attempt of `account` (a keyed hash of its user name), part of a call
   * whose budget is `budgetMs` (the grant's lease ends then). Resolves with { granted: true }, or
   * { granted: false, reason: "quota" } when the day's quota is used up (at once, or when the
   * waiter's turn comes), or { granted: false, reason: "cancelled" }.
   */
  acquire(account, id, budgetMs) {
    if (this.quotaLeft(Date.now()) <= 0) return { granted: false, reason: "quota" };
    const budget = Number.isFinite(budgetMs) && budgetMs > 0 ? Math.min(budgetMs, MAX_BUDGET_MS) : DEFAULT_BUDGET_MS;
    const answer = new Promise((resolve) => {
      let queue = this.queues.get(account);
      if (!queue) {
        queue = [];
        this.queues.set(account, queue);
        this.ring.push(account);
      }
      queue.push({ id, budget, resolve });
      this.waiting.set(id, account);
    });
    this.pump();
    return answer;
  }

  /** The attempt of grant `id` has its answer (or failed): its slot frees one window from now. */
  release(id) {
    if (this.inFlight.delete(id)) {
      this.done.push(Date.now());
      this.dirty = true;
    }
    this.pump();
  }

  /** The caller gave up (its signal aborted): forget its waiter, or release its grant. */
  cancel(id) {
    const account = this.waiting.get(id);
    if (account !== undefined) {
      this.waiting.delete(id);
      const queue = this.queues.get(account);
      const i = queue.findIndex((w) => w.id === id);
      const [w] = queue.splice(i, 1);
      w.resolve({ granted: false, reason: "cancelled" });
      if (queue.length === 0) this.dropAccount(account);
    } else {
      this.release(id);
    }
  }

  dropAccount(account) {
    this.queues.delete(account);
    const i = this.ring.indexOf(account);
    if (i >= 0) this.ring.splice(i, 1);
  }

  /** What the object holds now: for tests and benchmarks. */
  stats() {
    this.expire(Date.now());
    this.save();
    return {
      perSecond: this.perSecond,
      inFlight: this.inFlight.size,
      leases: [...this.inFlight.values()].map((g) => g.until - g.at),
      inWindow: this.done.length,
      waiting: this.waiting.size,
      accountsWaiting: this.ring.length,
      day: this.day,
      used: this.used,
      quota: this.quota,
      granted: this.granted,
      restored: this.restored,
    };
  }

  /** Grants past their lease count as done when their budget ended; slots done a window ago are free. */
  expire(now) {
    for (const [id, { until }] of this.inFlight) {
      if (now >= until) {
        this.inFlight.delete(id);
        this.done.push(until);
        this.dirty = true;
      }
    }
    this.done.sort((a, b) => a - b);
    while (this.done.length > 0 && now - this.done[0] >= WINDOW_MS) {
      this.done.shift();
      this.dirty = true;
    }
  }

  /** Writes what changed (one transaction: the puts of one turn are coalesced). */
  save() {
    if (!this.dirty) return;
    this.dirty = false;
    const window = { inFlight: [...this.inFlight].map(([id, { at, until }]) => [id, at, until]), done: this.done };
    if (this.quota > 0) this.ctx.storage.put({ window, quota: { day: this.day, used: this.used } });
    else this.ctx.storage.put("window", window);
  }

  /** Grants every slot it can, round-robin over the waiting accounts; then sleeps until the next slot frees. */
  pump() {
    const now = Date.now();
    this.expire(now);
    while (this.ring.length > 0 && (this.perSecond === 0 || this.inFlight.size + this.done.length < this.perSecond)) {
      const account = this.ring.shift();
      const queue = this.queues.get(account);
      const w = queue.shift();
      if (queue.length > 0) this.ring.push(account);
      else this.queues.delete(account);
      this.waiting.delete(w.id);
      if (this.quotaLeft(now) <= 0) {
        w.resolve({ granted: false, reason: "quota" });
        continue;
      }
      this.used++;
      this.granted++;
      // With no rate (0) there is no window to keep: only the day's count.
      if (this.perSecond > 0) this.inFlight.set(w.id, { at: now, until: now + w.budget });
      if (this.perSecond > 0 || this.quota > 0) this.dirty = true;
      w.resolve({ granted: true });
    }
    // Before any grant is answered: the output gate holds the answers until this write is durable.
    this.save();
    if (this.ring.length === 0) return;
    // all slots under way: a release wakes us first, else the end of the oldest done slot's window or of a lease
    const wake = this.done.length > 0 ? this.done[0] + WINDOW_MS : Math.min(...[...this.inFlight.values()].map((g) => g.until)) + WINDOW_MS;
    if (!Number.isFinite(wake) || (this.timer !== undefined && this.wakeAt <= wake)) return;
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
 * The package's `limiter` option for one account's calls, backed by the Limiter object:
 * `acquire(signal)` waits for a slot (the signal's abort cancels the wait), leased for
 * `budgetMs` (the call's budget), and resolves with the release the package calls when the
 * attempt's answer has arrived. Over the quota it rejects, and `note.overQuota` is set;
 * `note.granted` is set once any attempt of the call was granted (it may have reached the API).
 */
export function sessionLimiter(stub, account, ctx, note = {}, budgetMs = DEFAULT_BUDGET_MS) {
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
        answer = await Promise.race([stub.acquire(account, id, budgetMs), aborted]);
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
      note.granted = true;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        ctx.waitUntil(Promise.resolve(stub.release(id)).catch(() => {}));
      };
    },
  };
}
