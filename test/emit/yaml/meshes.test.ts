// The meshes registry: one entry per mesh word of the vocabulary, and every mesh key read by some kind.
import { describe, expect, it } from "vitest";
import { MESHES, meshFor } from "../../../src/emit/yaml/meshes/index.js";
import { MESH_KEYS, type MeshKey } from "../../../src/mesh/index.js";
import { appliesTo } from "../../../src/mesh/keys.js";
import { MESH_KINDS } from "../../../src/runtime/vocabulary.js";

describe("meshes registry", () => {
  it("has one entry per mesh kind of the vocabulary, none for \"none\"", () => {
    expect(MESHES.map((m) => m.kind).sort()).toEqual(MESH_KINDS.filter((k) => k !== "none").sort());
    expect(meshFor("none")).toBeUndefined();
  });

  it("every mesh key applies to some kind, and a mesh's own keys to it alone", () => {
    for (const key of Object.keys(MESH_KEYS) as MeshKey[]) {
      expect(MESH_KINDS.some((kind) => appliesTo(key, meshFor(kind))), key).toBe(true);
    }
    for (const mesh of MESHES) {
      for (const key of mesh.keys) {
        expect(MESHES.filter((other) => other.keys.includes(key)).map((m) => m.kind), key).toEqual([mesh.kind]);
      }
    }
  });

  it("Istio pauses between retries as Envoy does; Linkerd retries at once", () => {
    expect(meshFor("istio")!.backoffMs(2)).toBe(100);
    expect(meshFor("istio")!.backoffMs(5)).toBe(25 + 75 + 175 + 250 + 250);
    expect(meshFor("linkerd")!.backoffMs(3)).toBe(0);
  });
});
