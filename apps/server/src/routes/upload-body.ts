import type { Request } from "express";
import { StoreError } from "@layerlab/core/node";

/**
 * The request body as a byte stream that stops with a `too-large` error past `max` bytes, checked
 * against Content-Length up front and again as bytes arrive (a client can lie or send chunked).
 */
export async function* uploadBody(req: Request, max: number): AsyncGenerator<Buffer> {
  const tooLarge = () => new StoreError("too-large", `the upload is larger than the server's limit of ${max} bytes (set LAYERLAB_MAX_UPLOAD to change it)`);
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) throw tooLarge();
  let seen = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > max) {
      req.destroy();
      throw tooLarge();
    }
    yield chunk;
  }
}
