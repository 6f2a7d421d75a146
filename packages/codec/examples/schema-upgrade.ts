import {
  checkCompatibility,
  enumeration,
  f32,
  optional,
  resolve,
  string,
  struct,
  u16,
  u32,
  withAliases,
  withDefault,
} from '@bp/codec';

// v1, as deployed devices still speak it.
const ReadingV1 = struct({
  sensorId: u16,
  temp: f32,
  unit: enumeration(['C', 'F', 'other'], { fallback: 'other' }),
});

// v2: a wider id, `temp` renamed, a new field with a default, a new unit, an optional note.
const ReadingV2 = struct({
  sensorId: u32, // u16 -> u32 loses nothing
  temperature: withAliases(f32, ['temp']), // renamed; v1's `temp` still matches
  unit: enumeration(['C', 'F', 'K', 'other'], { fallback: 'other' }),
  battery: withDefault(u16, 100), // v1 does not send it: v2 reads 100
  note: optional(string()), // absent when v1 wrote the message
});

export function main(): string[] {
  const out: string[] = [];
  // Each direction is one check: can the reader read what the writer wrote?
  out.push(`v2 reads v1: ${checkCompatibility(ReadingV1, ReadingV2).compatible}`);
  const back = checkCompatibility(ReadingV2, ReadingV1); // v1 cannot hold every u32 id
  out.push(`v1 reads v2: ${back.compatible} (${back.issues.map((i) => `${i.path}: ${i.rule}`).join(', ')})`);

  // The v1 peer's descriptor arrives as JSON (a handshake, a file): resolve it once.
  const v1Descriptor = JSON.stringify(ReadingV1.describe());
  const fromV1 = resolve(v1Descriptor, ReadingV2);
  const v1Bytes = ReadingV1.encode({ sensorId: 7, temp: 21.5, unit: 'C' });
  out.push(`v2 got ${JSON.stringify(fromV1.decode(v1Bytes))}`);

  // Answering the v1 peer in its own layout, from a v2 value (one it cannot hold throws EncodeError).
  const reply = fromV1.encode({ sensorId: 8, temperature: 19, unit: 'K', battery: 80 });
  out.push(`v1 got ${JSON.stringify(ReadingV1.decode(reply))}`);

  // A breaking change is named by path and rule.
  const broken = struct({ sensorId: u16, temperature: withAliases(f32, ['temp']), site: string() });
  for (const issue of checkCompatibility(ReadingV1, broken).issues) out.push(`${issue.path}: ${issue.rule}`);
  return out;
}
