// A minimal protobuf binary writer, enough for google.protobuf.FileDescriptorProto: varints, strings and nested
// messages. Fields are written in the order the caller gives (ascending field numbers, as protoc does), so the same
// descriptor always serialises to the same bytes.

/** One field of a message to encode: a varint, a string, or a nested message (already encoded). */
export type WireField =
  | { no: number; varint: number | boolean }
  | { no: number; string: string }
  | { no: number; message: Uint8Array };

const encoder = new TextEncoder();

export function encodeMessage(fields: readonly WireField[]): Uint8Array {
  const parts: number[] = [];
  const varint = (value: number): void => {
    // int32 fields carry negative numbers as 64-bit two's complement: ten bytes.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      parts.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    parts.push(Number(v));
  };
  const bytes = (data: Uint8Array): void => {
    varint(data.length);
    for (const b of data) parts.push(b);
  };
  for (const field of fields) {
    if ("varint" in field) {
      varint(field.no << 3);
      varint(typeof field.varint === "boolean" ? (field.varint ? 1 : 0) : field.varint);
    } else if ("string" in field) {
      varint((field.no << 3) | 2);
      bytes(encoder.encode(field.string));
    } else {
      varint((field.no << 3) | 2);
      bytes(field.message);
    }
  }
  return Uint8Array.from(parts);
}

export function toBase64(data: Uint8Array): string {
  return Buffer.from(data).toString("base64");
}
