// Model → the dependency picture as plain data: the caller, every service it calls, and one labelled edge per call.
// Every word on the picture is read from the resolved model (the same one the clients and the YAML are emitted from),
// so the picture cannot disagree with them. The emitters (mermaid.ts, dot.ts) only escape and lay out this text.
import type { Model, ServiceModel } from "../model/types.js";
import { edgeLines } from "./labels.js";

export type NodeRole = "caller" | "service";

export interface GraphNode {
  /** Safe in every output syntax: `caller`, `svc_<key>` for a key of ASCII letters, digits and `_`, else `svc<index>`. */
  id: string;
  role: NodeRole;
  /** Untrusted text (a services.toml key or name): emitters escape it. */
  title: string;
  /** Lines under the title; untrusted text too. */
  details: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  /** One fact per line: protocols and ports, timeout, retries, balancer, breaker, discovery, mesh. */
  lines: string[];
}

export interface DependencyGraph {
  /** The caller first, then the services in model order (sorted by key). */
  nodes: GraphNode[];
  /** In service order. */
  edges: GraphEdge[];
}

export const CALLER_ID = "caller";

export function graphOf(model: Model): DependencyGraph {
  const caller: GraphNode = model.caller
    ? { id: CALLER_ID, role: "caller", title: model.caller.name, details: [] }
    : { id: CALLER_ID, role: "caller", title: "caller", details: ["[service] name not set"] };
  // The model keeps services sorted by key; sorting again keeps this emitter deterministic on its own.
  const services = [...model.services].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const nodes = services.map((service, index) => serviceNode(service, index));
  const edges = services.map((service, index) => ({ from: CALLER_ID, to: nodes[index]!.id, lines: edgeLines(service) }));
  return { nodes: [caller, ...nodes], edges };
}

function serviceNode(service: ServiceModel, index: number): GraphNode {
  const id = /^[A-Za-z0-9_]+$/.test(service.key) ? `svc_${service.key}` : `svc${index}`;
  return { id, role: "service", title: service.key, details: [service.url] };
}
