/** Error classification: retryable vs permanent (DESIGN.md "Protocol and guarantees"). */
import { describe, expect, it } from "vitest";
import {
  classifyError,
  DataFormatError,
  InputError,
  MsorError,
  NotFoundError,
  PreconditionFailedError,
  RetryableError,
  toMsorError,
} from "../../lib/core/errors.ts";

/** Shaped like an AWS SDK v3 ServiceException (name, $fault, $metadata). */
function awsError(name: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

describe("classifyError", () => {
  it.each([
    ["SlowDown", 503],
    ["ThrottlingException", 400],
    ["Throttling", 400],
    ["RequestThrottled", 403],
    ["TooManyRequestsException", 429],
    ["InternalError", 500],
    ["ServiceUnavailable", 503],
    ["RequestTimeout", 400],
    ["ConditionalRequestConflict", 409],
    ["SomethingNew", 502],
    ["AnotherNew", 429],
  ])("%s (%d) is retryable", (name, status) => {
    expect(classifyError(awsError(name, status))).toBe("retryable");
  });

  it.each([
    ["NoSuchKey", 404],
    ["NoSuchBucket", 404],
    ["AccessDenied", 403],
    ["InvalidRange", 416],
    ["PreconditionFailed", 412],
    ["QueueDoesNotExist", 400],
  ])("%s (%d) is permanent", (name, status) => {
    expect(classifyError(awsError(name, status))).toBe("permanent");
  });

  it("SDK timeouts, socket errors and $retryable are retryable; plain errors and non-errors permanent", () => {
    expect(classifyError(Object.assign(new Error("t"), { name: "TimeoutError" }))).toBe("retryable");
    expect(classifyError(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toBe("retryable");
    expect(classifyError(Object.assign(new Error("x"), { $retryable: { throttling: true } }))).toBe(
      "retryable",
    );
    expect(classifyError(new TypeError("bug"))).toBe("permanent");
    expect(classifyError("string")).toBe("permanent");
    expect(classifyError(undefined)).toBe("permanent");
    expect(classifyError(new Error("wrapped", { cause: awsError("SlowDown", 503) }))).toBe("retryable");
  });

  it("MsorErrors carry their own class", () => {
    expect(classifyError(new RetryableError("x"))).toBe("retryable");
    expect(classifyError(new DataFormatError("corrupt"))).toBe("permanent");
    expect(classifyError(new InputError("bad"))).toBe("permanent");
    expect(classifyError(new PreconditionFailedError("lost", { permanent: false }))).toBe("retryable");
  });
});

describe("toMsorError", () => {
  it("maps 412, 404 and retryable errors to their classes with context in the message", () => {
    const pf = toMsorError(awsError("PreconditionFailed", 412), "put s3://b/k");
    expect(pf).toBeInstanceOf(PreconditionFailedError);
    expect(pf.message).toMatch(/^put s3:\/\/b\/k: precondition failed/);
    const nf = toMsorError(awsError("NoSuchKey", 404), "get s3://b/k");
    expect(nf).toBeInstanceOf(NotFoundError);
    expect(nf.permanent).toBe(true);
    const rt = toMsorError(awsError("SlowDown", 503), "get s3://b/k");
    expect(rt).toBeInstanceOf(RetryableError);
    expect(rt.permanent).toBe(false);
    expect(rt.cause).toBeDefined();
    const other = toMsorError(awsError("AccessDenied", 403), "get s3://b/k");
    expect(other.constructor).toBe(MsorError);
    expect(other.message).toBe("get s3://b/k: AccessDenied: AccessDenied happened");
    const same = new InputError("x");
    expect(toMsorError(same, "w")).toBe(same);
  });
});
