// Moved to src/resolve/build.ts (the model imports nothing from config or mesh). This re-export keeps
// src/generate.ts compiling until its import names src/resolve/build.js; delete it then.
export { buildModel, type LocateKey } from "../resolve/build.js";
