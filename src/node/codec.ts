/**
 * The wire format of the prover network's off-chain messages (`src/client/messages.ts`) between
 * processes: JSON with bigints as decimal strings and provenance maps as entry lists, checked on
 * the way in by a zod schema, so that a peer's bytes become a `Message` only if every field has
 * the type the clients expect. Signatures inside the messages (chunk outputs, votes) are checked
 * by the clients as before; the envelope that binds a message to its sending operator is in
 * `p2p.ts`.
 */
import { z } from "zod";

import type { Message } from "../client/messages.js";

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "32 bytes of hex");
const uint = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "a decimal integer")
  .transform((s) => BigInt(s));
const index = z.number().int().min(0).max(255);
const signature = z.object({ r: bytes32, vs: bytes32 });

const dataSchema = z.object({
  kind: z.literal("data"),
  data: z.object({
    slot: uint,
    txCommitment: bytes32,
    leafInputs: z.array(bytes32).max(1 << 16),
  }),
});

const chunkSchema = z.object({
  kind: z.literal("chunk"),
  output: z.object({ slot: uint, node: uint, left: bytes32, right: bytes32, output: bytes32 }),
  signature,
  member: index,
  provenance: z
    .array(z.tuple([z.number().int().min(1), z.array(index).max(16)]))
    .max(1 << 17)
    .transform((entries) => new Map(entries) as ReadonlyMap<number, readonly number[]>),
  signatures: z
    .array(z.tuple([z.string().regex(/^[0-9]+:[0-9]+$/), signature]))
    .max(1 << 17)
    .transform((entries) => new Map(entries) as ReadonlyMap<string, { r: string; vs: string }>),
});

const voteSchema = z.object({
  kind: z.literal("vote"),
  slot: uint,
  round: z.number().int().min(0),
  member: index,
  signature,
});

const dataRequestSchema = z.object({
  kind: z.literal("dataRequest"),
  slot: uint,
  member: index,
});

const chunkRequestSchema = z.object({
  kind: z.literal("chunkRequest"),
  slot: uint,
  node: z
    .number()
    .int()
    .min(1)
    .max(1 << 17),
  member: index,
});

/** The schema of a decoded message (after bigints and maps are restored). */
export const messageSchema = z.discriminatedUnion("kind", [
  dataSchema,
  chunkSchema,
  voteSchema,
  dataRequestSchema,
  chunkRequestSchema,
]);

/** `message` as wire JSON. */
export function encodeMessage(message: Message): string {
  return JSON.stringify(message, (_key, value: unknown) => {
    if (typeof value === "bigint") return value.toString();
    if (value instanceof Map) return [...(value as Map<unknown, unknown>).entries()];
    return value;
  });
}

/** The message in wire JSON `text`; throws a zod error (or a SyntaxError) if it is not one. */
export function decodeMessage(text: string): Message {
  const parsed: unknown = JSON.parse(text);
  return messageSchema.parse(parsed) satisfies Message;
}
