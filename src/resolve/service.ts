// One service's last resolution step: its mesh from the mesh settings and the client policy, then the client's final
// policy. The mesh takes its numbers from the client policy first; only then may it switch the client's retries off,
// so client and mesh are resolved from the same settings and never both retry.
import type { MeshSettings } from "../config/types.js";
import type { Diagnostic } from "../diagnostics.js";
import { type Locate, type ServiceBase, clientRetryDisabled, resolveMesh } from "../mesh/index.js";
import { meshFor } from "../emit/yaml/meshes/index.js";
import type { ServiceModel } from "../model/types.js";

export function resolveService(
  base: ServiceBase,
  settings: MeshSettings,
  locate: Locate = () => undefined,
): { service: ServiceModel; diagnostics: Diagnostic[] } {
  const { mesh, diagnostics } = resolveMesh(base, settings, locate, meshFor);
  const retry = clientRetryDisabled(mesh) ? { ...base.policy.retry, maxAttempts: 1 } : base.policy.retry;
  return { service: { ...base, policy: { ...base.policy, retry }, mesh }, diagnostics };
}
