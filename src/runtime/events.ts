// Runtime events go to node:diagnostics_channel (`svcgen:<type>`, published only when someone subscribed) and to the
// onEvent hooks. Callers check `wants()` before building an event, so an unobserved client allocates nothing.
import diagnosticsChannel from "node:diagnostics_channel";
import type { ClientEvent } from "./types.js";

export type EventType =
  | "attempt"
  | "retry"
  | "rotation"
  | "breaker"
  | "endpoint_ejected"
  | "budget_exhausted"
  /** Discovery changed the endpoint set (`added`, `removed`, `endpoints`: origins). */
  | "endpoints_changed"
  /** A DNS refresh failed; the last good set is kept (`dnsName`, `code`, `message`, `keeping`). */
  | "discovery_failed"
  /** A balancer could not apply its policy to a request and fell back (`balancer`, `reason`, ...). */
  | "balancer_fallback"
  /** An ejected endpoint receives traffic again (`endpoint`, `reason`). */
  | "endpoint_restored"
  /**
   * An attempt was refused for its credentials (HTTP 401, gRPC UNAUTHENTICATED): they are fetched again and the
   * request replayed once (`operation`, `attempt`, `endpoint`, `outcome`, `schemes`: the refreshed scheme names).
   */
  | "auth_refresh";

export const EVENT_TYPES: readonly EventType[] = [
  "attempt",
  "retry",
  "rotation",
  "breaker",
  "endpoint_ejected",
  "budget_exhausted",
  "endpoints_changed",
  "discovery_failed",
  "balancer_fallback",
  "endpoint_restored",
  "auth_refresh",
];

/** `svcgen:attempt`, `svcgen:retry`, ... */
export function channelName(type: EventType): string {
  return `svcgen:${type}`;
}

const channels: Record<EventType, diagnosticsChannel.Channel> = {
  attempt: diagnosticsChannel.channel(channelName("attempt")),
  retry: diagnosticsChannel.channel(channelName("retry")),
  rotation: diagnosticsChannel.channel(channelName("rotation")),
  breaker: diagnosticsChannel.channel(channelName("breaker")),
  endpoint_ejected: diagnosticsChannel.channel(channelName("endpoint_ejected")),
  budget_exhausted: diagnosticsChannel.channel(channelName("budget_exhausted")),
  endpoints_changed: diagnosticsChannel.channel(channelName("endpoints_changed")),
  discovery_failed: diagnosticsChannel.channel(channelName("discovery_failed")),
  balancer_fallback: diagnosticsChannel.channel(channelName("balancer_fallback")),
  endpoint_restored: diagnosticsChannel.channel(channelName("endpoint_restored")),
  auth_refresh: diagnosticsChannel.channel(channelName("auth_refresh")),
};

export class EventSink {
  readonly service: string;
  readonly #onEvent: ((event: ClientEvent) => void) | undefined;

  constructor(service: string, onEvent: ((event: ClientEvent) => void) | undefined) {
    this.service = service;
    this.#onEvent = onEvent;
  }

  /** Is anyone listening for `type` (client hook, call hook, or a channel subscriber)? */
  wants(type: EventType, callHook?: (event: ClientEvent) => void): boolean {
    return this.#onEvent !== undefined || callHook !== undefined || channels[type].hasSubscribers;
  }

  /** Client hook first, then the call's own, then the channel. A throwing hook never breaks a call. */
  emit(type: EventType, event: ClientEvent, callHook?: (event: ClientEvent) => void): void {
    if (this.#onEvent !== undefined) safely(this.#onEvent, event);
    if (callHook !== undefined) safely(callHook, event);
    const channel = channels[type];
    if (channel.hasSubscribers) channel.publish(event);
  }
}

function safely(hook: (event: ClientEvent) => void, event: ClientEvent): void {
  try {
    hook(event);
  } catch {
    // Observers must not change the outcome of a call.
  }
}
