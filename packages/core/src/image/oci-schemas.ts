import { z } from "zod";

/** Media types Layerlab reads; it writes the OCI ones. */
export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
} as const;

export const INDEX_TYPES: readonly string[] = [MEDIA.ociIndex, MEDIA.dockerList];
export const MANIFEST_TYPES: readonly string[] = [MEDIA.ociManifest, MEDIA.dockerManifest];
export const LAYER_TYPES: readonly string[] = [
  MEDIA.ociLayer,
  MEDIA.ociLayerGzip,
  MEDIA.ociLayerZstd,
  MEDIA.dockerLayerGzip,
  MEDIA.dockerForeignLayerGzip,
];

const digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, "must be sha256:<64 hex>");

export const PlatformSchema = z.object({
  architecture: z.string().max(64),
  os: z.string().max(64),
  "os.version": z.string().max(256).optional(),
  "os.features": z.array(z.string().max(256)).max(64).optional(),
  variant: z.string().max(64).optional(),
});

export const DescriptorSchema = z.object({
  mediaType: z.string().max(256),
  digest,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).max(16).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: PlatformSchema.optional(),
  artifactType: z.string().max(256).optional(),
});

export const ManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().max(256).optional(),
  config: DescriptorSchema,
  layers: z.array(DescriptorSchema).max(1000),
  annotations: z.record(z.string(), z.string()).optional(),
  subject: DescriptorSchema.optional(),
});

export const IndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().max(256).optional(),
  manifests: z.array(DescriptorSchema).max(10_000),
  annotations: z.record(z.string(), z.string()).optional(),
});

const Duration = z.number().int();

export const ContainerConfigSchema = z
  .object({
    User: z.string().optional(),
    ExposedPorts: z.record(z.string(), z.object({}).passthrough()).nullish(),
    Env: z.array(z.string()).nullish(),
    Entrypoint: z.array(z.string()).nullish(),
    Cmd: z.array(z.string()).nullish(),
    Volumes: z.record(z.string(), z.object({}).passthrough()).nullish(),
    WorkingDir: z.string().optional(),
    Labels: z.record(z.string(), z.string()).nullish(),
    StopSignal: z.string().optional(),
    ArgsEscaped: z.boolean().optional(),
    Healthcheck: z
      .object({
        Test: z.array(z.string()).nullish(),
        Interval: Duration.optional(),
        Timeout: Duration.optional(),
        StartPeriod: Duration.optional(),
        StartInterval: Duration.optional(),
        Retries: z.number().int().optional(),
      })
      .nullish(),
    OnBuild: z.array(z.string()).nullish(),
    Shell: z.array(z.string()).nullish(),
  })
  .passthrough();

export const HistorySchema = z.object({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});

export const ImageConfigSchema = z
  .object({
    created: z.string().optional(),
    author: z.string().optional(),
    architecture: z.string().max(64),
    os: z.string().max(64),
    "os.version": z.string().optional(),
    variant: z.string().optional(),
    config: ContainerConfigSchema.optional(),
    rootfs: z.object({ type: z.literal("layers"), diff_ids: z.array(digest).max(1000) }),
    history: z.array(HistorySchema).max(10_000).optional(),
  })
  .passthrough();

export type Platform = z.infer<typeof PlatformSchema>;
export type Descriptor = z.infer<typeof DescriptorSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
export type ImageIndex = z.infer<typeof IndexSchema>;
export type ImageConfig = z.infer<typeof ImageConfigSchema>;
export type ContainerConfig = z.infer<typeof ContainerConfigSchema>;
export type History = z.infer<typeof HistorySchema>;

/** Parses JSON bytes with a schema; problems become one readable message naming the document. */
export function parseJson<T>(schema: z.ZodType<T>, bytes: Buffer | string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === "string" ? bytes : bytes.toString("utf8"));
  } catch (e) {
    throw new Error(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${what} is malformed: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return result.data;
}
