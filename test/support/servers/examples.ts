// Real servers for the example services in examples/services.toml (see each module's header for its routes).
export { startAuthServer, JWKS, TOKEN_INFO, VALID_TOKEN } from "./auth.js";
export { startUsersServer, AVATAR_PNG, MAX_AVATAR_BYTES, NEW_USER_ID, SEED_USERS } from "./users.js";
export type { User } from "./users.js";
export { startPaymentsServer, DECLINED_TOKEN, NEW_CHARGE_ID, SEED_CHARGES, receiptText } from "./payments.js";
export type { Charge } from "./payments.js";
export type { Intercept, Reply, RunningServer, SeenRequest, ServerOptions } from "./http.js";
