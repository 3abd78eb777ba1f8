/** S3ObjectStore against moto_server: the ObjectStore contract, error mapping and retries of throttling. */
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { awsConfigFromEnv, createS3Client } from "../../lib/aws/clients.ts";
import { S3ObjectStore } from "../../lib/aws/s3ObjectStore.ts";
import { InputError, RetryableError } from "../../lib/core/errors.ts";
import { compareAndSwap } from "../../lib/ports/objectStore.ts";
import { startMoto } from "../helpers/moto.ts";
import { objectStoreContract } from "../ports/objectStoreContract.ts";

// serial: moto's conditional writes are only atomic when it serves one request at a time (test/helpers/moto.ts)
const moto = await startMoto({ serial: true });
const BUCKET = "msor-test-store";
let client: S3Client | undefined;

async function s3(): Promise<S3Client> {
  if (!client) {
    client = createS3Client(moto.config);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }
  return client;
}

/** A throttling error as the SDK's deserializer produces it for S3 "503 SlowDown". */
function slowDown(): Error {
  return Object.assign(new Error("Please reduce your request rate."), {
    name: "SlowDown",
    $fault: "server",
    $metadata: { httpStatusCode: 503 },
  });
}

describe.skipIf(!moto.available)("S3 on moto_server", () => {
  let n = 0;
  objectStoreContract(
    "S3 (moto_server)",
    async () => new S3ObjectStore({ client: await s3(), bucket: BUCKET, prefix: `c${++n}/` }),
  );

  it("a throttled call (503 SlowDown once) is retried by the SDK and succeeds", async () => {
    const c = createS3Client(moto.config);
    let injected = 0;
    let attempts = 0;
    // innermost (deserialize step): runs once per HTTP attempt, inside the SDK's retry middleware
    c.middlewareStack.add(
      (next) => async (args) => {
        attempts++;
        if (injected === 0) {
          injected++;
          throw slowDown();
        }
        return next(args);
      },
      { step: "deserialize", name: "injectSlowDownOnce" },
    );
    await s3();
    const store = new S3ObjectStore({ client: c, bucket: BUCKET, prefix: "throttle/" });
    const r = await store.put("k.json", '{"ok":true}');
    expect(injected).toBe(1);
    expect(attempts).toBe(2);
    expect(r.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(Buffer.from(await store.get("k.json")).toString()).toBe('{"ok":true}');
  });

  it("throttling beyond the SDK's attempts surfaces as RetryableError (the task goes back to the queue)", async () => {
    const c = createS3Client({ ...moto.config, maxAttempts: 2 });
    c.middlewareStack.add(
      () => async () => {
        throw slowDown();
      },
      { step: "deserialize", name: "alwaysSlowDown" },
    );
    const store = new S3ObjectStore({ client: c, bucket: BUCKET, prefix: "throttle2/" });
    const err = await store.get("x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as Error).message).toMatch(
      /^get s3:\/\/msor-test-store\/throttle2\/x: transient failure \(SlowDown/,
    );
  });

  it("409 ConditionalRequestConflict on If-Match is a lost race: compareAndSwap re-reads and succeeds", async () => {
    await s3();
    const c = createS3Client(moto.config);
    let conflicts = 0;
    c.middlewareStack.add(
      (next, context) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        if (context.commandName === "PutObjectCommand" && headers["if-match"] && conflicts === 0) {
          conflicts++;
          throw Object.assign(new Error("A conflicting conditional operation is currently in progress"), {
            name: "ConditionalRequestConflict",
            $fault: "client",
            $metadata: { httpStatusCode: 409 },
          });
        }
        return next(args);
      },
      { step: "deserialize", name: "injectConflictOnce" },
    );
    const store = new S3ObjectStore({ client: c, bucket: BUCKET, prefix: "conflict/" });
    await store.put("n", "1");
    const r = await compareAndSwap(store, "n", (cur) => String(Number(Buffer.from(cur!).toString()) + 1));
    expect(conflicts).toBe(1);
    expect(r.attempts).toBe(2);
    expect(Buffer.from(await store.get("n")).toString()).toBe("2");
  });

  it("concurrent compare-and-swap increments of one object lose no update (If-Match on moto)", async () => {
    const store = new S3ObjectStore({ client: await s3(), bucket: BUCKET, prefix: "cas-race/" });
    const writers = 4;
    const each = 8;
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < each; i++) {
          const r = await compareAndSwap(
            store,
            "status.json",
            (cur) => {
              const ids: string[] = cur ? JSON.parse(Buffer.from(cur).toString()) : [];
              return JSON.stringify([...ids, `w${w}-${i}`]);
            },
            { maxAttempts: 1000 },
          );
          conflicts += r.attempts - 1;
        }
      }),
    );
    const ids: string[] = JSON.parse(Buffer.from(await store.get("status.json")).toString());
    expect(ids).toHaveLength(writers * each);
    expect(new Set(ids).size).toBe(writers * each);
    console.info(`[s3 cas race] ${writers} writers x ${each} increments: ${conflicts} lost races retried`);
  });

  it("list pages through more than one ListObjectsV2 page", async () => {
    const store = new S3ObjectStore({ client: await s3(), bucket: BUCKET, prefix: "many/" });
    const keys = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(5, "0")}`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((k) => store.put(k, "x")));
    expect(await store.list("k/")).toEqual(keys);
  });

  it("validates bucket and prefix, and reads AWS_ENDPOINT_URL", () => {
    const c = createS3Client(moto.config);
    expect(() => new S3ObjectStore({ client: c, bucket: "Bad_Bucket" })).toThrow(InputError);
    expect(() => new S3ObjectStore({ client: c, bucket: BUCKET, prefix: "no-slash" })).toThrow(
      /end with '\/'/,
    );
    expect(() => new S3ObjectStore({ client: c, bucket: BUCKET, prefix: "../" })).toThrow(InputError);
    expect(awsConfigFromEnv({ AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL: moto.endpoint })).toEqual({
      region: "eu-west-1",
      endpoint: moto.endpoint,
    });
    expect(() => awsConfigFromEnv({})).toThrow(/set AWS_REGION/);
    expect(() => awsConfigFromEnv({ AWS_REGION: "x", AWS_ENDPOINT_URL: "not a url" })).toThrow(
      /is not a URL/,
    );
  });
});
