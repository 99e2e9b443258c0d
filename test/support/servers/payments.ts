// A real server for examples/specs/payments.yaml (the example's payments_service). State lives per started server
// and starts from SEED_CHARGES (created 1700000000, 1700050000, 1700100000).
//
//   GET  /v1/charges                     200 ChargeList, newest first. Query: created[gte|gt|lte|lt] (deepObject;
//                                        encoded brackets are fine), customer_id, status, limit (1..100, default 10).
//                                        400 Error {code: "bad_query"} on a non-integer bound, a bare `created=`, or a
//                                        bad limit/status
//   POST /v1/charges                     201 Charge (ids NEW_CHARGE_ID(1), (2), ...; created 1700200000 + n);
//                                        415 unless application/json; 400 Error on an invalid body; 402 Error
//                                        {code: "card_declined", decline_code: "insufficient_funds"} for card token
//                                        DECLINED_TOKEN; Idempotency-Key: the same key and body replays the first
//                                        answer (no new charge), the same key with another body is 409
//                                        {code: "idempotency_key_reused"}
//   GET  /v1/charges/{charge_id}         200 Charge; 404 Error
//   POST /v1/charges/{charge_id}/refunds 201 Refund (ids re_1, re_2, ...); form fields amount (default: what is left),
//                                        reason; 415 unless urlencoded; 400 on a bad field or an amount above what is
//                                        left; 409 {code: "already_refunded"} when nothing is left; 404; Idempotency-Key
//                                        as for charges
//   GET  /v1/charges/{charge_id}/receipt 200 text/plain: receiptText(charge); 404 Error
//   GET  /health                         200 {"status":"ok"};  GET /ready  200 text "ready"
//   anything else                        404 Error {code: "no_route"} (405 when only the method is wrong)
import { header, json, mediaType, readForm, readJson, router, startServer, text } from "./http.js";
import type { Reply, Route, RunningServer, SeenRequest, ServerOptions } from "./http.js";

export interface Charge {
  id: string;
  amount: number;
  amount_refunded: number;
  currency: string;
  status: "pending" | "succeeded" | "failed" | "refunded" | "partially_refunded";
  description: string | null;
  payment_method: Record<string, unknown>;
  failure_code: string | null;
  created: number;
  metadata: Record<string, string>;
  customer_id: string;
}

export const DECLINED_TOKEN = "tok_decline";
export const SEED_CHARGES: readonly Charge[] = [
  { id: "ch_seed3", amount: 500, amount_refunded: 0, currency: "eur", status: "failed", description: null, payment_method: { type: "wallet", provider: "apple_pay", wallet_token: "wt_1" }, failure_code: "wallet_expired", created: 1700100000, metadata: {}, customer_id: "cus_b" },
  { id: "ch_seed2", amount: 2500, amount_refunded: 0, currency: "usd", status: "succeeded", description: "Order 2", payment_method: { type: "bank_transfer", iban: "DE89370400440532013000", bic: null }, failure_code: null, created: 1700050000, metadata: { order: "2" }, customer_id: "cus_a" },
  { id: "ch_seed1", amount: 1000, amount_refunded: 0, currency: "eur", status: "succeeded", description: "Order 1", payment_method: { type: "card", token: "tok_visa", last4: "4242" }, failure_code: null, created: 1700000000, metadata: { order: "1" }, customer_id: "cus_a" },
];

export function NEW_CHARGE_ID(n: number): string {
  return `ch_${1000 + n}`;
}

export function receiptText(charge: Charge): string {
  const major = (minor: number): string => (minor / 100).toFixed(2);
  return [
    `Receipt for ${charge.id}`,
    `Amount: ${major(charge.amount)} ${charge.currency.toUpperCase()}`,
    `Refunded: ${major(charge.amount_refunded)} ${charge.currency.toUpperCase()}`,
    `Status: ${charge.status}`,
    "",
  ].join("\n");
}

