// A minimal protocol-buffers writer: just the wire types gnostic's OpenAPI v2 messages use (strings, bools,
// doubles and nested messages). Fields at their zero value are left out, as proto3 does; nested messages are
// always written, because Go's decoder tells an empty message from an absent one (kube-openapi checks
// `GetProperties() != nil` to tell a struct from a map).
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private varint(n: number): void {
    // Lengths and tags only: non-negative integers, which may exceed 32 bits for a large document.
    const out: number[] = [];
    let v = n;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  string(field: number, value: string | undefined): this {
    if (!value) return this;
    const bytes = Buffer.from(value, "utf8");
    this.tag(field, WIRE_LENGTH);
    this.varint(bytes.length);
    this.push(bytes);
    return this;
  }

  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) {
      // Repeated strings keep empty entries: their position is data.
      const bytes = Buffer.from(v, "utf8");
      this.tag(field, WIRE_LENGTH);
      this.varint(bytes.length);
      if (bytes.length) this.push(bytes);
    }
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, WIRE_VARINT);
    this.varint(1);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (!value) return this;
    const buf = Buffer.alloc(8);
    buf.writeDoubleLE(value);
    this.tag(field, WIRE_FIXED64);
    this.push(buf);
    return this;
  }

  message(field: number, value: ProtoWriter | undefined): this {
    if (!value) return this;
    const bytes = value.finish();
    this.tag(field, WIRE_LENGTH);
    this.varint(bytes.length);
    if (bytes.length) this.push(bytes);
    return this;
  }

  messages(field: number, values: readonly ProtoWriter[]): this {
    for (const v of values) this.message(field, v);
    return this;
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts, this.size);
  }
}
