// The benchmark's three schemas for bp, defined once, the way the README shows. `@bp/codec` is
// whichever entry the importer's platform resolves: Node's (generated code by default) for the
// Node suites, the browser entry (closures) for the browser page.
import { bytes, f32, string, struct, u32 } from '@bp/codec';

export const schemas = {
  sensor: struct({ sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 }),
  status: struct({ statusCode: u32, message: string() }),
  blob: struct({ blobId: u32, data: bytes() }),
};
