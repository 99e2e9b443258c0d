// types.ts: svcgen's header, then openapi-typescript's text, which the model holds as bytes (OpenApiModel.typesBody).
// It is most of a service's output (27 of the 40 MB for ten big specs), so it stays bytes: the header is encoded and
// put in front, and the text is decoded only when something reads `content` (tests, the js+dts target).
import type { GeneratedFile } from "../files.js";

export function typesFile(path: string, header: string, body: Uint8Array): GeneratedFile {
  const head = new TextEncoder().encode(header);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head, 0);
  bytes.set(body, head.length);
  let text: string | undefined;
  return {
    path,
    bytes,
    get content(): string {
      text ??= new TextDecoder().decode(bytes);
      return text;
    },
  };
}
