// What the mesh is resolved from: a service of the model before its mesh is (everything else already final).
import type { ServiceModel } from "../model/types.js";

export type ServiceBase = Omit<ServiceModel, "mesh">;
