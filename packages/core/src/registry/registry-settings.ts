import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** Registry settings in `$LAYERLAB_HOME/config.json`, with the key names of Docker's daemon.json. */
export const RegistrySettingsSchema = z.object({
  "registry-mirrors": z.array(z.string().url()).max(32).default([]),
  "insecure-registries": z.array(z.string().max(256)).max(256).default([]),
});

export type RegistrySettings = z.infer<typeof RegistrySettingsSchema>;

export async function readRegistrySettings(home: string): Promise<RegistrySettings> {
  const text = await readFile(join(home, "config.json"), "utf8").catch(() => null);
  if (text === null) return RegistrySettingsSchema.parse({});
  const parsed = RegistrySettingsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${join(home, "config.json")}: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
