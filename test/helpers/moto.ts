/**
 * moto_server for the AWS adapter tests (DESIGN.md: moto 5.2 on the machine image). At the top of a test
 * file: `const moto = await startMoto();` then `describe.skipIf(!moto.available)(...)`. It starts
 * `moto_server` (or `python3 -m moto.server` when the script is not on PATH) on a free loopback port (port 0
 * bound first, then handed to moto; a failed start is retried on a new port), waits until it answers, and
 * registers an afterAll that stops it. Dummy credentials and region are set in this test process only and
 * restored afterwards; `moto.config` carries them explicitly for lib/aws clients. When moto is absent it
 * prints `[skip] moto_server not found: ...` and returns `available: false`.
 *
 * Concurrency caveat, read from moto 5.2's source (s3/responses.py) and seen in a test: moto checks S3
 * If-Match / If-None-Match in the request handler, NOT atomically with the write, and moto_server serves
 * requests on threads, so two racing conditional writes can both succeed (a lost compare-and-swap update;
 * real S3 is atomic). Tests that race conditional writes start moto with `{ serial: true }`: one request at a
 * time (HTTP/1.0, no keep-alive), which makes each conditional write atomic. Do not long-poll SQS on a serial
 * instance (a waiting receive blocks every other request); when a test needs both, start two instances and
 * point `s3Endpoint` and `sqsEndpoint` of the AwsConfig at them.
 */
import { afterAll } from "vitest";
import type { AwsConfig } from "../../lib/aws/clients.ts";
import { launchMoto } from "./motoProcess.ts";

export interface Moto {
  readonly available: boolean;
  readonly reason: string;
  readonly endpoint: string;
  /** Client configuration for lib/aws (dummy credentials, us-east-1, path-style endpoint). */
  readonly config: AwsConfig;
}

const DUMMY_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_SESSION_TOKEN: "testing",
  AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true",
  // the SDK warns once per process that releases after January 2027 need Node 22; the project runs Node 20
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

export interface StartMotoOptions {
  /** Serve one request at a time so that conditional writes are atomic (see the caveat above). */
  serial?: boolean;
}

/** Start moto for this test file (once), at the top level of the file. */
export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  const moto = await launchMoto(options.serial ?? false);
  if ("reason" in moto) {
    const reason = `[skip] ${moto.reason}`;
    console.warn(reason);
    return { available: false, reason, endpoint: "", config: { region: "us-east-1" } };
  }
  const saved = Object.fromEntries(Object.keys(DUMMY_ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, DUMMY_ENV);
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await moto.stop();
  });
  return {
    available: true,
    reason: "",
    endpoint: moto.endpoint,
    config: {
      region: "us-east-1",
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    },
  };
}
