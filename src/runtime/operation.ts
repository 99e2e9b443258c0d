// Typed operation methods: what lets `isHttpError(error, client.getItem)` narrow an error to the bodies that operation
// documents, and `acceptStatus: [404]` add the 404 body to the result. The generated client's methods are made by
// ServiceClient.operation(), which tags each with OPERATION (which service, which operation, which statuses the spec
// documents); the documented bodies ride along as a type only.
import type { HttpError } from "./errors.js";
import type { CallOptions } from "./types.js";
import type { AuthOptions } from "./auth/types.js";

/** The tag's key on every generated operation method. Symbol.for: two copies of the runtime agree. */
export const OPERATION: unique symbol = Symbol.for("svcgen.operation") as never;

/** What a generated operation method carries at run time. */
export interface OperationTag {
  readonly service: string;
  /** OperationDefinition.id. */
  readonly id: string;
  /** Documented non-2xx statuses as the spec spells them (`"404"`, `"4XX"`, `"default"`); empty: none documented. */
  readonly errors: readonly string[];
}

// Type-only: the documented error bodies by status. Never set at run time, so it never shows up as a value.
declare const errorBodies: unique symbol;

/** A generated operation method's tag; `E` maps each documented status (`404`, `"4XX"`, `"default"`) to its body. */
export interface DocumentedErrors<E> {
  readonly [OPERATION]: OperationTag;
  readonly [errorBodies]?: E;
}

type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
type ToNumber<S> = S extends `${infer N extends number}` ? N : never;
/** `400 | 401 | … | 499` for `"4"`: a range key's statuses as literals, so `status === 503` can rule a `4XX` entry out. */
type RangeStatus<D extends string> = ToNumber<`${D}${Digit}${Digit}`>;

/** The exact statuses an error map documents (`404`, `"404"`). */
type ExactStatus<E> = { [K in keyof E]: K extends number ? K : ToNumber<K> }[keyof E];

/** `404` for the key `404`; the range less the exact statuses for `"4XX"`; any number for `"default"`. */
type StatusOf<K, E> = K extends number
  ? K
  : K extends `${infer N extends number}`
    ? N
    : K extends `${infer D}XX`
      ? Exclude<RangeStatus<D>, ExactStatus<E>>
      : number;

/**
 * The HttpError an operation documents: one member per documented status, so checking `status` narrows `body` (a
 * `default` entry's status is any number, so it stays in every narrowing). An operation that documents no error
 * status at all gets a plain HttpError (any status, body unknown).
 */
export type HttpErrorOf<E> = [keyof E] extends [never]
  ? HttpError
  : { [K in keyof E]-?: HttpError<E[K]> & { readonly status: StatusOf<K, E> } }[keyof E];

/** The body of an accepted non-2xx status `S`: its own entry, else its `NXX` range, else `default`, else unknown. */
export type AcceptedBody<E, S extends number> = S extends unknown
  ? `${S}` extends `2${string}`
    ? never
    : S extends keyof E
      ? E[S]
      : `${S}` extends keyof E
        ? E[`${S}` & keyof E]
        : `${S}` extends `${infer D}${string}`
          ? `${D}XX` extends keyof E
            ? E[`${D}XX` & keyof E]
            : "default" extends keyof E
              ? E["default" & keyof E]
              : unknown
          : unknown
  : never;

/**
 * What a call resolves to: the success type, plus the body of every status listed in a literal `acceptStatus`. A list
 * typed only `number[]` adds nothing (the statuses are not known to the compiler).
 */
export type OperationResult<R, E, S extends number> = number extends S ? R : R | AcceptedBody<E, S>;

/** A generated method whose params are required: `(params, options?)`. `A`: the client's credentials record. */
export interface OperationMethod<P, R, E, A extends AuthOptions = AuthOptions> extends DocumentedErrors<E> {
  <S extends number = never>(params: P, options?: CallOptions<S, A>): Promise<OperationResult<R, E, S>>;
}

/** A generated method whose params may be left out: `(params?, options?)`. */
export interface OptionalParamsOperationMethod<P, R, E, A extends AuthOptions = AuthOptions> extends DocumentedErrors<E> {
  <S extends number = never>(params?: P, options?: CallOptions<S, A>): Promise<OperationResult<R, E, S>>;
}

/** Does the tag document `status`? (`default` documents every status, `4XX` the 400s; no documented error: any.) */
export function documents(tag: OperationTag, status: number): boolean {
  const errors = tag.errors;
  if (errors.length === 0) return true;
  const exact = String(status);
  const range = `${exact[0]}XX`;
  for (const e of errors) if (e === exact || e === "default" || e.toUpperCase() === range) return true;
  return false;
}

/** The tag of a generated operation method, or undefined for anything else. */
export function tagOf(value: unknown): OperationTag | undefined {
  if (typeof value !== "function") return undefined;
  return (value as Partial<DocumentedErrors<unknown>>)[OPERATION];
}
