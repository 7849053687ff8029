import { z } from "zod";

/** Messages a browser may send on the build socket; anything else closes the socket (4400). */
export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("build.start"),
    dockerfile: z.string().min(1).max(1024).default("Dockerfile"),
    target: z.string().max(128).optional(),
    buildArgs: z.record(z.string().max(256), z.string().max(8192)).optional(),
    noCache: z.boolean().optional(),
    tags: z.array(z.string().max(256)).max(16).optional(),
  }),
  z.object({ type: z.literal("build.cancel"), buildId: z.string().max(64) }),
  z.object({ type: z.literal("subscribe"), buildId: z.union([z.string().max(64), z.literal("latest")]), fromSeq: z.number().int().nonnegative().default(0) }),
  z.object({ type: z.literal("unsubscribe") }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Close codes: 4400 malformed message, 4401 no token, 4403 foreign origin, 4408 too slow (resubscribe from the last seq). */
export const CLOSE = { malformed: 4400, unauthorized: 4401, forbidden: 4403, tooSlow: 4408, tooLarge: 1009 } as const;