const STATUSES = new Set(["pending", "succeeded", "failed", "refunded", "partially_refunded"]);
const REASONS = new Set(["duplicate", "fraudulent", "requested_by_customer"]);
const BOUNDS = ["gte", "gt", "lte", "lt"] as const;

function error(status: number, code: string, message: string, declineCode: string | null = null): Reply {
  return json(status, { code, message, decline_code: declineCode });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function paymentMethodProblem(method: unknown): string | undefined {
  if (!isObject(method)) return "payment_method must be an object";
  if (method["type"] === "card") return typeof method["token"] === "string" ? undefined : "card needs a token";
  if (method["type"] === "bank_transfer") return typeof method["iban"] === "string" ? undefined : "bank_transfer needs an iban";
  if (method["type"] === "wallet") {
    const ok = (method["provider"] === "apple_pay" || method["provider"] === "google_pay") && typeof method["wallet_token"] === "string";
    return ok ? undefined : "wallet needs a provider and a wallet_token";
  }
  return `unknown payment_method type ${JSON.stringify(method["type"])}`;
}

function paymentsRoutes(): Route[] {
  const charges: Charge[] = SEED_CHARGES.map((charge) => structuredClone(charge));
  // Idempotency-Key → the request body it first came with and the answer given.
  const replays = new Map<string, { body: string; reply: Reply }>();
  let chargeCount = 0;
  let refundCount = 0;
  const find = (rawId: string): Charge | undefined => charges.find((charge) => charge.id === decodeURIComponent(rawId));
  const notFound = (rawId: string): Reply => error(404, "not_found", `no charge ${decodeURIComponent(rawId)}`);

  /** Runs `make` at most once per Idempotency-Key (scoped by route), replaying its answer for the same body. */
  function idempotent(request: SeenRequest, scope: string, make: () => Reply | Promise<Reply>): Reply | Promise<Reply> {
    const key = header(request, "idempotency-key");
    if (key === undefined) return make();
    const slot = `${scope} ${key}`;
    const body = request.body.toString("latin1");
    const previous = replays.get(slot);
    if (previous) {
      return previous.body === body ? previous.reply : error(409, "idempotency_key_reused", "this Idempotency-Key was used with another body");
    }
    return Promise.resolve(make()).then((reply) => {
      if (reply.status < 500) replays.set(slot, { body, reply });
      return reply;
    });
  }

  function list(request: SeenRequest): Reply {
    const query = new URLSearchParams(request.query);
    if (query.has("created")) return error(400, "bad_query", "created must be sent as created[gte]=… (deepObject)");
    const bounds: Partial<Record<(typeof BOUNDS)[number], number>> = {};
    for (const bound of BOUNDS) {
      const raw = query.get(`created[${bound}]`);
      if (raw === null) continue;
      const value = Number(raw);
      if (!Number.isInteger(value)) return error(400, "bad_query", `created[${bound}] must be an integer`);
      bounds[bound] = value;
    }
    const limit = Number(query.get("limit") ?? "10");
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(400, "bad_query", "limit must be 1..100");
    const status = query.get("status");
    if (status !== null && !STATUSES.has(status)) return error(400, "bad_query", `unknown status ${status}`);
    const customer = query.get("customer_id");
    const matching = charges.filter(
      (charge) =>
        (bounds.gte === undefined || charge.created >= bounds.gte) &&
        (bounds.gt === undefined || charge.created > bounds.gt) &&
        (bounds.lte === undefined || charge.created <= bounds.lte) &&
        (bounds.lt === undefined || charge.created < bounds.lt) &&
        (status === null || charge.status === status) &&
        (customer === null || charge.customer_id === customer),
    );
    return json(200, { data: matching.slice(0, limit), has_more: matching.length > limit });
  }

  function create(request: SeenRequest): Reply {
    if (mediaType(request) !== "application/json") return error(415, "unsupported_media_type", "expected application/json");
    const body = readJson(request);
    if (!isObject(body)) return error(400, "invalid", "expected a JSON object");
    if (!Number.isInteger(body["amount"]) || (body["amount"] as number) < 1) return error(400, "invalid", "amount must be a positive integer");
    if (typeof body["currency"] !== "string" || !/^[a-z]{3}$/.test(body["currency"])) return error(400, "invalid", "currency must be 3 lower-case letters");
    if (typeof body["customer_id"] !== "string") return error(400, "invalid", "customer_id is required");
    const problem = paymentMethodProblem(body["payment_method"]);
    if (problem !== undefined) return error(400, "invalid", problem);
    const method = body["payment_method"] as Record<string, unknown>;
    if (method["type"] === "card" && method["token"] === DECLINED_TOKEN) {
      return error(402, "card_declined", "the card was declined", "insufficient_funds");
    }
    chargeCount += 1;
    const charge: Charge = {
      id: NEW_CHARGE_ID(chargeCount),
      amount: body["amount"] as number,
      amount_refunded: 0,
      currency: body["currency"],
      status: "succeeded",
      description: typeof body["description"] === "string" ? body["description"] : null,
      payment_method: method,
      failure_code: null,
      created: 1700200000 + chargeCount,
      metadata: isObject(body["metadata"]) ? (body["metadata"] as Record<string, string>) : {},
      customer_id: body["customer_id"],
    };
    charges.unshift(charge);
    return json(201, charge);
  }

  async function refund(request: SeenRequest, rawId: string): Promise<Reply> {
    if (mediaType(request) !== "application/x-www-form-urlencoded") {
      return error(415, "unsupported_media_type", "expected application/x-www-form-urlencoded");
    }
    const charge = find(rawId);
    if (!charge) return notFound(rawId);
    const form = await readForm(request);
    if (!form) return error(400, "invalid", "could not parse the form");
    const left = charge.amount - charge.amount_refunded;
    if (left === 0) return error(409, "already_refunded", `${charge.id} is already fully refunded`);
    const rawAmount = form.get("amount");
    const amount = rawAmount === null ? left : Number(rawAmount);
    if (!Number.isInteger(amount) || amount < 1 || amount > left) return error(400, "invalid", `amount must be 1..${left}`);
    const reason = form.get("reason");
    if (reason !== null && (typeof reason !== "string" || !REASONS.has(reason))) return error(400, "invalid", "unknown reason");
    charge.amount_refunded += amount;
    charge.status = charge.amount_refunded === charge.amount ? "refunded" : "partially_refunded";
    refundCount += 1;
    return json(201, { id: `re_${refundCount}`, charge_id: charge.id, amount, reason, status: "succeeded" });
  }

  return [
    { method: "GET", pattern: "/v1/charges", handle: list },
    { method: "POST", pattern: "/v1/charges", handle: (r) => idempotent(r, "charge", () => create(r)) },
    { method: "GET", pattern: "/v1/charges/{charge_id}", handle: (_r, p) => { const c = find(p["charge_id"]!); return c ? json(200, c) : notFound(p["charge_id"]!); } },
    { method: "POST", pattern: "/v1/charges/{charge_id}/refunds", handle: (r, p) => idempotent(r, `refund ${p["charge_id"]!}`, () => refund(r, p["charge_id"]!)) },
    { method: "GET", pattern: "/v1/charges/{charge_id}/receipt", handle: (_r, p) => { const c = find(p["charge_id"]!); return c ? text(200, receiptText(c)) : notFound(p["charge_id"]!); } },
    { method: "GET", pattern: "/health", handle: () => json(200, { status: "ok" }) },
    { method: "GET", pattern: "/ready", handle: () => text(200, "ready") },
  ];
}

export async function startPaymentsServer(options: ServerOptions = {}): Promise<RunningServer> {
  const handler = router(paymentsRoutes(), (request, status) => error(status, "no_route", `no route for ${request.method} ${request.path}`));
  return startServer(handler, options);
}
