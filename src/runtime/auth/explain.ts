// What a refused call's error says about credentials: which schemes the operation accepts and which were sent
// (names only), so "401" reads as "this needs bearerAuth and none was configured".
import type { HttpError } from "../errors.js";
import type { SecurityRequirements } from "./types.js";

/** `a or b + c` for [[a], [b, c]]. */
export function requirementText(requirements: SecurityRequirements): string {
  return requirements
    .filter((alternative) => alternative.length > 0)
    .map((alternative) => alternative.join(" + "))
    .join(" or ");
}

/** Adds to a 401's message and `accepts` what the operation accepts and what was sent (scheme names). */
export function explainUnauthorized(error: HttpError, requirements: SecurityRequirements, sent: readonly string[]): void {
  if (explainRefusal(error, requirements, sent)) error.accepts = requirements;
}

/** The same for any refusal (gRPC UNAUTHENTICATED): the message only. False when the requirement names no scheme. */
export function explainRefusal(error: Error, requirements: SecurityRequirements, sent: readonly string[]): boolean {
  const accepted = requirementText(requirements);
  if (accepted === "") return false;
  error.message += `; the operation accepts ${accepted} (sent: ${sent.length > 0 ? sent.join(" + ") : "no credential"})`;
  return true;
}
