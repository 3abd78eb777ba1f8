/**
 * moto_server for the S3 benchmark case: the tests' launcher (test/helpers/motoProcess.ts) without vitest, on a
 * free loopback port; `stop()` ends it. The reason when moto is absent.
 */
export { launchMoto as startMoto, type MotoProcess as BenchMoto } from "../test/helpers/motoProcess.ts";
