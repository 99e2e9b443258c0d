// The services.toml keys of gRPC: proto, proto_paths (service and [defaults]) and retry.grpc_retry_on.
import { describe, expect, it } from "vitest";
import { formatDiagnostic, parseConfig } from "../../../src/config/index.js";
import { buildServicesSchema } from "../../../src/config/schema.js";

const parse = (text: string) => parseConfig(text, "services.toml");
const printed = (text: string) => parse(text).diagnostics.map(formatDiagnostic);

describe("proto_paths", () => {
  it("searches the service's directories first, then those of [defaults], each once", () => {
    const { config } = parse(
      '[defaults]\nproto_paths = ["third_party", "shared"]\n\n[external_services.a]\nurl = "http://a:8080"\nproto = "a.proto"\nproto_paths = ["protos", "shared"]\n',
    );
    expect(config!.services[0]!.proto).toMatchObject({ paths: ["a.proto"], protoPaths: ["protos", "shared", "third_party"] });
  });

  it("[defaults] alone applies, and does not warn for services without proto", () => {
    const result = parse('[defaults]\nproto_paths = ["third_party"]\n\n[external_services.a]\nurl = "http://a:8080"\nproto = ["a.proto", "b.proto"]\n\n[external_services.b]\nurl = "http://b:8080"\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.config!.services[0]!.proto!.protoPaths).toEqual(["third_party"]);
    expect(result.config!.services[1]!.proto).toBeUndefined();
  });

  it("must be relative", () => {
    expect(printed('[defaults]\nproto_paths = ["/usr/include"]\n')).toEqual(['services.toml:2:16: error: "proto_paths" entries must be a path relative to the config file, got "/usr/include"']);
  });
});

describe("retry.grpc_retry_on", () => {
  it("defaults to UNAVAILABLE", () => {
    expect(parse('[external_services.a]\nurl = "http://a:8080"\nproto = "a.proto"\n').config!.services[0]!.grpcRetryOn).toEqual(["UNAVAILABLE"]);
  });

  it("takes status names from the service, else [defaults], and drops repeats", () => {
    const text =
      '[defaults.retry]\ngrpc_retry_on = ["RESOURCE_EXHAUSTED"]\n\n[external_services.a]\nurl = "http://a:8080"\nproto = "a.proto"\nretry.grpc_retry_on = ["UNAVAILABLE", "ABORTED", "UNAVAILABLE"]\n\n' +
      '[external_services.b]\nurl = "http://b:8080"\nproto = "b.proto"\n';
    const services = parse(text).config!.services;
    expect(services.map((s) => s.grpcRetryOn)).toEqual([["UNAVAILABLE", "ABORTED"], ["RESOURCE_EXHAUSTED"]]);
  });

  it("rejects names that are not gRPC status codes, with a suggestion", () => {
    const [message] = printed('[external_services.a]\nurl = "http://a:8080"\nproto = "a.proto"\nretry.grpc_retry_on = ["unavailable"]\n');
    expect(message).toMatch(/^services\.toml:4:24: error: "grpc_retry_on" entries must be one of "CANCELLED", .*"UNAUTHENTICATED", got "unavailable"; did you mean "UNAVAILABLE"\?$/);
  });

  it("warns when the service has no proto", () => {
    expect(printed('[external_services.a]\nurl = "http://a:8080"\nretry.grpc_retry_on = ["UNAVAILABLE"]\n')).toEqual([
      'services.toml:3:7: warning: "grpc_retry_on" is ignored unless "proto" is set',
    ]);
  });

  it("is in the JSON schema with its default and the status names", () => {
    const schema = buildServicesSchema() as { properties: { defaults: { properties: Record<string, { properties?: Record<string, unknown> }> } } };
    const defaults = schema.properties.defaults.properties;
    expect(defaults.proto_paths).toBeDefined();
    expect(defaults.retry!.properties!.grpc_retry_on).toMatchObject({ default: ["UNAVAILABLE"], type: "array", items: { type: "string" } });
  });
});
